"""Building blocks for matching tests: the facts of matching.domain made real in the database.

``person_for`` registers a case whose coded facts are a ``Person``; ``category_for`` registers a
shelter and a bed category whose facts are a ``BedOffer``. So a table of cases written for the
pure rules (tests/matching/test_domain.py) runs unchanged against the hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from accounts import services as accounts
from accounts.domain import Actor, Role
from fristad import i18n
from grants import services as grants
from matching.domain import BedOffer, Person
from shelters import services as shelters
from tests.accounts.helpers import TestUser, make_org, make_user
from tests.beneficiaries.helpers import actor_of, make_beneficiary
from tests.matching.test_domain import CASES

KR = 100

# The domain's table of cases, at the hold: free beds are the hold's own business (a full
# category is a Conflict of its own), and registration requires target groups, so those go.
CASES_AT_THE_HOLD = [
    case
    for case in CASES
    if case[2] != "no_free_bed" and "free" not in case[1] and case[1].get("target_groups") != set()
]


@dataclass
class World:
    operator_id: int
    ngo_id: int
    caseworker: Actor
    caseworker_user: TestUser
    staff: Actor
    authority_id: int
    officer: Actor
    programme_id: int

    async def token(self) -> str:
        _id, token = await accounts.create_token(self.caseworker, "tests", ["read", "write"])
        return token


async def make_world(*, shelter_budget: int = 100_000 * KR) -> World:
    i18n.activate("en")
    operator_id = await make_org("Skyddade boendet Linden", "559310478", ngo=False, shelter=True)
    staff = await make_user(
        "staff@linden.example", organisation_id=operator_id, role=Role.SHELTER_STAFF
    )
    ngo_id = await make_org("Stiftelsen Trygg Hamn", "802471350")
    caseworker_user = await make_user(
        "lina@trygghamn.example", organisation_id=ngo_id, role=Role.CASEWORKER
    )
    authority_id = await make_org(
        "Länsstyrelsen i Stockholm", "202100231", ngo=False, authority=True
    )
    officer_user = await make_user(
        "karin@lst.example", organisation_id=authority_id, role=Role.OFFICER, mfa=True
    )
    officer = await actor_of(officer_user.id)
    today = date.today()
    programme_id = await grants.create_programme(
        officer,
        f"Stödprogrammet {today.year}",
        date(today.year, 1, 1),
        date(today.year + 1, 12, 31),  # a stay of some weeks fits, whatever the date
        500_000 * KR,
        {"shelter": shelter_budget, "legal_aid": 100_000 * KR},
    )
    return World(
        operator_id=operator_id,
        ngo_id=ngo_id,
        caseworker=await actor_of(caseworker_user.id),
        caseworker_user=caseworker_user,
        staff=await actor_of(staff.id),
        authority_id=authority_id,
        officer=officer,
        programme_id=int(getattr(programme_id, "id", programme_id)),
    )


async def person_for(world: World, person: Person, **overrides: Any) -> int:
    """A case of the world's NGO with exactly the person's coded facts (and ``overrides`` of
    the record's other fields)."""
    minor_born = date.today().year - 16
    birth_year = (minor_born if person.is_minor else 1996) if person.age_known else None
    consents = ("share_shelter", "share_funder") if person.consents_to_shelter else ()
    return await make_beneficiary(
        world.caseworker,
        consents=consents,
        gender=person.gender,
        birth_year=birth_year,
        languages=sorted(person.languages),
        children_count=person.children_count,
        children_ages=[3] * person.children_count,
        exploitation_types=sorted(person.exploitation_types) or ["sexual_exploitation"],
        region=person.region or "syd",
        municipality=person.municipality or "",
        shelter_requirements=sorted(person.requirements),
        protected_identity=person.protected_identity,
        avoid_regions=sorted(person.avoid_regions),
        interpreter_language=sorted(person.languages)[0] if person.interpreter_arranged else "",
        **overrides,
    )


async def category_for(world: World, offer: BedOffer) -> int:
    """A shelter of the world's operator and one bed category with the offer's facts."""
    shelter_id = await shelters.create_shelter(
        None,
        world.operator_id,
        shelters.NewShelter(
            name=offer.shelter_name,
            address="Hemliga gatan 7, 123 45 Hemlösa",
            municipality=offer.municipality,
            target_groups=sorted(offer.target_groups),
            languages=sorted(offer.languages),
            accessible=offer.accessible,
            security_level=offer.security_level,
            price_per_night=offer.price_per_night,
            experience=sorted(offer.experience),
            referral_contact="040-123 45",
        ),
    )
    shelter_id = int(getattr(shelter_id, "id", shelter_id))
    capacity = max(offer.free, 1)
    category = await shelters.add_category(
        None,
        shelter_id,
        shelters.NewCategory(
            name=offer.category_name,
            capacity=capacity,
            target_groups=sorted(offer.target_groups),
            children_allowed=offer.children_allowed,
            max_children=offer.max_children,
            accessible=offer.accessible,
            occupied_outside=capacity - offer.free,
        ),
        confirmed_at=offer.confirmed_at,
    )
    return int(getattr(category, "id", category))
