"""Keeping the translation catalogs in step with the code (``fristad messages``).

Each package has its own catalog, so apps can change their texts independently. Message ids are
English, so the English catalog is filled with the ids; Swedish entries are left empty for a
translator, and a test fails while any is empty or fuzzy.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import _parse_config_object
from babel.messages.pofile import read_po, write_po

from fristad.i18n import LOCALES, PACKAGES, PLATFORM_DIR, catalog_path

PYPROJECT = PLATFORM_DIR.parent / "pyproject.toml"


@dataclass(frozen=True)
class CatalogReport:
    package: str
    locale: str
    messages: int
    untranslated: list[str]


def extract(package: str) -> Catalog:
    """The messages in a package's code and templates, by the mapping in pyproject.toml."""
    with PYPROJECT.open("rb") as config:
        babel_config = tomllib.load(config)["tool"]["babel"]
    method_map, options_map = _parse_config_object(babel_config, filename=str(PYPROJECT))
    template = Catalog(project="Fristad", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        Path(PLATFORM_DIR / package), method_map, options_map
    ):
        location = (f"platform/{package}/{filename}", lineno)
        template.add(message, None, [location], auto_comments=comments, context=context)
    return template


def read_catalog(package: str, locale: str) -> Catalog | None:
    path = catalog_path(package, locale)
    if not path.exists():
        return None
    with path.open("rb") as po_file:
        return read_po(po_file, locale=locale)


def update_catalogs() -> list[CatalogReport]:
    """Bring every package's catalogs in line with its code; report what needs translating."""
    reports = []
    for package in PACKAGES:
        template = extract(package)
        for locale in LOCALES:
            catalog = read_catalog(package, locale) or Catalog(locale=locale, project="Fristad")
            if not len(template) and not catalog_path(package, locale).exists():
                continue
            # Keep the header's date, so running this without new texts changes no file.
            template.creation_date = catalog.creation_date
            catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
            catalog.fuzzy = False  # a fuzzy header would make the whole catalog "fuzzy"
            catalog.obsolete.clear()
            for message in catalog:
                if not message.id:
                    continue
                if locale == "en" and not all(
                    message.string if isinstance(message.string, tuple) else (message.string,)
                ):
                    message.string = message.id
                message.flags.discard("fuzzy")
            path = catalog_path(package, locale)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as po_file:
                write_po(po_file, catalog, width=0, sort_output=False)
            reports.append(CatalogReport(package, locale, len(template), untranslated(catalog)))
    return reports


def untranslated(catalog: Catalog) -> list[str]:
    """Message ids that are empty or fuzzy in ``catalog``."""
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing
