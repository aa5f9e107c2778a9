"""Building blocks for grants tests: a programme, an applying organisation, officers, requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from accounts.domain import Actor, Role
from fristad.i18n import TIMEZONE
from grants import services
from grants.schemas import CostLineIn, RequestIn
from tests.accounts.helpers import TestUser, make_org, make_user
from tests.beneficiaries.helpers import actor_of, make_beneficiary

KR = 100  # öre per krona


@dataclass
class World:
    ngo_id: int
    authority_id: int
    caseworker: Actor
    caseworker_user: TestUser
    officer: Actor
    officer_user: TestUser
    second_officer: Actor
    second_officer_user: TestUser
    programme_id: int


async def make_officer(email: str, authority_id: int) -> tuple[Actor, TestUser]:
    user = await make_user(email, organisation_id=authority_id, role=Role.OFFICER, mfa=True)
    return await actor_of(user.id), user


async def make_world(*, legal_aid: int = 1_000_000 * KR, threshold: int = 500_000 * KR) -> World:
    ngo = await make_org("Stiftelsen Trygg Hamn", "802471350")
    authority = await make_org("Länsstyrelsen i Stockholm", "202100231", ngo=False, authority=True)
    caseworker_user = await make_user("lina@ngo.example", organisation_id=ngo, role=Role.CASEWORKER)
    caseworker = await actor_of(caseworker_user.id)
    officer, officer_user = await make_officer("karin@lst.example", authority)
    second, second_user = await make_officer("johan@lst.example", authority)
    programme_id = await services.create_programme(
        officer,
        "Stödprogrammet 2027",
        date(2027, 1, 1),
        date(2027, 12, 31),
        threshold,
        {"legal_aid": legal_aid, "shelter": 500_000 * KR},
    )
    return World(
        ngo,
        authority,
        caseworker,
        caseworker_user,
        officer,
        officer_user,
        second,
        second_user,
        programme_id,
    )


def request_in(
    programme_id: int,
    beneficiary_id: int,
    *,
    lines: list[tuple[str, int, int]] | None = None,
    category: str = "legal_aid",
    urgency: str = "normal",
) -> RequestIn:
    return RequestIn(
        programme_id=programme_id,
        beneficiary_id=beneficiary_id,
        category=category,
        period_start=date(2027, 2, 1),
        period_end=date(2027, 4, 30),
        justification="Överklagande av utvisningsbeslut kräver ombud.",
        urgency=urgency,
        lines=[
            CostLineIn(description=text, quantity=quantity, unit="st", unit_price=price)
            for text, quantity, price in (lines or [("Ombud", 10, 1_500 * KR)])
        ],
    )


async def submitted_request(
    world: World,
    *,
    lines: list[tuple[str, int, int]] | None = None,
    urgency: str = "normal",
    review: bool = True,
) -> int:
    """A request of the world's NGO, submitted and (by default) taken into review."""
    beneficiary = await make_beneficiary(world.caseworker, consents=("share_funder",))
    request_id = await services.create_request(
        world.caseworker, request_in(world.programme_id, beneficiary, lines=lines, urgency=urgency)
    )
    await services.submit(world.caseworker, request_id)
    if review:
        await services.start_review(world.officer, request_id)
    return request_id


def today_in_sweden() -> date:
    """The date a payment made now carries (payments are dated in Sweden, never ahead)."""
    return datetime.now(TIMEZONE).date()
