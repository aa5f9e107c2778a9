"""Languages: complete catalogs, and amounts, numbers and times formatted by locale."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import _parse_mappings_from_toml
from babel.messages.pofile import read_po

from fristad import i18n
from fristad.database import REPO_ROOT

NBSP = "\xa0"


def _catalog(locale: str):  # type: ignore[no-untyped-def]
    path = i18n.LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po_file:
        return read_po(po_file, locale=locale)


def _extracted_message_ids() -> set[str]:
    with (REPO_ROOT / "pyproject.toml").open("rb") as config:
        method_map, options_map = _parse_mappings_from_toml(config, style="pyproject.toml")
    ids: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        Path(REPO_ROOT / "platform"), method_map, options_map
    ):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


@pytest.mark.parametrize("locale", i18n.LOCALES)
def test_catalog_is_complete_and_has_no_fuzzy_entries(locale: str) -> None:
    catalog = _catalog(locale)
    incomplete = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
        )
    ]
    assert incomplete == [], f"{locale}: untranslated or fuzzy: {incomplete}"


@pytest.mark.parametrize("locale", i18n.LOCALES)
def test_every_message_in_the_code_is_in_the_catalog(locale: str) -> None:
    in_catalog = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in _catalog(locale)
        if message.id
    }
    missing = sorted(_extracted_message_ids() - in_catalog)
    assert missing == [], f"{locale}: run pybabel extract/update (README): {missing}"


def test_swedish_is_really_translated() -> None:
    i18n.activate("sv")
    assert i18n.gettext("Skip to content") == "Hoppa till innehållet"
    i18n.activate("en")
    assert i18n.gettext("Skip to content") == "Skip to content"


@pytest.mark.parametrize(
    ("locale", "ore", "expected"),
    [
        ("sv", 1_250_000, f"12{NBSP}500{NBSP}kr"),
        ("en", 1_250_000, f"SEK{NBSP}12,500"),
        ("sv", 1_250_050, f"12{NBSP}500,50{NBSP}kr"),
        ("en", 1_250_050, f"SEK{NBSP}12,500.50"),
        ("sv", 0, f"0{NBSP}kr"),
        ("sv", -50_000, f"-500{NBSP}kr"),
    ],
)
def test_money_is_integer_ore_shown_in_kronor(locale: str, ore: int, expected: str) -> None:
    i18n.activate(locale)
    assert i18n.money(ore) == expected


def test_datetimes_are_shown_in_stockholm_time() -> None:
    i18n.activate("sv")
    summer = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)  # 00:30 the next day in CEST
    assert i18n.datetime_(summer, "short") == "2026-07-02 00:30"
    winter = datetime(2026, 1, 15, 23, 30, tzinfo=UTC)  # 00:30 the next day in CET
    assert i18n.date_(winter, "short") == "2026-01-16"


def test_dates_and_numbers_follow_the_locale() -> None:
    i18n.activate("en")
    assert i18n.date_(date(2026, 11, 29), "long") == "29 November 2026"
    assert i18n.number(1234567.5) == "1,234,567.5"
    i18n.activate("sv")
    assert i18n.date_(date(2026, 11, 29), "long") == "29 november 2026"
    assert i18n.number(1234567.5) == f"1{NBSP}234{NBSP}567,5"


def test_unknown_locale_falls_back_to_swedish() -> None:
    i18n.activate("de")
    assert i18n.active_locale() == "sv"
