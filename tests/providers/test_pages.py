"""Providers pages and API over HTTP: the directory, reserving by code, the provider's page
(capacity in place, answers), the API twins."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from accounts import services as accounts
from accounts.domain import Role
from beneficiaries.tables import Beneficiary
from fristad import i18n
from providers.tables import Reservation
from tests.accounts.helpers import csrf, make_org, make_user, post_form, sign_in
from tests.providers.helpers import make_case, make_world, service_numbers

Client = AsyncTestClient[Litestar]
HTMX = {"HX-Request": "true"}


async def _code(beneficiary_id: int) -> str:
    row = await Beneficiary.select(Beneficiary.code).where(Beneficiary.id == beneficiary_id).first()
    assert row is not None
    return str(row["code"])


async def test_caseworker_finds_a_service_and_reserves_it_by_the_case_code(
    client: Client, jobs: Redis
) -> None:
    world = await make_world()
    case = await make_case(world)
    await sign_in(client, world.caseworker)
    client.cookies.set(i18n.LOCALE_COOKIE, "en")

    found = await client.get("/providers/?text=migration&language=ro&region=stockholm")
    assert found.status_code == 200
    assert "Migrationsöverklaganden" in found.text
    assert "40 of 40" in found.text
    assert (await client.get("/providers/?language=th")).text.count("Migrationsöverklaganden") == 0

    form_page = f"/providers/services/{world.service_id}/reserve"
    refused = await post_form(
        client, form_page, {"code": "NOPE-1", "units": "5"}, from_page=form_page
    )
    assert refused.status_code == 422
    assert 'value="NOPE-1"' in refused.text  # what was typed stays
    too_many = await post_form(
        client, form_page, {"code": await _code(case), "units": "x"}, from_page=form_page
    )
    assert too_many.status_code == 422

    reserved = await post_form(
        client,
        form_page,
        {"code": await _code(case), "units": "5", "matter": "migration_appeal"},
        from_page=form_page,
    )
    assert reserved.status_code == 303, reserved.text
    assert await service_numbers(world.service_id) == (35, 5, 40)
    listed = await client.get("/providers/reservations")
    assert await _code(case) in listed.text
    assert "Migration appeal" in listed.text
    assert "intag@advokatbyran-lind.example" in listed.text


async def test_provider_keeps_capacity_in_place_and_answers_with_the_minimal_profile(
    client: Client, jobs: Redis
) -> None:
    from providers import services

    world = await make_world()
    case = await make_case(world)
    made = await services.reserve_service(world.caseworker_actor, world.service_id, case, units=5)
    await sign_in(client, world.staff)
    client.cookies.set(i18n.LOCALE_COOKIE, "en")

    page = await client.get("/providers/operate/")
    assert page.status_code == 200
    assert await _code(case) in page.text  # the minimal profile, with consent
    assert "Romanian" in page.text

    token = await csrf(client, "/providers/operate/")
    [view] = await services.provider_services(world.staff_actor)
    assert view.capacity is not None
    answer = await client.post(
        f"/providers/operate/services/{world.service_id}/capacity",
        data={"available": "12", "maximum": "30", "version": view.capacity.version},
        headers={**HTMX, "x-csrftoken": token},
    )
    assert answer.status_code == 200
    assert answer.text.lstrip().startswith(f'<tr id="service-{world.service_id}"')
    assert await service_numbers(world.service_id) == (12, 5, 30)
    stale = await client.post(
        f"/providers/operate/services/{world.service_id}/capacity",
        data={"available": "1", "maximum": "30", "version": view.capacity.version},
        headers={**HTMX, "x-csrftoken": token},
    )
    assert "changed meanwhile" in stale.text
    assert await service_numbers(world.service_id) == (12, 5, 30)
    bad = await client.post(
        f"/providers/operate/services/{world.service_id}/capacity",
        data={"available": "31", "maximum": "30"},
        headers={**HTMX, "x-csrftoken": token},
    )
    assert "between 0 and the maximum" in bad.text

    accepted = await post_form(
        client,
        f"/providers/operate/reservations/{made.reservation.id}/accept",
        {},
        from_page="/providers/operate/",
    )
    assert accepted.status_code == 303
    assert (await Reservation.select(Reservation.status).first() or {})["status"] == "accepted"
    assert await service_numbers(world.service_id) == (12, 0, 30)


async def test_directory_hides_capacity_from_roles_that_may_not_see_it(
    client: Client, jobs: Redis
) -> None:
    await make_world()
    other_provider = await make_org("Tolkjouren Väst", "556677889", ngo=False, provider=True)
    admin = await make_user(
        "admin@tolkjouren.example", organisation_id=other_provider, role=Role.ORG_ADMIN
    )
    await sign_in(client, admin)
    client.cookies.set(i18n.LOCALE_COOKIE, "en")

    page = await client.get("/providers/")
    assert page.status_code == 200
    assert "Migrationsöverklaganden" in page.text
    assert "40 of 40" not in page.text
    _id, token = await accounts.create_token(await _actor(admin.id), "directory", ["read"])
    listed = await client.get("/api/v1/services", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    assert "capacities" not in listed.json()["contents"][0]


async def _actor(user_id: int):  # type: ignore[no-untyped-def]
    from tests.beneficiaries.helpers import actor_of

    return await actor_of(user_id)


async def test_api_twins_reserve_with_201_refuse_with_409_and_answer(
    client: Client, jobs: Redis
) -> None:
    world = await make_world(capacity_unit="cases", price_unit="case", maximum=1)
    first, second = await make_case(world), await make_case(world)
    _id, token = await accounts.create_token(world.caseworker_actor, "system", ["read", "write"])
    bearer = {"Authorization": f"Bearer {token}"}
    _id, staff_token = await accounts.create_token(world.staff_actor, "firm", ["read", "write"])
    staff = {"Authorization": f"Bearer {staff_token}"}
    client.cookies.set(i18n.LOCALE_COOKIE, "en")

    body = {"service_id": world.service_id, "beneficiary_id": first, "idempotency_key": "a1"}
    created = await client.post("/api/v1/reservations", json=body, headers=bearer)
    assert created.status_code == 201, created.text
    repeated = await client.post("/api/v1/reservations", json=body, headers=bearer)
    assert repeated.status_code == 200
    assert repeated.json()["id"] == created.json()["id"]
    full = await client.post(
        "/api/v1/reservations",
        json={"service_id": world.service_id, "beneficiary_id": second},
        headers=bearer,
    )
    assert full.status_code == 409
    assert "Nothing is left" in full.text

    theirs = await client.get("/api/v1/provider/reservations", headers=staff)
    assert [entry["id"] for entry in theirs.json()] == [created.json()["id"]]
    declined = await client.post(
        f"/api/v1/reservations/{created.json()['id']}/decline",
        json={"reason": "conflict_of_interest"},
        headers=staff,
    )
    assert declined.status_code == 200, declined.text
    assert declined.json()["status"] == "declined"

    capacity = await client.put(
        f"/api/v1/services/{world.service_id}/capacity",
        json={"available": 3, "maximum": 3},
        headers=staff,
    )
    assert capacity.status_code == 200, capacity.text
    assert capacity.json()["capacity"]["available"] == 3
    not_theirs = await client.put(
        f"/api/v1/services/{world.service_id}/capacity",
        json={"available": 0, "maximum": 0},
        headers=bearer,
    )
    assert not_theirs.status_code == 404


async def test_provider_registers_a_service_on_the_page_and_through_the_api(
    client: Client, jobs: Redis
) -> None:
    from providers.tables import Service

    world = await make_world()
    await sign_in(client, world.staff)
    client.cookies.set(i18n.LOCALE_COOKIE, "en")
    form = {
        "name": "Rumänsktolk",
        "kind": "interpreting",
        "regions": "stockholm",
        "languages": "sv, ro",
        "price_kronor": "650",
        "price_unit": "hour",
        "capacity_unit": "hours",
        "maximum": "80",
        "referral_contact": "anna.berg@advokatbyran-lind.example",
    }

    refused = await post_form(
        client, "/providers/operate/services", form, from_page="/providers/operate/"
    )
    assert refused.status_code == 422
    assert "never a person" in refused.text
    assert 'value="Rumänsktolk"' in refused.text  # what was typed stays
    registered = await post_form(
        client,
        "/providers/operate/services",
        {**form, "referral_contact": "tolk@advokatbyran-lind.example"},
        from_page="/providers/operate/",
    )
    assert registered.status_code == 303, registered.text
    row = await Service.select().where(Service.name == "Rumänsktolk").first()
    assert row is not None
    assert (row["languages"], row["price"], row["available"]) == ("ro sv", 65_000, 80)

    _id, token = await accounts.create_token(world.staff_actor, "firm", ["read", "write"])
    created = await client.post(
        "/api/v1/services",
        json={
            "name": "Skadeståndstalan",
            "kind": "legal_aid",
            "matters": ["damages_claim"],
            "remote": True,
            "languages": ["sv", "bg"],
            "price": 140_000,
            "price_unit": "hour",
            "capacity_unit": "hours",
            "maximum": 20,
            "referral_contact": "intag@advokatbyran-lind.example",
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code == 201, created.text
    assert created.json()["capacity"]["available"] == 20
    _id, other = await accounts.create_token(world.caseworker_actor, "ngo", ["read", "write"])
    denied = await client.post(
        "/api/v1/services",
        json={"name": "X", "kind": "other", "remote": True, "languages": ["sv"]},
        headers={"Authorization": f"Bearer {other}"},
    )
    assert denied.status_code == 403
