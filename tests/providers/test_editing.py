"""A provider's staff change a registered service: the rules, reach, the audit, the page that
keeps what was typed, and the API twin."""

from __future__ import annotations

from dataclasses import replace

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from accounts import services as accounts
from accounts.domain import Role
from accounts.tables import AuditEvent
from fristad import i18n
from fristad.errors import Conflict, InvalidInput, NotFound
from providers import services
from providers.tables import Service
from tests.accounts.helpers import make_org, make_user, post_form, sign_in
from tests.beneficiaries.helpers import actor_of
from tests.providers.helpers import make_case, make_world, service_numbers

Client = AsyncTestClient[Litestar]

DETAILS = services.ServiceDetails(
    name="Överklaganden och skadestånd",
    matters=["migration_appeal", "damages_claim"],
    regions=["vast"],
    remote=True,
    languages=["sv", "bg"],
    target_groups=["women"],
    takes_minors=True,
    price=120_050,
    price_unit="case",
    referral_contact="+46 31 123 45 67",
    description="Byrån tar nu även skadeståndsmål.",
)


async def _version(service_id: int) -> int:
    row = await Service.select(Service.version).where(Service.id == service_id).first()
    assert row is not None
    return int(row["version"])


async def test_staff_change_the_registration_and_the_kind_and_capacity_stay(jobs: Redis) -> None:
    world = await make_world()
    case = await make_case(world)
    await services.reserve_service(world.caseworker_actor, world.service_id, case, units=5)
    version = await _version(world.service_id)

    view = await services.update_service(
        world.staff_actor, world.service_id, DETAILS, version=version
    )

    assert view.name == "Överklaganden och skadestånd"
    assert view.regions == ["vast"]
    assert view.remote
    assert view.languages == ["bg", "sv"]
    assert view.matters == ["damages_claim", "migration_appeal"]
    assert view.target_groups == ["women"]
    assert view.takes_minors
    assert (view.price, view.price_unit) == (120_050, "case")
    assert view.referral_contact == "+46 31 123 45 67"
    assert view.kind == "legal_aid"
    assert view.capacity_unit == "hours"
    # The pending reservation keeps its units: an edit never touches the numbers.
    assert await service_numbers(world.service_id) == (35, 5, 40)
    assert await _version(world.service_id) == version + 1
    event = (
        await AuditEvent.select(AuditEvent.detail)
        .where(
            (AuditEvent.action == "service.updated")
            & (AuditEvent.object_id == str(world.service_id))
        )
        .first()
    )
    assert event is not None
    assert "languages" in str(event["detail"])
    assert "bg" not in str(event["detail"])


async def test_a_refused_or_outdated_change_leaves_the_service_as_it_was(jobs: Redis) -> None:
    world = await make_world()
    before = await services.get_service(world.staff_actor, world.service_id)

    with pytest.raises(InvalidInput) as refused:
        await services.update_service(
            world.staff_actor,
            world.service_id,
            replace(
                DETAILS,
                regions=[],
                remote=False,
                matters=[],
                languages=["xx"],
                referral_contact="anna.lind@byran.example",
                price=-1,
                residential=True,
            ),
        )
    assert set(refused.value.errors) == {
        "regions",
        "matters",
        "languages",
        "referral_contact",
        "price",
        "residential",
    }
    with pytest.raises(Conflict):
        await services.update_service(
            world.staff_actor,
            world.service_id,
            DETAILS,
            version=await _version(world.service_id) - 1,
        )
    assert await services.get_service(world.staff_actor, world.service_id) == before


async def test_only_the_providers_own_staff_change_its_services(jobs: Redis) -> None:
    world = await make_world()
    other = await make_org("Tolkjouren Väst", "556677889", ngo=False, provider=True)
    foreign_admin = await make_user(
        "admin@tolkjouren.example", organisation_id=other, role=Role.ORG_ADMIN
    )
    own_admin = await make_user(
        "chef@advokatbyran-lind.example", organisation_id=world.provider_id, role=Role.ORG_ADMIN
    )

    for outsider in (world.caseworker_actor, await actor_of(foreign_admin.id)):
        with pytest.raises(NotFound):
            await services.update_service(outsider, world.service_id, DETAILS)
    assert (await services.get_service(world.staff_actor, world.service_id)).name != DETAILS.name

    view = await services.update_service(await actor_of(own_admin.id), world.service_id, DETAILS)
    assert view.name == DETAILS.name


async def test_the_edit_page_keeps_what_was_typed_and_saves_a_good_change(
    client: Client, jobs: Redis
) -> None:
    world = await make_world()
    await sign_in(client, world.staff)
    client.cookies.set(i18n.LOCALE_COOKIE, "en")
    path = f"/providers/operate/services/{world.service_id}/details"

    listed = await client.get("/providers/operate/")
    assert path in listed.text
    form = await client.get(path)
    assert form.status_code == 200
    assert 'value="Migrationsöverklaganden"' in form.text
    assert 'value="intag@advokatbyran-lind.example"' in form.text
    assert 'value="1500"' in form.text  # 150 000 öre an hour, in kronor
    version = str(await _version(world.service_id))

    typed = {
        "name": "Nytt namn",
        "matters": ["asylum"],
        "languages": "sv, bg",
        "price_kronor": "12 kr",
        "price_unit": "hour",
        "referral_contact": "anna.lind@byran.example",
        "version": version,
    }
    refused = await post_form(client, path, typed, from_page=path)
    assert refused.status_code == 422
    assert 'value="Nytt namn"' in refused.text
    assert 'value="sv, bg"' in refused.text
    assert 'value="anna.lind@byran.example"' in refused.text
    assert "Choose the regions served" in refused.text
    assert "never a person" in refused.text
    huge = await post_form(client, path, {**typed, "length_months": "9" * 30}, from_page=path)
    assert huge.status_code == 422
    assert (await services.get_service(world.staff_actor, world.service_id)).name != "Nytt namn"

    good = {
        **typed,
        "regions": "syd",
        "price_kronor": "1 200,50",
        "referral_contact": "intag@byran.example",
    }
    saved = await post_form(client, path, good, from_page=path)
    assert saved.status_code == 303, saved.text
    view = await services.get_service(world.staff_actor, world.service_id)
    assert (view.name, view.regions, view.languages) == ("Nytt namn", ["syd"], ["bg", "sv"])
    assert (view.price, view.matters) == (120_050, ["asylum"])

    # The same form again names the version it was filled from, which is gone now.
    outdated = await post_form(client, path, {**good, "name": "Ännu ett"}, from_page=path)
    assert outdated.status_code == 422
    assert "changed meanwhile" in outdated.text
    assert 'value="Ännu ett"' in outdated.text


async def test_another_providers_staff_get_no_edit_page(client: Client, jobs: Redis) -> None:
    world = await make_world()
    other = await make_org("Tolkjouren Väst", "556677889", ngo=False, provider=True)
    foreign = await make_user(
        "tolk@tolkjouren.example", organisation_id=other, role=Role.PROVIDER_STAFF
    )
    await sign_in(client, foreign)
    path = f"/providers/operate/services/{world.service_id}/details"
    assert (await client.get(path)).status_code == 404
    posted = await post_form(client, path, {"name": "Kapad"}, from_page="/providers/operate/")
    assert posted.status_code == 404
    assert (await services.get_service(world.staff_actor, world.service_id)).name != "Kapad"


async def test_the_api_twin_changes_the_registration(client: Client, jobs: Redis) -> None:
    world = await make_world()
    _id, token = await accounts.create_token(world.staff_actor, "firm", ["read", "write"])
    staff = {"Authorization": f"Bearer {token}"}
    _id, foreign_token = await accounts.create_token(
        world.caseworker_actor, "system", ["read", "write"]
    )
    path = f"/api/v1/services/{world.service_id}/details"
    body = {
        "name": "Via API",
        "matters": ["asylum"],
        "regions": ["nord"],
        "languages": ["sv"],
        "referral_contact": "intag@byran.example",
        "price": 90_000,
        "price_unit": "hour",
    }

    refused = await client.put(path, json={**body, "regions": []}, headers=staff)
    assert refused.status_code == 422
    assert "regions" in refused.text
    foreign = await client.put(
        path, json=body, headers={"Authorization": f"Bearer {foreign_token}"}
    )
    assert foreign.status_code == 404
    saved = await client.put(path, json=body, headers=staff)
    assert saved.status_code == 200, saved.text
    assert saved.json()["name"] == "Via API"
    stale = await client.put(path, json={**body, "version": 1}, headers=staff)
    assert stale.status_code == 409
    shown = await client.get(f"/api/v1/services/{world.service_id}", headers=staff)
    assert shown.json()["name"] == "Via API"
