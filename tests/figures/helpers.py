"""A hand-built world for figures: rows written straight into the other apps' tables, with dates
chosen so every figure of the 2027 programme year is known in advance."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from accounts.domain import Actor, Role
from beneficiaries.domain import new_code
from beneficiaries.tables import Beneficiary, StatusChange
from fristad.i18n import TIMEZONE
from grants import services as grants
from grants.tables import Budget, LedgerEntry, SupportRequest
from shelters.tables import AvailabilityChange, BedCategory, Placement, Shelter
from tests.accounts.helpers import TestUser, make_org, make_user
from tests.beneficiaries.helpers import actor_of

KR = 100
_keys = itertools.count(1)


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=TIMEZONE)


JANUARY = at(2027, 1, 10)


@dataclass
class FiguresWorld:
    ngo_id: int
    operator_id: int
    officer: Actor
    officer_user: TestUser
    caseworker: Actor
    caseworker_user: TestUser
    staff: Actor
    staff_user: TestUser
    programme_id: int
    stockholm_category: int
    vast_category: int
    stockholm_shelter: int
    vast_shelter: int
    people: dict[str, list[int]]


async def person(
    organisation_id: int,
    *,
    gender: str,
    age_band: str,
    citizenship: str,
    region: str,
    types: str,
    created: datetime = JANUARY,
    closed: datetime | None = None,
    protected: str = "none",
) -> int:
    rows = await Beneficiary.insert(
        Beneficiary(
            code=new_code(),
            organisation=organisation_id,
            gender=gender,
            age_band=age_band,
            citizenship=citizenship,
            region=region,
            exploitation_types=types,
            protected_identity=protected,
            status="closed" if closed else "open",
            closed_at=closed,
            created_at=created,
            updated_at=created,
        )
    )
    return int(rows[0]["id"])


async def people(count: int, organisation_id: int, **facts: object) -> list[int]:
    return [await person(organisation_id, **facts) for _ in range(count)]  # type: ignore[arg-type]


async def shelter(operator_id: int, region: str, municipality: str) -> int:
    rows = await Shelter.insert(
        Shelter(
            operator=operator_id,
            name=f"Boende {region}",
            address_encrypted="x",
            municipality=municipality,
            region=region,
            created_at=at(2026, 1, 1),
        )
    )
    return int(rows[0]["id"])


async def category(shelter_id: int, target_groups: str, capacity: int) -> int:
    rows = await BedCategory.insert(
        BedCategory(
            shelter=shelter_id,
            name="Rum",
            target_groups=target_groups,
            capacity=capacity,
            free=capacity,
            confirmed_at=at(2026, 1, 1),
        )
    )
    return int(rows[0]["id"])


async def counts(
    category_id: int,
    shelter_id: int,
    when: datetime,
    *,
    capacity: int,
    occupied: int,
    out_of_service: int = 0,
    external: int = 0,
) -> None:
    free = capacity - out_of_service - occupied - external
    await AvailabilityChange.insert(
        AvailabilityChange(
            category=category_id,
            shelter=shelter_id,
            at=when,
            kind="edit",
            capacity=capacity,
            out_of_service=out_of_service,
            occupied=occupied,
            external=external,
            free=free,
        )
    )


async def placement(
    beneficiary_id: int, category_id: int, shelter_id: int, organisation_id: int, when: datetime
) -> None:
    await Placement.insert(
        Placement(
            category=category_id,
            shelter=shelter_id,
            beneficiary=beneficiary_id,
            organisation=organisation_id,
            admitted_at=when,
            discharged_at=when + timedelta(days=10),
        )
    )


async def status_change(
    beneficiary_id: int, to_status: str, when: datetime, reason: str = ""
) -> None:
    await StatusChange.insert(
        StatusChange(
            beneficiary=beneficiary_id,
            from_status="open",
            to_status=to_status,
            reason=reason or None,
            changed_at=when,
        )
    )


async def support_request(
    world_ids: tuple[int, int, int, int],
    *,
    category: str,
    state: str,
    urgency: str = "normal",
    submitted: datetime | None,
    decided_after_hours: float | None = None,
) -> None:
    programme_id, ngo_id, beneficiary_id, user_id = world_ids
    decided = (
        submitted + timedelta(hours=decided_after_hours)
        if submitted and decided_after_hours is not None
        else None
    )
    await SupportRequest.insert(
        SupportRequest(
            programme=programme_id,
            organisation=ngo_id,
            beneficiary=beneficiary_id,
            created_by=user_id,
            category=category,
            period_start=date(2027, 1, 1),
            period_end=date(2027, 3, 31),
            urgency=urgency,
            state=state,
            submitted_at=submitted,
            decided_at=decided,
            created_at=submitted or at(2027, 1, 2),
            updated_at=submitted or at(2027, 1, 2),
        )
    )


async def ledger(programme_id: int, category: str, kind: str, amount: int, when: datetime) -> None:
    budget = (
        await Budget.select(Budget.id)
        .where((Budget.programme == programme_id) & (Budget.category == category))
        .first()
    )
    assert budget is not None
    await LedgerEntry.insert(
        LedgerEntry(
            budget=budget["id"],
            kind=kind,
            amount=amount,
            key=f"test:{next(_keys)}",
            created_at=when,
        )
    )


async def make_world() -> FiguresWorld:
    """The 2027 world the tests read (see each test for the figures it expects)."""
    ngo = await make_org("Stiftelsen Trygg Hamn", "802471350")
    authority = await make_org("Länsstyrelsen i Stockholm", "202100231", ngo=False, authority=True)
    operator = await make_org("Skyddsboenden AB", "556677889", ngo=False, shelter=True)
    officer_user = await make_user(
        "karin@lst.example", organisation_id=authority, role=Role.OFFICER, mfa=True
    )
    caseworker_user = await make_user("lina@ngo.example", organisation_id=ngo, role=Role.CASEWORKER)
    staff_user = await make_user(
        "per@boende.example", organisation_id=operator, role=Role.SHELTER_STAFF
    )
    officer = await actor_of(officer_user.id)
    programme_id = await grants.create_programme(
        officer,
        "Stödprogrammet 2027",
        date(2027, 1, 1),
        date(2027, 12, 31),
        500_000 * KR,
        {"legal_aid": 1_000_000 * KR, "shelter": 500_000 * KR},
    )
    found = {
        "ro_women": await people(
            10,
            ngo,
            gender="woman",
            age_band="25-34",
            citizenship="RO",
            region="stockholm",
            types="sexual_exploitation",
        ),
        "bg_men": await people(
            6,
            ngo,
            gender="man",
            age_band="35-49",
            citizenship="BG",
            region="vast",
            types="forced_labour forced_begging",
        ),
        "ng_women": await people(
            5,
            ngo,
            gender="woman",
            age_band="18-24",
            citizenship="NG",
            region="syd",
            types="sexual_exploitation",
        ),
        # Not helped in 2027: closed before it began, or come after it ended.
        "earlier": await people(
            4,
            ngo,
            gender="man",
            age_band="50+",
            citizenship="PL",
            region="nord",
            types="other",
            created=at(2026, 1, 5),
            closed=at(2026, 6, 1),
        ),
        "later": await people(
            1,
            ngo,
            gender="woman",
            age_band="0-17",
            citizenship="SE",
            region="nord",
            types="other",
            created=at(2028, 1, 10),
        ),
    }
    stockholm = await shelter(operator, "stockholm", "0180")
    vast = await shelter(operator, "vast", "1480")
    women_beds = await category(stockholm, "women", 10)
    men_beds = await category(vast, "men families", 8)
    await counts(women_beds, stockholm, at(2027, 1, 5), capacity=10, occupied=3)
    await counts(women_beds, stockholm, at(2027, 6, 1), capacity=10, occupied=5, external=2)
    await counts(women_beds, stockholm, at(2028, 2, 1), capacity=10, occupied=9)
    await counts(men_beds, vast, at(2027, 3, 1), capacity=8, out_of_service=1, occupied=5)
    for beneficiary_id in found["ro_women"][:5]:
        await placement(beneficiary_id, women_beds, stockholm, ngo, at(2027, 2, 1))
    for beneficiary_id in found["bg_men"]:
        await placement(beneficiary_id, men_beds, vast, ngo, at(2027, 3, 2))
    await placement(found["earlier"][0], men_beds, vast, ngo, at(2026, 3, 2))
    for beneficiary_id in found["bg_men"][:5]:
        await status_change(beneficiary_id, "returned", at(2027, 9, 1))
    for beneficiary_id in found["ng_women"]:
        await status_change(beneficiary_id, "closed", at(2027, 10, 1), "needs_met")
    for beneficiary_id in found["earlier"]:
        await status_change(beneficiary_id, "closed", at(2026, 6, 1), "lost_contact")
    ids = (programme_id, ngo, found["ro_women"][0], caseworker_user.id)
    for hours in (24, 48, 72, 96, 120, 144):
        await support_request(
            ids,
            category="legal_aid",
            state="approved",
            submitted=at(2027, 2, 1),
            decided_after_hours=hours,
        )
    for hours in (2, 4, 6, 8, 10):
        await support_request(
            ids,
            category="shelter",
            state="approved",
            urgency="acute",
            submitted=at(2027, 2, 3),
            decided_after_hours=hours,
        )
    for _ in range(5):
        await support_request(
            ids, category="legal_aid", state="in_review", submitted=at(2027, 5, 1)
        )
    await support_request(ids, category="legal_aid", state="draft", submitted=None)
    await ledger(programme_id, "legal_aid", "commitment", 100_000 * KR, at(2027, 3, 1))
    await ledger(programme_id, "legal_aid", "payment", 40_000 * KR, at(2027, 4, 1))
    await ledger(programme_id, "legal_aid", "commitment", 50_000 * KR, at(2028, 2, 1))
    return FiguresWorld(
        ngo,
        operator,
        officer,
        officer_user,
        await actor_of(caseworker_user.id),
        caseworker_user,
        await actor_of(staff_user.id),
        staff_user,
        programme_id,
        women_beds,
        men_beds,
        stockholm,
        vast,
        found,
    )
