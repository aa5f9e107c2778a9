"""Shelters pages and API over HTTP: operator +/− in place, the board, holds, privacy."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from accounts import services as accounts
from accounts.domain import Role
from accounts.tables import AuditEvent
from beneficiaries.tables import Beneficiary
from fristad import i18n
from fristad.mail import list_outbox, read_outbox
from fristad.settings import Settings
from shelters import services
from tests.accounts.helpers import csrf, make_org, make_user, post_form, sign_in
from tests.beneficiaries.helpers import actor_of
from tests.shelters.helpers import ADDRESS, category, make_case, make_world, run_due_jobs

Client = AsyncTestClient[Litestar]
HTMX = {"HX-Request": "true"}


async def _htmx_post(client: Client, path: str, data: dict[str, object], page: str) -> object:
    token = await csrf(client, page)
    return await client.post(path, data=data, headers={**HTMX, "x-csrftoken": token})


async def test_operator_changes_a_count_in_place_and_a_stale_click_gets_a_notice(
    client: Client, jobs: Redis
) -> None:
    world = await make_world(capacity=4)
    await sign_in(client, world.staff)
    client.cookies.set(i18n.LOCALE_COOKIE, "en")  # sign-in chose the user\'s Swedish
    operate = f"/shelters/operate/{world.shelter_id}"
    page = await client.get(operate)
    assert page.status_code == 200
    assert ADDRESS in page.text  # the operator sees the address
    version = (await category(world.category_id))["version"]
    adjust = f"/shelters/operate/categories/{world.category_id}/adjust"

    answer = await _htmx_post(
        client, adjust, {"what": "free", "delta": -1, "version": version}, operate
    )
    assert answer.status_code == 200  # type: ignore[attr-defined]
    fragment = answer.text  # type: ignore[attr-defined]
    assert fragment.lstrip().startswith(f'<tr id="category-{world.category_id}"')
    assert "<html" not in fragment
    assert (await category(world.category_id))["free"] == 3

    stale = await _htmx_post(
        client, adjust, {"what": "free", "delta": -1, "version": version}, operate
    )
    assert stale.status_code == 200  # type: ignore[attr-defined]
    assert "Someone else changed these numbers" in stale.text  # type: ignore[attr-defined]
    assert (await category(world.category_id))["free"] == 3  # nothing overwritten
    assert f'name="version" value="{version + 1}"' in stale.text  # type: ignore[attr-defined]

    confirmed = await _htmx_post(
        client, f"/shelters/operate/categories/{world.category_id}/confirm", {}, operate
    )
    assert confirmed.status_code == 200  # type: ignore[attr-defined]


async def test_plain_form_post_without_javascript_redirects_back(
    client: Client, jobs: Redis
) -> None:
    world = await make_world(capacity=4)
    await sign_in(client, world.staff)
    client.cookies.set(i18n.LOCALE_COOKIE, "en")  # sign-in chose the user\'s Swedish
    operate = f"/shelters/operate/{world.shelter_id}"
    version = (await category(world.category_id))["version"]
    answer = await post_form(
        client,
        f"/shelters/operate/categories/{world.category_id}/adjust",
        {"what": "out_of_service", "delta": 1, "version": version},
        from_page=operate,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == operate
    assert (await category(world.category_id))["out_of_service"] == 1


async def test_board_filters_and_hides_every_address(client: Client, jobs: Redis) -> None:
    world = await make_world(capacity=4)
    await sign_in(client, world.caseworker)
    client.cookies.set(i18n.LOCALE_COOKIE, "en")  # sign-in chose the user\'s Swedish
    board = await client.get("/shelters/")
    assert board.status_code == 200
    assert "Fyrbåken" in board.text
    assert 'data-live-source="/shelters/board/events"' in board.text
    assert ADDRESS not in board.text
    elsewhere = await client.get("/shelters/?region=nord")
    assert "Fyrbåken" not in elsewhere.text
    men = await client.get("/shelters/?target_group=men")
    assert "Fyrbåken" not in men.text
    romanian = await client.get("/shelters/?language=ro&region=syd")
    assert "Fyrbåken" in romanian.text
    # By name too, in either language (issue 11.12): "rumänska" found nothing before.
    for name in ("rumänska", "Romanian"):
        by_name = await client.get(f"/shelters/?language={name}&region=syd")
        assert "Fyrbåken" in by_name.text
        assert 'value="Romanian"' in by_name.text  # the filter shows the name, in English
    thai = await client.get("/shelters/?language=thailändska&region=syd")
    assert "Fyrbåken" not in thai.text


async def test_shelter_staff_cannot_open_the_board_or_another_operators_shelter(
    client: Client, jobs: Redis
) -> None:
    world = await make_world()
    annat = await make_org("Annat boende", "559310486", ngo=False, shelter=True)
    other_operator = await make_user(
        "x@annat.example", organisation_id=annat, role=Role.SHELTER_STAFF
    )
    await sign_in(client, other_operator)
    client.cookies.set(i18n.LOCALE_COOKIE, "en")  # sign-in chose the user\'s Swedish
    assert (await client.get(f"/shelters/operate/{world.shelter_id}")).status_code == 404
    assert (await client.get("/shelters/")).status_code == 403


async def test_caseworker_holds_through_the_page_and_sees_the_address_only_once_placed(
    client: Client, jobs: Redis, settings: Settings
) -> None:
    world = await make_world(capacity=2)
    case = await make_case(world)
    code = (await Beneficiary.select(Beneficiary.code).where(Beneficiary.id == case).first())[
        "code"
    ]
    await sign_in(client, world.caseworker)
    client.cookies.set(i18n.LOCALE_COOKIE, "en")  # sign-in chose the user\'s Swedish
    form_page = f"/shelters/categories/{world.category_id}/hold"
    form = await client.get(form_page)
    assert form.status_code == 200
    held = await post_form(
        client, form_page, {"code": code, "idempotency_key": "form-1"}, from_page=form_page
    )
    assert held.status_code == 303
    again = await post_form(
        client, form_page, {"code": code, "idempotency_key": "form-1"}, from_page=form_page
    )
    assert again.status_code == 303  # a double-submitted form holds one bed
    assert (await category(world.category_id))["held"] == 1

    responses = [
        await client.get("/shelters/"),
        await client.get("/shelters/holds"),
        await client.get(form_page),
    ]
    hold_id = (await services.holds_of_organisation(world.caseworker_actor))[0].id
    refused = await post_form(
        client, f"/shelters/{world.shelter_id}/address", {}, from_page="/shelters/holds"
    )
    assert refused.status_code == 404
    responses.append(refused)
    for response in responses:
        assert ADDRESS not in response.text

    await services.accept_hold(world.staff_actor, hold_id)
    holds = await client.get("/shelters/holds")
    assert "Show the address" in holds.text
    shown = await post_form(
        client, f"/shelters/{world.shelter_id}/address", {}, from_page="/shelters/holds"
    )
    assert shown.status_code == 200
    assert ADDRESS in shown.text
    reads = await AuditEvent.select(AuditEvent.actor_user_id).where(
        AuditEvent.action == "shelter.address_read"
    )
    assert {"actor_user_id": world.caseworker.id} in reads

    await run_due_jobs(settings, jobs)
    mails = [read_outbox(settings, entry.name) for entry in list_outbox(settings)]
    assert {mail.headers and dict(mail.headers)["To"] for mail in mails if mail} >= {
        world.staff.email,
        world.caseworker.email,
    }
    for mail in mails:
        assert mail is not None
        assert ADDRESS not in mail.text
        assert code not in mail.text


async def test_api_lists_shelters_holds_with_201_and_refuses_with_409(
    client: Client, jobs: Redis
) -> None:
    world = await make_world(capacity=1)
    first, second = await make_case(world), await make_case(world)
    _id, token = await accounts.create_token(world.caseworker_actor, "system", ["read", "write"])
    bearer = {"Authorization": f"Bearer {token}"}
    client.cookies.set(i18n.LOCALE_COOKIE, "en")  # the user's own language is Swedish

    listed = await client.get("/api/v1/shelters?region=syd", headers=bearer)
    assert listed.status_code == 200
    assert listed.json()[0]["categories"][0]["free"] == 1
    assert ADDRESS not in listed.text

    body = {"category_id": world.category_id, "beneficiary_id": first, "idempotency_key": "a1"}
    created = await client.post("/api/v1/holds", json=body, headers=bearer)
    assert created.status_code == 201, created.text
    repeated = await client.post("/api/v1/holds", json=body, headers=bearer)
    assert repeated.status_code == 200
    assert repeated.json()["id"] == created.json()["id"]
    full = await client.post(
        "/api/v1/holds",
        json={"category_id": world.category_id, "beneficiary_id": second},
        headers=bearer,
    )
    assert full.status_code == 409
    assert "No bed is free" in full.json()["detail"]
    released = await client.post(
        f"/api/v1/holds/{created.json()['id']}/release", json={}, headers=bearer
    )
    assert released.json()["status"] == "released"
    assert ADDRESS not in created.text + released.text

    schema = (await client.get("/schema/openapi.json")).json()
    assert "/api/v1/holds" in schema["paths"]
    assert "/api/v1/shelters/{shelter_id}/availability" in schema["paths"]


async def test_operator_system_pushes_availability_with_its_token(
    client: Client, jobs: Redis
) -> None:
    world = await make_world(capacity=5)
    await services.hold_bed(world.caseworker_actor, world.category_id, await make_case(world))
    _id, token = await accounts.create_token(world.staff_actor, "pms", ["write"])
    bearer = {"Authorization": f"Bearer {token}"}
    path = f"/api/v1/shelters/{world.shelter_id}/availability"

    pushed = await client.put(
        path,
        json={"categories": [{"id": world.category_id, "free": 2, "out_of_service": 1}]},
        headers=bearer,
    )
    assert pushed.status_code == 200, pushed.text
    row = await category(world.category_id)
    assert (row["free"], row["out_of_service"], row["held"], row["external"]) == (2, 1, 1, 1)
    too_many = await client.put(
        path, json={"categories": [{"id": world.category_id, "free": 5}]}, headers=bearer
    )
    assert too_many.status_code == 422
    outdated = await client.put(
        path,
        json={"categories": [{"id": world.category_id, "free": 1, "version": 1}]},
        headers=bearer,
    )
    assert outdated.status_code == 409
    # A caseworker's token, or another operator's, cannot push numbers.
    _id, other = await accounts.create_token(world.caseworker_actor, "x", ["write"])
    refused = await client.put(
        path,
        json={"categories": [{"id": world.category_id, "free": 1}]},
        headers={"Authorization": f"Bearer {other}"},
    )
    assert refused.status_code == 404
    assert await services.broken_invariants() == []
    unused = await actor_of(world.staff.id)
    assert unused.organisation_id == world.operator_id


async def test_operator_admin_registers_a_shelter_and_its_categories(
    client: Client, jobs: Redis
) -> None:
    world = await make_world()
    admin = await make_user(
        "chef@fyrbaken.example", organisation_id=world.operator_id, role=Role.ORG_ADMIN
    )
    await sign_in(client, admin)
    client.cookies.set(i18n.LOCALE_COOKIE, "en")  # sign-in chose the user's Swedish
    incomplete = await post_form(
        client, "/shelters/operate/", {"name": "Nytt"}, from_page="/shelters/operate/"
    )
    assert incomplete.status_code == 422
    assert "Choose who the shelter takes in." in incomplete.text
    created = await post_form(
        client,
        "/shelters/operate/",
        {
            "name": "Havsbrisen",
            "address": "Strandvägen 1, Ystad",
            "municipality": "1286",
            "target_groups": ["women", "families"],
            "languages": "sv, en",
            "security_level": "high",
            "price_kronor": "1 250",
        },
        from_page="/shelters/operate/",
    )
    assert created.status_code == 303, created.text
    operate = created.headers["location"]
    shelter_id = int(operate.rsplit("/", 1)[1])
    added = await post_form(
        client,
        f"/shelters/operate/{shelter_id}/categories",
        {
            "name": "Familjerum",
            "capacity": "3",
            "target_groups": "families",
            "children_allowed": "1",
        },
        from_page=operate,
    )
    assert added.status_code == 303
    board = await services.availability(services.BoardFilters(children=True))
    havsbrisen = next(shelter for shelter in board if shelter.id == shelter_id)
    assert (havsbrisen.price_per_night, havsbrisen.free, havsbrisen.region) == (125_000, 3, "syd")
    assert ADDRESS not in str(board)
    elsewhere = await post_form(
        client,
        f"/shelters/operate/{shelter_id + 999}/categories",
        {"name": "X", "capacity": "1", "target_groups": "women"},
        from_page=operate,
    )
    assert elsewhere.status_code == 404


async def test_everyone_involved_gets_an_in_app_notice_once(client: Client, jobs: Redis) -> None:
    world = await make_world(capacity=2)
    case = await make_case(world)
    hold = (await services.hold_bed(world.caseworker_actor, world.category_id, case)).hold
    await sign_in(client, world.staff)
    client.cookies.set(i18n.LOCALE_COOKIE, "en")  # sign-in chose the user's Swedish
    first = await client.get("/shelters/operate/")
    assert "A bed at Fyrbåken has been held. Please accept or decline the hold." in first.text
    second = await client.get("/shelters/operate/")
    assert "has been held" not in second.text  # shown once

    await services.accept_hold(world.staff_actor, hold.id)
    await sign_in(client, world.caseworker)
    client.cookies.set(i18n.LOCALE_COOKIE, "en")
    holds = await client.get("/shelters/holds")
    assert "Fyrbåken has accepted your hold." in holds.text


async def test_the_discharge_button_does_not_read_as_print_in_swedish(
    client: Client, jobs: Redis
) -> None:
    """ "Skriv ut" means both "discharge" and "print" in Swedish: the button must not say it."""
    world = await make_world()
    beneficiary_id = await make_case(world)
    held = await services.hold_bed(world.caseworker_actor, world.category_id, beneficiary_id)
    await services.accept_hold(world.staff_actor, held.hold.id)
    await sign_in(client, world.staff)
    page = await client.get(f"/shelters/operate/{world.shelter_id}")
    assert '<html lang="sv"' in page.text
    assert "Avsluta vistelsen" in page.text
    assert "Skriv ut" not in page.text
