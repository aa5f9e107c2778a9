"""Holds and placements without double booking, on SQLite and PostgreSQL, under real concurrency."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from accounts.domain import Role
from accounts.tables import AuditEvent
from beneficiaries.tables import Beneficiary
from fristad.database import write_transaction
from fristad.errors import Conflict, NotFound, PermissionDenied
from shelters import services
from shelters.tables import AvailabilityChange, BedCategory, Hold, Placement
from tests.accounts.helpers import make_org, make_user
from tests.beneficiaries.helpers import actor_of, make_beneficiary
from tests.shelters.helpers import category, make_case, make_world


async def test_fifty_simultaneous_holds_on_the_last_bed_give_one_hold_and_49_refusals(
    jobs: Redis,
) -> None:
    world = await make_world(capacity=3, occupied_outside=2)
    cases = [await make_case(world) for _ in range(50)]

    results = await asyncio.gather(
        *(services.hold_bed(world.caseworker_actor, world.category_id, case) for case in cases),
        return_exceptions=True,
    )

    holds = [result for result in results if isinstance(result, services.HoldResult)]
    refusals = [result for result in results if isinstance(result, Conflict)]
    assert len(holds) == 1, [r for r in results if not isinstance(r, services.HoldResult)][:3]
    assert len(refusals) == 49
    assert all("No bed is free" in refusal.message for refusal in refusals)
    row = await category(world.category_id)
    assert (row["free"], row["held"], row["external"]) == (0, 1, 2)
    assert await Hold.count() == 1
    assert await services.broken_invariants() == []


async def test_two_operators_accepting_the_same_hold_make_one_placement(jobs: Redis) -> None:
    world = await make_world(capacity=1)
    case = await make_case(world)
    hold = (await services.hold_bed(world.caseworker_actor, world.category_id, case)).hold
    colleague = await make_user(
        "anna@fyrbaken.example", organisation_id=world.operator_id, role=Role.SHELTER_STAFF
    )
    colleague_actor = await actor_of(colleague.id)

    results = await asyncio.gather(
        services.accept_hold(world.staff_actor, hold.id),
        services.accept_hold(colleague_actor, hold.id),
        return_exceptions=True,
    )

    assert sum(isinstance(result, services.BedHold) for result in results) == 1
    assert sum(isinstance(result, Conflict) for result in results) == 1
    assert await Placement.count() == 1
    row = await category(world.category_id)
    assert (row["free"], row["held"], row["occupied"]) == (0, 0, 1)
    assert await services.broken_invariants() == []
    status = await Beneficiary.select(Beneficiary.status).where(Beneficiary.id == case).first()
    assert status == {"status": "placed"}


async def test_two_operators_taking_the_last_bed_at_once_one_wins(jobs: Redis) -> None:
    world = await make_world(capacity=2, occupied_outside=1)
    colleague = await make_user(
        "anna@fyrbaken.example", organisation_id=world.operator_id, role=Role.SHELTER_STAFF
    )
    colleague_actor = await actor_of(colleague.id)
    seen = (await category(world.category_id))["version"]

    results = await asyncio.gather(
        services.adjust(world.staff_actor, world.category_id, "free", -1, version=seen),
        services.adjust(colleague_actor, world.category_id, "free", -1, version=seen),
        return_exceptions=True,
    )

    assert sum(isinstance(result, services.OperatorCategory) for result in results) == 1
    stale = [result for result in results if isinstance(result, services.StaleEdit)]
    assert len(stale) == 1
    assert stale[0].category.free == 0  # the second sees the fresh numbers
    row = await category(world.category_id)
    assert (row["free"], row["external"]) == (0, 2)
    assert await services.broken_invariants() == []


async def test_a_bed_taken_meanwhile_is_refused_even_with_a_fresh_version(jobs: Redis) -> None:
    world = await make_world(capacity=1)
    await services.hold_bed(world.caseworker_actor, world.category_id, await make_case(world))
    version = (await category(world.category_id))["version"]
    with pytest.raises(Conflict, match="No bed is free"):
        await services.adjust(world.staff_actor, world.category_id, "free", -1, version=version)
    with pytest.raises(Conflict, match="placement or hold"):
        await services.adjust(world.staff_actor, world.category_id, "free", 1, version=version)


async def test_repeated_request_with_the_same_idempotency_key_holds_one_bed(jobs: Redis) -> None:
    world = await make_world(capacity=3)
    case = await make_case(world)
    first, second = await asyncio.gather(
        services.hold_bed(world.caseworker_actor, world.category_id, case, idempotency_key="k-1"),
        services.hold_bed(world.caseworker_actor, world.category_id, case, idempotency_key="k-1"),
    )
    assert first.hold.id == second.hold.id
    assert sorted([first.created, second.created]) == [False, True]
    assert (await category(world.category_id))["free"] == 2
    assert await services.broken_invariants() == []


async def test_second_hold_for_the_same_person_is_refused(jobs: Redis) -> None:
    world = await make_world(capacity=3)
    case = await make_case(world)
    await services.hold_bed(world.caseworker_actor, world.category_id, case)
    with pytest.raises(Conflict, match="held already"):
        await services.hold_bed(world.caseworker_actor, world.category_id, case)
    assert (await category(world.category_id))["free"] == 2


async def test_unique_index_allows_one_pending_hold_per_person(jobs: Redis) -> None:
    """The backstop beneath the service's check: the database itself refuses a second one."""
    world = await make_world(capacity=3)
    case = await make_case(world)
    hold = (await services.hold_bed(world.caseworker_actor, world.category_id, case)).hold
    names = {column._meta.name for column in Hold._meta.columns} - {"id"}
    row = await Hold.select().where(Hold.id == hold.id).first()
    copy = {key: value for key, value in row.items() if key in names}
    with pytest.raises(Exception) as refused:  # noqa: PT011 - sqlite3 or asyncpg error
        async with write_transaction():
            await Hold.insert(Hold(**copy))
    assert services.is_constraint_error(refused.value)


async def test_check_constraint_refuses_counts_that_do_not_add_up(jobs: Redis) -> None:
    world = await make_world(capacity=1)
    for change in (
        {BedCategory.free: BedCategory.free - 1},  # free -1 < 0
        {BedCategory.held: BedCategory.held + 1},  # free no longer the rest of the capacity
    ):
        with pytest.raises(Exception) as refused:  # noqa: PT011 - sqlite3 or asyncpg error
            async with write_transaction():
                await BedCategory.update(change).where(BedCategory.id == world.category_id)
        assert services.is_constraint_error(refused.value)
    assert await services.broken_invariants() == []


async def test_hold_needs_consent_to_share_with_a_shelter(jobs: Redis) -> None:
    world = await make_world()
    case = await make_beneficiary(world.caseworker_actor, consents=())
    with pytest.raises(PermissionDenied):
        await services.hold_bed(world.caseworker_actor, world.category_id, case)
    assert (await category(world.category_id))["held"] == 0


async def test_another_organisations_case_cannot_be_held(jobs: Redis) -> None:
    world = await make_world()
    case = await make_case(world)
    other_ngo = await make_org("Föreningen Ljusglimt", "802519264")
    other = await make_user("x@other.example", organisation_id=other_ngo, role=Role.CASEWORKER)
    with pytest.raises(NotFound):
        await services.hold_bed(await actor_of(other.id), world.category_id, case)


async def test_shelter_staff_of_another_operator_cannot_answer(jobs: Redis) -> None:
    world = await make_world()
    hold = (
        await services.hold_bed(world.caseworker_actor, world.category_id, await make_case(world))
    ).hold
    with pytest.raises(NotFound):
        await services.accept_hold(world.caseworker_actor, hold.id)


async def test_accept_then_discharge_frees_the_bed_at_once_and_reopens_the_case(
    jobs: Redis,
) -> None:
    world = await make_world(capacity=1)
    case = await make_case(world)
    hold = (await services.hold_bed(world.caseworker_actor, world.category_id, case)).hold
    await services.accept_hold(world.staff_actor, hold.id)
    placement = await Placement.select().first()
    assert placement is not None
    with pytest.raises(Conflict):  # a placed person cannot be held elsewhere
        await services.hold_bed(world.caseworker_actor, world.category_id, case)

    await services.discharge(world.staff_actor, placement["id"], "moved_on")

    row = await category(world.category_id)
    assert (row["free"], row["occupied"]) == (1, 0)
    status = await Beneficiary.select(Beneficiary.status).where(Beneficiary.id == case).first()
    assert status == {"status": "open"}
    with pytest.raises(Conflict):
        await services.discharge(world.staff_actor, placement["id"], "moved_on")
    kinds = [
        row["kind"] for row in await AvailabilityChange.select().order_by(AvailabilityChange.id)
    ]
    assert kinds == ["created", "hold", "admit", "discharge"]
    assert await services.broken_invariants() == []


@pytest.mark.parametrize("answer", ["decline", "release"])
async def test_decline_and_release_free_the_bed(jobs: Redis, answer: str) -> None:
    world = await make_world(capacity=1)
    hold = (
        await services.hold_bed(world.caseworker_actor, world.category_id, await make_case(world))
    ).hold
    result: services.BedHold
    if answer == "decline":
        result = await services.decline_hold(world.staff_actor, hold.id, "not_suitable")
    else:
        result = await services.release_hold(world.caseworker_actor, hold.id)
    assert result.status == {"decline": "declined", "release": "released"}[answer]
    assert (await category(world.category_id))["free"] == 1
    with pytest.raises(Conflict):
        await services.release_hold(world.caseworker_actor, hold.id)
    assert await AuditEvent.count().where(AuditEvent.action.like("hold.%")) == 2
    assert await services.broken_invariants() == []


async def test_an_idempotency_key_reused_for_another_person_is_refused(jobs: Redis) -> None:
    world = await make_world(capacity=3)
    first, second = await make_case(world), await make_case(world)
    await services.hold_bed(world.caseworker_actor, world.category_id, first, idempotency_key="k")
    with pytest.raises(Conflict, match="sent already"):
        await services.hold_bed(
            world.caseworker_actor, world.category_id, second, idempotency_key="k"
        )
    assert (await category(world.category_id))["held"] == 1
