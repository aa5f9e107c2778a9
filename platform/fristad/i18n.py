"""Languages: Babel catalogs, the active locale of a request, and formatting by locale.

Swedish is the default, English the second; message ids are English. Each package keeps its own
catalog (``<package>/locale/<locale>/LC_MESSAGES/messages.po``); they are compiled in memory and
merged at start-up, so nothing binary is committed. ``fristad messages`` keeps them up to date.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations
from markupsafe import Markup

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection

LOCALES: Final = ("sv", "en")
DEFAULT_LOCALE: Final = "sv"
LOCALE_COOKIE: Final = "fristad_lang"
PLATFORM_DIR: Final = Path(__file__).parent.parent
PACKAGES: Final = (
    "fristad",
    "accounts",
    "beneficiaries",
    "grants",
    "shelters",
    "providers",
    "matching",
    "pathways",
    "figures",
)
TIMEZONE: Final = ZoneInfo("Europe/Stockholm")
# Babel locale used for formatting: Swedish conventions, and English as written in Sweden's
# public sector (day-month order, SEK), rather than US English.
_FORMAT_LOCALES: Final = {"sv": "sv_SE", "en": "en_GB"}

_active: ContextVar[str] = ContextVar("fristad_locale", default=DEFAULT_LOCALE)


def catalog_path(package: str, locale: str) -> Path:
    return PLATFORM_DIR / package / "locale" / locale / "LC_MESSAGES" / "messages.po"


@cache
def translations(locale: str) -> NullTranslations:
    """All packages' catalogs of ``locale``, merged (missing entries fall back to the ids)."""
    merged: NullTranslations = NullTranslations()
    for package in PACKAGES:
        po_path = catalog_path(package, locale)
        if not po_path.exists():
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=locale)
        compiled = io.BytesIO()
        write_mo(compiled, catalog, use_fuzzy=False)
        compiled.seek(0)
        loaded = Translations(compiled)
        if isinstance(merged, Translations):
            merged.merge(loaded)
        else:
            merged = loaded
    return merged


def activate(locale: str) -> None:
    """Make ``locale`` the language of everything rendered in this request (or task)."""
    _active.set(locale if locale in LOCALES else DEFAULT_LOCALE)


def active_locale() -> str:
    return _active.get()


@contextlib.contextmanager
def language(locale: str | None) -> Iterator[None]:
    """Render in ``locale`` (e.g. a mail in its recipient's language), then go back."""
    token = _active.set(locale if locale in LOCALES else DEFAULT_LOCALE)
    try:
        yield
    finally:
        _active.reset(token)


def gettext(message: str) -> str:
    return translations(_active.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_active.get()).ngettext(singular, plural, n)


def _(message: str) -> str:
    return gettext(message)


def template_gettext(message: str, **variables: Any) -> Markup:
    """Templates' ``_`` and ``gettext``: what Jinja's new-style gettext does for autoescaped
    templates (the translation marked safe, then always ``%``-formatted with the escaped
    variables), with a text without variables kept per language once it is formatted.

    Jinja's own wrapper costs two context calls, a Markup and a format on every call: half the
    render time of the bed board's rows, which ask for a dozen texts each."""
    if variables:
        return _translated_markup(_active.get(), message) % variables
    return _formatted_markup(_active.get(), message)


@lru_cache(maxsize=4096)
def _translated_markup(locale: str, message: str) -> Markup:
    return Markup(translations(locale).gettext(message))  # noqa: S704 - our own catalogs  # nosec B704


@lru_cache(maxsize=4096)
def _formatted_markup(locale: str, message: str) -> Markup:
    return _translated_markup(locale, message) % {}


def N_(message: str) -> str:
    """Mark a text for translation where it is defined; translate it where it is shown."""
    return message


def resolve_locale(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The choice made in the language switch (cookie), the signed-in user's saved language,
    the browser's Accept-Language, then Swedish."""
    chosen = connection.cookies.get(LOCALE_COOKIE)
    if chosen in LOCALES:
        return chosen
    saved = getattr(connection.scope.get("user"), "locale", None)
    if saved in LOCALES:
        return str(saved)
    return _negotiated(connection.headers.get("accept-language", ""))


@lru_cache(maxsize=256)
def _negotiated(accept: str) -> str:
    """The language of an Accept-Language header (kept: browsers send a few distinct ones)."""
    preferred = [
        part.split(";", 1)[0].strip().replace("_", "-")
        for part in accept.split(",")
        if part.strip() and not part.strip().endswith("q=0")
    ]
    negotiated = Locale.negotiate(preferred, list(LOCALES), sep="-")
    return str(negotiated) if negotiated else DEFAULT_LOCALE


@cache
def _babel_locale(identifier: str) -> Locale:
    """Babel's Locale, parsed once per process (Babel would parse the name for every value)."""
    return Locale.parse(identifier)


def _format_locale() -> Locale:
    return _babel_locale(_FORMAT_LOCALES[_active.get()])


@cache
def _money_pattern(locale: Locale, whole: bool) -> str:
    pattern = str(locale.currency_formats["standard"].pattern)
    if whole:
        pattern = pattern.replace("0.00", "0")
    # CLDR's currency spacing: an alphabetic symbol (SEK) is kept apart from the digits.
    return pattern.replace("¤#", "¤\xa0#")


def money(ore: int | None) -> str:
    """Integer öre as an amount of kronor: ``12 500 kr`` in Swedish, ``SEK 12,500`` in English.

    Whole kronor are shown without decimals; other amounts with two.
    """
    if ore is None:
        return ""
    locale = _format_locale()
    pattern = _money_pattern(locale, ore % 100 == 0)
    return format_currency(
        Decimal(ore) / 100, "SEK", format=pattern, locale=locale, currency_digits=False
    )


def number(value: int | float | Decimal | None) -> str:
    return "" if value is None else format_decimal(value, locale=_format_locale())


def date_(value: date | datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(TIMEZONE).date()
    return format_date(value, format=format, locale=_format_locale())


def datetime_(value: datetime | None, format: str = "medium") -> str:
    """A UTC time shown as the wall-clock time in Europe/Stockholm."""
    if value is None:
        return ""
    return _formatted_datetime(value, format, _active.get())


@lru_cache(maxsize=8192)
def _formatted_datetime(value: datetime, format: str, locale: str) -> str:
    # Kept: pages show the same times again and again (a shelter's last confirmation on every
    # board), and Babel's formatting costs tens of microseconds each.
    return format_datetime(
        value, format=format, tzinfo=TIMEZONE, locale=_babel_locale(_FORMAT_LOCALES[locale])
    )


def list_of(items: list[str], *, alternatives: bool = False) -> str:
    """Items as a sentence's list in the active language: "a, b and c" ("a, b or c")."""
    if not items:
        return ""
    return format_list(items, style="or" if alternatives else "standard", locale=_format_locale())


@lru_cache(maxsize=16)
def locale_name(locale: str) -> str:
    """A language's own name for itself (``svenska``, ``English``), for the language switch."""
    return (Locale.parse(locale).get_display_name(locale) or locale).capitalize()
