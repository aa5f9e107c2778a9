"""Holding a bed with its support request: the stay must end within the programme (issue 11.8),
said before the bed is held."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from redis.asyncio import Redis

from fristad.errors import InvalidInput
from fristad.settings import Settings
from grants import services as grants
from matching import services as matching
from shelters.tables import Hold
from tests.matching import helpers as matching_helpers
from tests.matching.helpers import KR
from tests.matching.test_domain import OFFER, WOMAN


async def test_a_stay_held_past_the_programme_end_is_refused_before_the_bed_is_held(
    settings: Settings, jobs: Redis
) -> None:
    world = await matching_helpers.make_world()
    today = date.today()
    # A programme that started last runs for ten days more: matching applies to it.
    await grants.create_programme(
        world.officer,
        "Vinterinsatsen",
        today,
        today + timedelta(days=10),
        500_000 * KR,
        {"shelter": 100_000 * KR},
    )
    beneficiary_id = await matching_helpers.person_for(world, WOMAN)
    category_id = await matching_helpers.category_for(world, OFFER)
    with pytest.raises(InvalidInput) as refused:
        await matching.hold_and_apply(world.caseworker, beneficiary_id, category_id, 30, settings)
    assert "at most 10 nights" in refused.value.errors["nights"]
    assert await Hold.count() == 0
