"""Pure rules of beneficiaries: codes, identity numbers, age bands, the status machine."""

from __future__ import annotations

import re

import pytest
from stdnum import luhn

from beneficiaries.domain import (
    CODE_ALPHABET,
    STATUS_TRANSITIONS,
    age_band,
    birth_date_of,
    new_code,
    normalise_code,
    normalise_identity_number,
    validate_record,
)
from beneficiaries.schemas import BeneficiaryForm


def test_codes_are_random_unambiguous_and_well_formed() -> None:
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert re.fullmatch(rf"[{CODE_ALPHABET}]{{3}}-[{CODE_ALPHABET}]{{3}}", code)
    assert not set("0O1IL2Z5S8B") & set(CODE_ALPHABET)
    assert normalise_code("k7q 3m2") == "K7Q-3M2"


def _with_check_digit(nine: str) -> str:
    return nine + luhn.calc_check_digit(nine)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("811228-9874", "19811228-9874"),
        ("198112289874", "19811228-9874"),
        ("811228+9874", "18811228-9874"),  # a plus sign: 100 years or older
        (_with_check_digit("701063239"), "19701063-2391"),  # coordination number: day + 60
    ],
)
def test_valid_identity_numbers_are_normalised(given: str, expected: str) -> None:
    assert normalise_identity_number(given) == expected


@pytest.mark.parametrize("given", ["811228-9875", "811328-9874", "123", "", "abcdef-ghij"])
def test_invalid_identity_numbers_are_refused(given: str) -> None:
    assert normalise_identity_number(given) is None


def test_birth_date_of_a_coordination_number_subtracts_sixty() -> None:
    assert str(birth_date_of("19701063-2391")) == "1970-10-03"


def test_age_bands() -> None:
    assert [age_band(age) for age in (None, 0, 17, 18, 24, 25, 49, 50, 90)] == [
        "unknown",
        "0-17",
        "0-17",
        "18-24",
        "18-24",
        "25-34",
        "35-49",
        "50+",
        "50+",
    ]


def test_a_birth_year_alone_counts_the_younger_possible_age() -> None:
    from datetime import date

    this_year = date.today().year
    values = validate_record(
        BeneficiaryForm(
            birth_year=this_year - 18, exploitation_types=["forced_labour"], region="syd"
        )
    )
    by_name = {column._meta.name: value for column, value in values.items()}
    assert by_name["is_minor"] is True  # may still be 17 until the birthday


def test_status_machine_allows_only_listed_moves() -> None:
    assert "closed" in STATUS_TRANSITIONS["open"]
    assert "placed" not in STATUS_TRANSITIONS["closed"]
    assert STATUS_TRANSITIONS["closed"] == {"open"}
