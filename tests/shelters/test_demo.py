"""The demo world: shelters in every police region, some stale, some full, holds and placements."""

from __future__ import annotations

from redis.asyncio import Redis

from accounts import demo as accounts_demo
from beneficiaries import demo as beneficiaries_demo
from fristad.regions import POLICE_REGIONS
from shelters import demo, services
from shelters.tables import Hold, Placement, Shelter


async def test_demo_fills_every_region_with_consistent_availability(jobs: Redis) -> None:
    await accounts_demo.populate()
    await beneficiaries_demo.populate()
    lines = await demo.populate()
    assert "Demo shelters" in lines[-1]

    assert await Shelter.count() >= 25
    regions = {row["region"] for row in await Shelter.select(Shelter.region)}
    assert regions == set(POLICE_REGIONS)
    board = await services.availability(services.BoardFilters())
    assert any(shelter.stale for shelter in board)
    assert any(not shelter.stale for shelter in board)
    assert any(shelter.free == 0 for shelter in board)
    assert await Hold.count() >= 1
    assert await Placement.count() >= 1
    assert await services.broken_invariants() == []
    assert (await demo.populate())[0].startswith("Demo shelters: the database has shelters")
