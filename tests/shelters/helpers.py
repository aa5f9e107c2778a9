"""Building blocks for shelters tests: an operator with a shelter, a caseworker with cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from redis.asyncio import Redis

from accounts.domain import Actor, Role
from fristad import i18n
from fristad.queue import QUEUE_NAME
from fristad.settings import Settings
from shelters import services
from tests.accounts.helpers import TestUser, make_org, make_user
from tests.beneficiaries.helpers import actor_of, make_beneficiary
from tests.jobs import run_queued_jobs

ADDRESS = "Hemliga gatan 7, 123 45 Hemlösa"


@dataclass
class World:
    operator_id: int
    staff: TestUser
    staff_actor: Actor
    shelter_id: int
    category_id: int
    ngo_id: int
    caseworker: TestUser
    caseworker_actor: Actor


async def make_world(
    *, capacity: int = 4, occupied_outside: int = 0, confirmed_at: datetime | None = None
) -> World:
    """An operator with one shelter and one category, and an NGO with a caseworker. The test's
    own messages are English (services translate their errors into the active language)."""
    i18n.activate("en")
    operator_id = await make_org("Skyddade boendet Fyrbåken", "559310478", ngo=False, shelter=True)
    staff = await make_user(
        "erik@fyrbaken.example", organisation_id=operator_id, role=Role.SHELTER_STAFF
    )
    staff_actor = await actor_of(staff.id)
    shelter_id = await services.create_shelter(
        None,
        operator_id,
        services.NewShelter(
            name="Fyrbåken",
            address=ADDRESS,
            municipality="1280",  # Malmö
            target_groups=["women", "families"],
            languages=["sv", "en", "ro"],
            referral_contact="040-123 45",
        ),
    )
    category_id = await services.add_category(
        None,
        shelter_id,
        services.NewCategory(
            name="Kvinnoavdelning",
            capacity=capacity,
            target_groups=["women"],
            occupied_outside=occupied_outside,
        ),
        confirmed_at=confirmed_at,
    )
    ngo_id = await make_org("Stiftelsen Trygg Hamn", "802471350")
    caseworker = await make_user(
        "lina@trygghamn.example", organisation_id=ngo_id, role=Role.CASEWORKER
    )
    return World(
        operator_id=operator_id,
        staff=staff,
        staff_actor=staff_actor,
        shelter_id=shelter_id,
        category_id=category_id,
        ngo_id=ngo_id,
        caseworker=caseworker,
        caseworker_actor=await actor_of(caseworker.id),
    )


async def make_case(world: World, **overrides: object) -> int:
    return await make_beneficiary(world.caseworker_actor, consents=("share_shelter",), **overrides)


async def category(category_id: int) -> dict[str, int]:
    from shelters.tables import BedCategory

    row = await BedCategory.select().where(BedCategory.id == category_id).first()
    assert row is not None
    return dict(row)


async def run_due_jobs(settings: Settings, redis: Redis) -> int:
    """Run the jobs that are due now (e-mails). Jobs deferred to the future (hold expiry) are
    dropped first: arq's burst mode would otherwise wait for them."""
    import time

    await redis.zremrangebyscore(QUEUE_NAME, f"({int(time.time() * 1000) + 60_000}", "+inf")
    return await run_queued_jobs(settings)
