"""Every rise of a service's available capacity is recorded with the change that made it (the
history reverse matching reads), and nothing else is."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis

from fristad.errors import Conflict
from providers import services
from providers.tables import CapacityChange, Reservation
from tests.providers.helpers import make_case, make_world


async def _history() -> list[tuple[str, int]]:
    rows = await CapacityChange.select(CapacityChange.kind, CapacityChange.available).order_by(
        CapacityChange.id
    )
    return [(row["kind"], row["available"]) for row in rows]


async def test_a_rise_by_the_provider_or_a_unit_given_back_is_recorded_a_fall_is_not(
    jobs: Redis,
) -> None:
    world = await make_world(maximum=40, available=0)  # no rise: nothing to offer yet
    assert await _history() == []
    await services.set_capacity(world.staff_actor, world.service_id, available=30, maximum=40)
    first, second, third = [await make_case(world) for _ in range(3)]
    made = [
        await services.reserve_service(world.caseworker_actor, world.service_id, case, units=10)
        for case in (first, second, third)
    ]
    await services.set_capacity(world.staff_actor, world.service_id, available=0, maximum=40)
    await services.decline_reservation(world.staff_actor, made[0].reservation.id, "other")
    await services.release_reservation(world.caseworker_actor, made[1].reservation.id)
    await Reservation.update(
        {Reservation.expires_at: datetime.now(UTC) - timedelta(minutes=1)}
    ).where(Reservation.id == made[2].reservation.id)
    assert await services.expire_overdue() == 1

    assert await _history() == [("set", 30), ("declined", 10), ("released", 20), ("expired", 30)]
    row = await CapacityChange.select().order_by(CapacityChange.id).first()
    assert row is not None
    assert (row["service"], row["actor_user_id"]) == (world.service_id, world.staff.id)
    assert await services.broken_invariants() == []


async def test_a_new_service_with_capacity_is_a_rise_and_an_accepted_reservation_is_not(
    jobs: Redis,
) -> None:
    world = await make_world(maximum=40, available=40)
    case = await make_case(world)
    made = await services.reserve_service(world.caseworker_actor, world.service_id, case, units=10)
    await services.accept_reservation(world.staff_actor, made.reservation.id)

    assert await _history() == [("created", 40)]


async def test_a_unit_given_back_to_a_service_already_full_to_its_maximum_is_no_rise(
    jobs: Redis,
) -> None:
    world = await make_world(maximum=40, available=40)
    case = await make_case(world)
    made = await services.reserve_service(world.caseworker_actor, world.service_id, case, units=10)
    # The provider lowers the maximum to what is left: the reserved hours cannot come back.
    await services.set_capacity(world.staff_actor, world.service_id, available=30, maximum=30)

    await services.release_reservation(world.caseworker_actor, made.reservation.id)

    assert await _history() == [("created", 40)]
    assert await services.broken_invariants() == []


async def test_a_refused_change_leaves_no_trace_in_the_history(jobs: Redis) -> None:
    world = await make_world(maximum=40, available=0)
    [seen] = await services.provider_services(world.staff_actor)
    assert seen.capacity is not None
    await services.set_capacity(world.staff_actor, world.service_id, available=5, maximum=40)

    with pytest.raises(Conflict):
        await services.set_capacity(
            world.staff_actor,
            world.service_id,
            available=40,
            maximum=40,
            version=seen.capacity.version,
        )

    assert await _history() == [("set", 5)]


async def test_simultaneous_raises_to_the_same_number_are_one_rise(jobs: Redis) -> None:
    world = await make_world(maximum=40, available=0)

    await asyncio.gather(
        *(
            services.set_capacity(world.staff_actor, world.service_id, available=10, maximum=40)
            for _ in range(20)
        )
    )

    # Each change reads what was available before it under the write lock: only the first
    # found 0, the others found 10 already.
    assert await _history() == [("set", 10)]


async def test_the_rises_are_read_after_a_cursor_in_pages(jobs: Redis) -> None:
    world = await make_world(maximum=40, available=0)
    for available in (1, 0, 2, 0, 3):
        await services.set_capacity(
            world.staff_actor, world.service_id, available=available, maximum=40
        )

    first_page = await services.capacity_rises(after=0, limit=2)
    assert [rise.available for rise in first_page] == [1, 2]
    rest = await services.capacity_rises(after=first_page[-1].event_id, limit=2)
    assert [rise.available for rise in rest] == [3]
    assert {rise.service_id for rise in first_page + rest} == {world.service_id}
    assert await services.latest_capacity_change() == rest[-1].event_id
    assert await services.capacity_rises(after=rest[-1].event_id, limit=2) == []
