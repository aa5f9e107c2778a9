"""Reservations of a service's capacity without double booking, on SQLite and PostgreSQL, under
real concurrency; the provider's answers, release and expiry."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis

from accounts.tables import AuditEvent
from fristad.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from providers import services
from providers.tables import Reservation
from tests.providers.helpers import make_case, make_world, service_numbers


async def test_fifty_simultaneous_reservations_of_the_last_unit_give_one_and_49_refusals(
    jobs: Redis,
) -> None:
    world = await make_world(capacity_unit="cases", price_unit="case", maximum=3, available=1)
    cases = [await make_case(world) for _ in range(50)]

    results = await asyncio.gather(
        *(
            services.reserve_service(world.caseworker_actor, world.service_id, case)
            for case in cases
        ),
        return_exceptions=True,
    )

    made = [result for result in results if isinstance(result, services.ReservationResult)]
    refusals = [result for result in results if isinstance(result, services.NoCapacity)]
    others = [
        r for r in results if not isinstance(r, services.ReservationResult | services.NoCapacity)
    ]
    assert len(made) == 1, others[:3]
    assert len(refusals) == 49, others[:3]
    assert all("Nothing is left" in refusal.message for refusal in refusals)
    assert await service_numbers(world.service_id) == (0, 1, 3)
    assert await Reservation.count() == 1
    assert await services.broken_invariants() == []
