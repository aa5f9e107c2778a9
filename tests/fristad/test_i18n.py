"""Languages: complete catalogs, and amounts, numbers and times formatted by locale."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from fristad import i18n, messages

NBSP = "\xa0"


@pytest.mark.parametrize("locale", i18n.LOCALES)
@pytest.mark.parametrize("package", i18n.PACKAGES)
def test_catalog_covers_the_code_and_has_no_empty_or_fuzzy_entry(package: str, locale: str) -> None:
    extracted = {message.id for message in messages.extract(package) if message.id}
    catalog = messages.read_catalog(package, locale)
    if catalog is None:
        assert extracted == set(), f"{package} has texts but no {locale} catalog: fristad messages"
        return
    in_catalog = {message.id for message in catalog if message.id}
    assert sorted(extracted - in_catalog) == [], f"{package}/{locale}: run `fristad messages`"
    assert messages.untranslated(catalog) == [], f"{package}/{locale}: untranslated or fuzzy"


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
