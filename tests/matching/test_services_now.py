"""Help now ranks services for the person's needs next to beds, with explanations, and a
match can be reserved from the panel."""

from __future__ import annotations

from dataclasses import replace

from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from fristad import i18n
from fristad.settings import Settings
from matching import services as matching
from providers import services as providers
from tests.accounts.helpers import post_form, sign_in
from tests.providers.helpers import LAW_FIRM, make_case, make_world, service_numbers


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


async def test_a_match_is_reserved_from_the_help_now_panel(
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

    code = shown.text.split('name="code" value="', 1)[1].split('"', 1)[0]
    reserved = await post_form(
        client,
        f"/providers/services/{world.service_id}/reserve",
        {"code": code, "units": "10"},
        from_page=panel,
    )
    assert reserved.status_code == 303, reserved.text
    assert await service_numbers(world.service_id) == (30, 10, 40)
