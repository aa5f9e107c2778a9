"""Languages and countries people can find (issue 11.12): the common ones of this work first,
the rest found by typing a name in Swedish or English (or the code); no test or private-use
codes; the board's staff-language filter takes a name too."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from beneficiaries import codes as domain
from beneficiaries.tables import Beneficiary
from fristad import i18n
from tests.accounts.helpers import post_form
from tests.beneficiaries.test_pages_and_api import VALID, _caseworker

Client = AsyncTestClient[Litestar]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("ro", "ro"),
        ("Romanian", "ro"),
        ("rumänska", "ro"),
        ("  Rumänska ", "ro"),
        ("nigeriansk pidgin", "pcm"),
        ("Nigerian Pidgin", "pcm"),
        ("mongoliska", "mn"),
        ("und", None),  # "unknown language" is no language of a person
        ("zxx", None),
        ("qaa", None),
        ("klingon-ish", None),
        ("", None),
    ],
)
def test_a_language_is_found_by_code_or_name(typed: str, code: str | None) -> None:
    assert domain.language_code(typed) == code


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("RO", "RO"),
        ("ro", "RO"),
        ("Rumänien", "RO"),
        ("Romania", "RO"),
        ("vietnam", "VN"),
        ("Kosovo", "XK"),
        ("XB", None),  # CLDR's "Pseudo-Bidi" test territory
        ("fejkad bidi (för test)", None),
        ("Pseudo-Accents", None),
        ("Europeiska unionen", None),
        ("ZZ", None),
        ("Atlantis", None),
    ],
)
def test_a_country_is_found_by_code_or_name(typed: str, code: str | None) -> None:
    assert domain.country_code(typed) == code


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_the_lists_start_with_the_common_choices_and_hold_no_test_codes(locale: str) -> None:
    i18n.activate(locale)
    countries = [code for code, _name in domain.countries()]
    assert set(countries[: len(domain.COMMON_COUNTRIES)]) == set(domain.COMMON_COUNTRIES)
    assert not {"XA", "XB", "ZZ", "EU", "UN", "QO"} & set(countries)
    languages = [code for code, _name in domain.languages()]
    assert {code for code, _name in domain.common_languages()} == set(domain.COMMON_LANGUAGES)
    assert not {"und", "zxx", "mul", "mis"} & set(languages)


async def test_registration_takes_names_and_stores_codes(client: Client) -> None:
    await _caseworker(client)
    client.cookies.set(i18n.LOCALE_COOKIE, "sv", domain="testserver.local")
    form = await client.get("/beneficiaries/new")
    assert 'list="country-list"' in form.text
    assert "<select" not in form.text.split('id="f-citizenship"')[0][-200:]
    created = await post_form(
        client,
        "/beneficiaries/",
        {
            **VALID,
            "citizenship": "Rumänien",
            "languages": ["ro", "nigeriansk pidgin", "", "Thai"],
            "needs": ["shelter", "interpreter"],
            "interpreter_language": "mongoliska",
        },
        from_page="/beneficiaries/new",
    )
    assert created.status_code == 303, re.findall(r'field__error"[^>]*>([^<]*)', created.text)
    row = await Beneficiary.select(
        Beneficiary.citizenship, Beneficiary.languages, Beneficiary.interpreter_language
    ).first()
    assert row == {"citizenship": "RO", "languages": "pcm ro th", "interpreter_language": "mn"}
    edit = await client.get(created.headers["location"] + "/edit")
    assert 'value="Rumänien"' in edit.text
    assert 'value="nigeriansk pidgin"' in edit.text  # a language beyond the common ones
    assert 'name="languages" value="ro" checked' in edit.text


async def test_a_name_that_is_no_country_keeps_what_was_typed(client: Client) -> None:
    await _caseworker(client)
    client.cookies.set(i18n.LOCALE_COOKIE, "en", domain="testserver.local")
    refused = await post_form(
        client,
        "/beneficiaries/",
        {**VALID, "citizenship": "Atlantis", "languages": ["ro", "Elvish"]},
        from_page="/beneficiaries/new",
    )
    assert refused.status_code == 422
    assert "Choose a country from the list." in refused.text
    assert "Choose languages from the list." in refused.text
    assert 'value="Atlantis"' in refused.text
    assert 'value="Elvish"' in refused.text
