"""The service rules, table by table: who a service fits, what a provider may describe, units,
costs and freshness (providers.domain, no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from beneficiaries.codes import LANGUAGE_CODES
from fristad import i18n
from providers.domain import (
    PersonFacts,
    ServiceData,
    ServiceFacts,
    capacity_problems,
    cost_of,
    exclusions,
    is_stale,
    looks_like_function_address,
    service_problems,
    units_problem,
)

LAWYER = ServiceFacts(
    kind="legal_aid",
    regions=["stockholm"],
    remote=False,
    languages=["sv", "ro"],
    target_groups=[],
    takes_minors=False,
    matters=["migration_appeal"],
)
ADULT = PersonFacts(
    region="stockholm", languages=["ro"], is_minor=False, age_known=True, gender="woman"
)


@pytest.mark.parametrize(
    ("service", "person", "matter", "expected"),
    [
        (LAWYER, ADULT, None, []),
        (LAWYER, ADULT, "migration_appeal", []),
        (LAWYER, ADULT, "damages_claim", ["matter"]),
        (replace(LAWYER, active=False), ADULT, None, ["inactive"]),
        (LAWYER, replace(ADULT, is_minor=True), None, ["minor"]),
        (replace(LAWYER, takes_minors=True), replace(ADULT, is_minor=True), None, []),
        # Nobody who may be a child is taken for an adult.
        (LAWYER, replace(ADULT, age_known=False), None, ["age_unknown"]),
        (LAWYER, replace(ADULT, region="syd"), None, ["region"]),
        (replace(LAWYER, remote=True), replace(ADULT, region="syd"), None, []),
        (LAWYER, replace(ADULT, languages=["th"]), None, ["language"]),
        # An interpreter arranged bridges to a service given in Swedish.
        (LAWYER, replace(ADULT, languages=["th"], interpreter_language="th"), None, []),
        (
            replace(LAWYER, languages=["ro"]),
            replace(ADULT, languages=["th"], interpreter_language="th"),
            None,
            ["language"],
        ),
        (replace(LAWYER, target_groups=["men"]), ADULT, None, ["target_group"]),
        (replace(LAWYER, target_groups=["women", "men"]), ADULT, None, []),
        (
            replace(LAWYER, target_groups=["families"]),
            replace(ADULT, children_count=2),
            None,
            [],
        ),
        (
            replace(LAWYER, target_groups=["lgbtq"]),
            replace(ADULT, gender="non_binary"),
            None,
            [],
        ),
        # Every rule that excludes is named, in order.
        (
            replace(LAWYER, active=False),
            replace(ADULT, is_minor=True, region="nord", languages=["mn"]),
            None,
            ["inactive", "minor", "region", "language"],
        ),
        # The matter rule is for legal aid only.
        (replace(LAWYER, kind="interpreting", matters=[]), ADULT, "asylum", []),
    ],
)
def test_which_rules_exclude_a_service_for_a_person(
    service: ServiceFacts, person: PersonFacts, matter: str | None, expected: list[str]
) -> None:
    assert exclusions(service, person, matter) == expected


VALID = ServiceData(
    name="Tolkjouren",
    kind="interpreting",
    regions=["vast"],
    languages=["th", "mn"],
    price=45_000,
    price_unit="hour",
    capacity_unit="hours",
    maximum=120,
    referral_contact="bokning@tolkjouren.example",
)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({}, None),
        ({"name": " "}, "name"),
        ({"kind": "shelter"}, "kind"),
        ({"regions": []}, "regions"),
        ({"regions": [], "remote": True}, None),
        ({"regions": ["atlantis"]}, "regions"),
        ({"languages": []}, "languages"),
        ({"languages": ["xx-not"]}, "languages"),
        ({"target_groups": ["cats"]}, "target_groups"),
        ({"price": -1}, "price"),
        ({"price": 100_000_001}, "price"),
        ({"price_unit": "night"}, "price_unit"),
        ({"capacity_unit": "beds"}, "capacity_unit"),
        ({"maximum": 10_001}, "maximum"),
        ({"referral_contact": ""}, "referral_contact"),
        # A person's address is refused; a function's mailbox or a phone number is taken.
        ({"referral_contact": "anna.lind@tolkjouren.example"}, "referral_contact"),
        ({"referral_contact": "031-123 45 67"}, None),
        ({"kind": "legal_aid"}, "matters"),
        ({"kind": "legal_aid", "matters": ["migration_appeal"]}, None),
        ({"matters": ["migration_appeal"]}, "matters"),
        ({"kind": "rehabilitation", "residential": True, "length_months": 12}, None),
        ({"kind": "rehabilitation", "length_months": 61}, "length_months"),
        ({"residential": True}, "residential"),
    ],
)
def test_what_a_provider_may_describe(change: dict[str, object], field: str | None) -> None:
    i18n.activate("en")
    errors = service_problems(replace(VALID, **change), LANGUAGE_CODES)  # type: ignore[arg-type]
    assert list(errors) == ([field] if field else [])


@pytest.mark.parametrize(
    ("unit", "units", "refused"),
    [
        ("cases", 1, False),
        ("cases", 2, True),
        ("places", 1, False),
        ("places", 0, True),
        ("hours", 10, False),
        ("hours", 0, True),
        ("hours", 200, False),
        ("hours", 201, True),
    ],
)
def test_how_many_units_one_reservation_takes(unit: str, units: int, refused: bool) -> None:
    assert (units_problem(unit, units) is not None) is refused


@pytest.mark.parametrize(
    ("available", "maximum", "fields"),
    [
        (0, 0, []),
        (5, 5, []),
        (6, 5, ["available"]),
        (-1, 5, ["available"]),
        (1, 10_001, ["maximum"]),
    ],
)
def test_capacity_numbers(available: int, maximum: int, fields: list[str]) -> None:
    assert list(capacity_problems(available, maximum)) == fields


@pytest.mark.parametrize(
    ("price", "unit", "units", "cost"),
    [
        (150_000, "hour", 10, 1_500_000),
        (9_000_000, "place", 1, 9_000_000),
        (2_500_000, "case", 1, 2_500_000),
    ],
)
def test_a_reservation_costs_hours_times_the_rate_or_the_price(
    price: int, unit: str, units: int, cost: int
) -> None:
    assert cost_of(price, unit, units) == cost


@pytest.mark.parametrize(
    ("age", "stale"), [(None, True), (timedelta(hours=1), False), (timedelta(hours=25), True)]
)
def test_capacity_goes_stale_when_not_confirmed(age: timedelta | None, stale: bool) -> None:
    moment = datetime(2026, 12, 2, 12, tzinfo=UTC)
    confirmed = None if age is None else moment - age
    assert is_stale(confirmed, moment, 24) is stale


@pytest.mark.parametrize(
    ("contact", "fits"),
    [
        ("intag@byran.example", True),
        ("per.svensson@byran.example", False),
        ("08-123 456", True),
        ("12 34", False),
        ("", False),
    ],
)
def test_a_referral_contact_is_a_functions(contact: str, fits: bool) -> None:
    assert looks_like_function_address(contact) is fits
