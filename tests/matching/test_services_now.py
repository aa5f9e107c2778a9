"""Help now ranks services for the person's needs next to beds, with explanations, and a
match can be reserved from the panel."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from fristad import i18n
from fristad.settings import Settings
from matching import services as matching
from matching.service_rules import evaluate_service
from providers import services as providers
from providers.domain import PersonFacts
from tests.accounts.helpers import sign_in
from tests.providers.helpers import LAW_FIRM, make_case, make_world


async def test_legal_aid_services_are_ranked_and_the_others_explained(
    jobs: Redis, settings: Settings
) -> None:
    world = await make_world()  # Romanian, Stockholm, 40 hours
    thai = await providers.create_service(
        None, world.provider_id, replace(LAW_FIRM, name="Thailändska byrån", languages=["th"])
    )
    full = await providers.create_service(
        None, world.provider_id, replace(LAW_FIRM, name="Fullbokade byrån"), available=0
    )
    remote = await providers.create_service(
        None,
        world.provider_id,
        replace(LAW_FIRM, name="Distansbyrån", regions=[], remote=True, languages=["sv", "ro"]),
    )
    case = await make_case(world, needs=["legal_aid"], languages=["ro"])

    [need] = await matching.services_now(world.caseworker_actor, case, settings)

    assert need.need == "legal_aid"
    assert [match.service.id for match in need.eligible] == [world.service_id, remote]
    best = need.eligible[0]
    assert {reason.code for reason in best.points} >= {"speaks", "in_region", "fresh"}
    assert best.expected_cost == 10 * 150_000
    excluded = {match.service.id: match.excluded_by for match in need.excluded}
    assert excluded[thai] is not None
    assert excluded[thai].code == "language"
    assert excluded[full] is not None
    assert excluded[full].code == "none_free"


async def test_without_consent_to_the_provider_nothing_is_eligible(
    jobs: Redis, settings: Settings
) -> None:
    world = await make_world()
    case = await make_case(world, consent=False, needs=["legal_aid"])

    [need] = await matching.services_now(world.caseworker_actor, case, settings)

    assert need.eligible == ()
    assert [match.excluded_by.code for match in need.excluded if match.excluded_by] == [
        "no_consent"
    ]


async def test_a_match_can_be_reserved_and_applied_for_from_the_help_now_panel(
    client: AsyncTestClient[Litestar], jobs: Redis
) -> None:
    world = await make_world()
    case = await make_case(world, needs=["legal_aid"])
    await sign_in(client, world.caseworker)
    client.cookies.set(i18n.LOCALE_COOKIE, "en")
    panel = f"/beneficiaries/{case}/help-now/"

    shown = await client.get(panel)
    assert shown.status_code == 200, shown.text
    assert "Migrationsöverklaganden" in shown.text
    assert "Given in a language the person speaks." in shown.text

    # Acting on the match goes through matching (reserve and apply, tests/matching/
    # test_service_funding.py), not straight to providers.
    assert f'action="/beneficiaries/{case}/help-now/reserve"' in shown.text
    assert f'name="service_id" value="{world.service_id}"' in shown.text


def _view(**changes: object) -> providers.ServiceView:
    capacity = providers.Capacity(
        unit="hours",
        available=40,
        maximum=40,
        reserved=0,
        version=1,
        confirmed_at=datetime(2026, 12, 2, 10, tzinfo=UTC),
        stale=False,
    )
    base = providers.ServiceView(
        id=1,
        provider_id=1,
        provider_name="Byrån",
        name="Överklaganden",
        kind="legal_aid",
        description="",
        matters=["migration_appeal"],
        residential=False,
        length_months=None,
        intake="",
        regions=["stockholm"],
        remote=False,
        languages=["sv", "ro"],
        target_groups=[],
        takes_minors=False,
        price=150_000,
        price_unit="hour",
        referral_contact="intag@byran.example",
        capacity_unit="hours",
        active=True,
        capacity=capacity,
    )
    capacity_changes = changes.pop("capacity_changes", {})
    return replace(base, capacity=replace(capacity, **capacity_changes), **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "consented", "budget", "excluded_by", "codes"),
    [
        ({}, True, None, None, ["speaks", "in_region", "fresh"]),
        ({}, True, 2_000_000, None, ["speaks", "in_region", "fresh", "fits_budget"]),
        ({}, True, 1_000_000, None, ["speaks", "in_region", "fresh", "over_budget"]),
        ({"regions": [], "remote": True}, True, None, None, ["speaks", "remote", "fresh"]),
        (
            {"capacity_changes": {"confirmed_at": datetime(2026, 11, 30, tzinfo=UTC)}},
            True,
            None,
            None,
            ["speaks", "in_region", "stale"],
        ),
        ({}, False, None, "no_consent", []),
        ({"capacity_changes": {"available": 9}}, True, None, "none_free", []),
        ({"languages": ["th"]}, True, None, "language", []),
        ({"regions": ["syd"]}, False, None, "region", []),
    ],
)
def test_what_decides_a_service_match(
    changes: dict[str, object],
    consented: bool,
    budget: int | None,
    excluded_by: str | None,
    codes: list[str],
) -> None:
    person = PersonFacts(
        region="stockholm", languages=["ro"], is_minor=False, age_known=True, gender="woman"
    )
    match = evaluate_service(
        _view(**changes),
        person,
        consented=consented,
        now=datetime(2026, 12, 2, 12, tzinfo=UTC),
        stale_hours=24,
        budget_left=budget,
    )
    assert (match.excluded_by.code if match.excluded_by else None) == excluded_by
    assert [reason.code for reason in match.points] == codes
