"""A case that closes or returns home ends the services reserved for the person, as it ends the
beds held (issue 11.1 with the providers app): listed for confirmation, released with the
closing (units back to the provider, audited), and on the person's page until then."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from beneficiaries import services as beneficiaries
from fristad import i18n
from providers import services
from providers.tables import Reservation
from tests.accounts.helpers import sign_in
from tests.providers.helpers import make_case, make_world, service_numbers


async def test_a_returning_home_releases_the_services_reserved(app: Litestar, jobs: Redis) -> None:
    world = await make_world(capacity_unit="cases", price_unit="case", maximum=3, available=2)
    person = await make_case(world)
    made = await services.reserve_service(world.caseworker_actor, world.service_id, person)
    assert await service_numbers(world.service_id) == (1, 1, 3)

    async with AsyncTestClient(app=app) as client:
        await sign_in(client, world.caseworker)
        client.cookies.set(i18n.LOCALE_COOKIE, "en", domain="testserver.local")
        page = (await client.get(f"/beneficiaries/{person}")).text
    now = page[page.index('id="s-now"') : page.index('id="s-record"')]
    assert "reserved at Advokatbyrån Lind" in now
    assert "waiting for the provider’s answer" in now

    key = f"reservation:{made.reservation.id}"
    listed = await beneficiaries.still_open(world.caseworker_actor, person, "returned")
    assert [item.key for item in listed] == [key]
    with pytest.raises(beneficiaries.CaseHasOpenItems):
        await beneficiaries.change_status(world.caseworker_actor, person, "returned", None)
    assert await service_numbers(world.service_id) == (1, 1, 3)  # nothing ended unconfirmed

    await beneficiaries.change_status(world.caseworker_actor, person, "returned", None, end=[key])
    row = await Reservation.select(Reservation.status).where(Reservation.id == made.reservation.id)
    assert row == [{"status": "released"}]
    assert await service_numbers(world.service_id) == (2, 0, 3)
    assert await services.broken_invariants() == []
