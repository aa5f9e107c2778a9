"""Help now on the person's page and in the API: who sees it, what it shows, acting on it."""

from __future__ import annotations

from dataclasses import replace

from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from accounts.domain import Role
from fristad import i18n
from matching.tables import FundingLink
from shelters.tables import Hold
from tests.accounts.helpers import csrf_from, make_user, sign_in
from tests.matching.helpers import category_for, make_world, person_for
from tests.matching.test_domain import OFFER, WOMAN

Client = AsyncTestClient[Litestar]


async def test_the_caseworker_sees_help_now_and_holds_a_bed_with_its_request(
    client: Client, jobs: Redis
) -> None:
    world = await make_world()
    person = await person_for(world, WOMAN)
    fitting = await category_for(
        world, replace(OFFER, shelter_name="Linden", price_per_night=90_000)
    )
    await category_for(world, replace(OFFER, shelter_name="Eken", target_groups=frozenset({"men"})))
    await sign_in(client, world.caseworker_user)
    client.cookies.set(i18n.LOCALE_COOKIE, "en", domain="testserver.local")

    person_page = await client.get(f"/beneficiaries/{person}")  # no identity recorded
    assert 'id="help-now"' in person_page.text
    shown = await client.get(f"/beneficiaries/{person}/help-now/")
    assert shown.status_code == 200
    assert "Linden" in shown.text
    assert "Are for another target group (1)" in shown.text
    assert "Hemliga gatan" not in shown.text
    fragment = await client.get(
        f"/beneficiaries/{person}/help-now/", headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert "<html" not in fragment.text

    held = await client.post(
        f"/beneficiaries/{person}/help-now/hold",
        data={"category_id": fitting, "nights": 14, "_csrf_token": csrf_from(shown.text)},
        follow_redirects=False,
    )
    assert held.status_code == 303
    [link] = await FundingLink.select(FundingLink.support_request, FundingLink.nights)
    assert link["nights"] == 14
    assert held.headers["location"] == f"/grants/requests/{link['support_request']}/edit"
    draft = await client.get(held.headers["location"])
    assert draft.status_code == 200
    assert "Linden" in draft.text
    assert await Hold.count() == 1


async def test_bad_input_to_the_hold_is_a_message_not_a_500(client: Client, jobs: Redis) -> None:
    world = await make_world()
    person = await person_for(world, WOMAN)
    await sign_in(client, world.caseworker_user)
    page = await client.get(f"/beneficiaries/{person}/help-now/")
    for data in ({"category_id": "x"}, {"category_id": 1, "nights": 0}, {"category_id": 10**12}):
        response = await client.post(
            f"/beneficiaries/{person}/help-now/hold",
            data={**data, "_csrf_token": csrf_from(page.text)},
            follow_redirects=False,
        )
        assert response.status_code in (404, 422), (data, response.status_code)
    assert await Hold.count() == 0


async def test_help_now_is_for_those_who_act_for_the_person(client: Client, jobs: Redis) -> None:
    world = await make_world()
    person = await person_for(world, WOMAN)
    officer = await make_user(
        "olle@lst.example", organisation_id=world.authority_id, role=Role.OFFICER, mfa=True
    )
    await sign_in(client, officer)
    assert (await client.get(f"/beneficiaries/{person}/help-now/")).status_code == 403


async def test_the_api_lists_matches_and_holds_one(app: Litestar, jobs: Redis) -> None:
    world = await make_world()
    person = await person_for(world, WOMAN)
    fitting = await category_for(world, replace(OFFER, price_per_night=90_000))
    token = await world.token()
    bearer = {"Authorization": f"Bearer {token}"}
    async with AsyncTestClient(app=app) as client:
        listed = await client.get(f"/api/v1/beneficiaries/{person}/matches", headers=bearer)
        assert listed.status_code == 200, listed.text
        body = listed.json()
        assert [match["category_id"] for match in body["eligible"]] == [fitting]
        assert body["eligible"][0]["points"]
        assert body["budget"]["remaining"] == 100_000 * 100
        held = await client.post(
            f"/api/v1/beneficiaries/{person}/matches/hold",
            json={"category_id": fitting, "nights": 7},
            headers=bearer,
        )
        assert held.status_code == 201, held.text
        assert held.json()["expected_cost"] == 7 * 90_000
        other = await client.get("/api/v1/beneficiaries/999999/matches", headers=bearer)
        assert other.status_code == 404
        schema = (await client.get("/schema/openapi.json")).json()
    assert "/api/v1/beneficiaries/{beneficiary_id}/matches" in schema["paths"]
