"""A provider narrowing a service (languages, regions, target groups, minors, matters) marks the
pending reservations it no longer fits with the rule, for the caseworker and the provider to see;
the reservation keeps its units until it is answered, released or expires."""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from datetime import date
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from accounts import services as accounts
from accounts.tables import AuditEvent
from fristad import i18n
from providers import services
from providers.domain import ServiceDetails
from providers.tables import Reservation
from tests.accounts.helpers import sign_in
from tests.providers.helpers import LAW_FIRM, make_case, make_world, service_numbers

# The world's service as its details: what the staff may change.
BASE = ServiceDetails(
    **{
        key: value
        for key, value in asdict(LAW_FIRM).items()
        if key in ServiceDetails.__dataclass_fields__
    }
)
MINOR = date.today().year - 16


async def _misfits() -> dict[int, str | None]:
    rows = await Reservation.select(Reservation.beneficiary, Reservation.misfit)
    return {row["beneficiary"]: row["misfit"] for row in rows}


# (what the provider changes, the case reserving, the matter reserved, the rule it then breaks)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], str | None, str | None]] = [
    ("language", {"languages": ["sv", "th"]}, {}, None, "language"),
    ("region", {"regions": ["syd"]}, {}, None, "region"),
    ("remote instead", {"regions": [], "remote": True}, {}, None, None),
    ("target group", {"target_groups": ["men"]}, {}, None, "target_group"),
    ("matter", {"matters": ["asylum"]}, {}, "migration_appeal", "matter"),
    ("minors", {"takes_minors": False}, {"birth_year": MINOR}, None, "minor"),
    ("price only", {"price": 90_000}, {}, "migration_appeal", None),
]


@pytest.mark.parametrize(
    ("change", "case", "matter", "rule"),
    [row[1:] for row in CASES],
    ids=[row[0] for row in CASES],
)
async def test_a_pending_reservation_the_narrowed_service_no_longer_fits_is_marked(
    jobs: Redis,
    change: dict[str, Any],
    case: dict[str, Any],
    matter: str | None,
    rule: str | None,
) -> None:
    world = await make_world(takes_minors=True)
    beneficiary_id = await make_case(world, **case)
    made = await services.reserve_service(
        world.caseworker_actor, world.service_id, beneficiary_id, units=5, matter=matter
    )
    before = await service_numbers(world.service_id)

    await services.update_service(
        world.staff_actor, world.service_id, replace(BASE, **{"takes_minors": True, **change})
    )

    assert await _misfits() == {beneficiary_id: rule}
    [shown] = await services.reservations_of_organisation(world.caseworker_actor)
    assert (shown.id, shown.misfit, shown.status) == (made.reservation.id, rule, "pending")
    assert await service_numbers(world.service_id) == before  # the units stay reserved
    event = (
        await AuditEvent.select(AuditEvent.detail)
        .where(AuditEvent.action == "service.updated")
        .first()
    )
    assert event is not None
    assert json.loads(event["detail"])["no_longer_fitting"] == (
        [made.reservation.id] if rule else []
    )


async def test_the_mark_goes_when_the_service_fits_again_and_answered_ones_are_left_alone(
    jobs: Redis,
) -> None:
    world = await make_world()
    pending_case, accepted_case = await make_case(world), await make_case(world)
    await services.reserve_service(world.caseworker_actor, world.service_id, pending_case)
    accepted = await services.reserve_service(
        world.caseworker_actor, world.service_id, accepted_case
    )
    await services.accept_reservation(world.staff_actor, accepted.reservation.id)

    await services.update_service(
        world.staff_actor, world.service_id, replace(BASE, languages=["sv"])
    )
    assert await _misfits() == {pending_case: "language", accepted_case: None}

    await services.update_service(world.staff_actor, world.service_id, BASE)
    assert await _misfits() == {pending_case: None, accepted_case: None}


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en", "No longer fits since the provider changed the service:"),
        ("sv", "Passar inte längre sedan leverantören ändrade tjänsten:"),
    ],
)
async def test_the_caseworker_and_the_provider_see_the_mark_and_the_api_gives_it(
    client: AsyncTestClient[Litestar], jobs: Redis, locale: str, text: str
) -> None:
    world = await make_world()
    case = await make_case(world)
    await services.reserve_service(world.caseworker_actor, world.service_id, case)
    await services.update_service(
        world.staff_actor, world.service_id, replace(BASE, languages=["sv"])
    )

    for user, page in (
        (world.caseworker, "/providers/reservations"),
        (world.staff, "/providers/operate/"),
    ):
        client.cookies.clear()
        await sign_in(client, user)
        client.cookies.set(i18n.LOCALE_COOKIE, locale)
        shown = await client.get(page)
        assert shown.status_code == 200, shown.text
        assert text in shown.text

    _id, token = await accounts.create_token(world.caseworker_actor, "tests", ["read"])
    listed = await client.get("/api/v1/reservations", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200, listed.text
    assert [item["misfit"] for item in listed.json()] == ["language"]
