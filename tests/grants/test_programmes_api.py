"""Creating a programme through the API (the page's twin, createProgramme): an officer's token
with the write scope creates it for their authority; bad input is a 422 with field errors;
others are refused and nothing is created."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts import services as accounts
from accounts.domain import Actor
from grants.tables import Programme
from tests.grants.helpers import KR, make_world

Client = AsyncTestClient[Litestar]
PROGRAMME = {
    "name": "Stöd 2027",
    "starts_on": "2027-01-01",
    "ends_on": "2027-12-31",
    "four_eyes_threshold": 200_000 * KR,
    "budgets": [
        {"category": "shelter", "amount": 3_000_000 * KR},
        {"category": "legal_aid", "amount": 500_000 * KR},
    ],
}


async def _bearer(actor: Actor, scopes: list[str]) -> dict[str, str]:
    _id, token = await accounts.create_token(actor, "test", scopes)
    return {"Authorization": f"Bearer {token}"}


async def test_an_officer_creates_a_programme_for_their_authority(client: Client) -> None:
    world = await make_world()
    answer = await client.post(
        "/api/v1/programmes",
        json=PROGRAMME,
        headers=await _bearer(world.officer, ["read", "write"]),
    )
    assert answer.status_code == 201, answer.text
    created = answer.json()
    assert created["name"] == "Stöd 2027"
    assert {budget["category"]: budget["allocated"] for budget in created["budgets"]} == {
        "shelter": 3_000_000 * KR,
        "legal_aid": 500_000 * KR,
        **{
            budget["category"]: 0
            for budget in created["budgets"]
            if budget["category"] not in {"shelter", "legal_aid"}
        },
    }
    row = (
        await Programme.select(Programme.authority_id).where(Programme.id == created["id"]).first()
    )
    assert row == {"authority_id": world.authority_id}


async def test_bad_input_is_a_422_naming_the_field_and_creates_nothing(client: Client) -> None:
    world = await make_world()
    before = await Programme.count()
    headers = await _bearer(world.officer, ["read", "write"])
    backwards = await client.post(
        "/api/v1/programmes",
        json={**PROGRAMME, "starts_on": "2027-12-31", "ends_on": "2027-01-01"},
        headers=headers,
    )
    assert backwards.status_code == 422, backwards.text
    assert "ends_on" in backwards.text
    unknown = await client.post(
        "/api/v1/programmes",
        json={**PROGRAMME, "budgets": [{"category": "yachts", "amount": 1}]},
        headers=headers,
    )
    assert unknown.status_code == 422, unknown.text
    negative = await client.post(
        "/api/v1/programmes", json={**PROGRAMME, "four_eyes_threshold": -1}, headers=headers
    )
    assert negative.status_code == 400, negative.text
    assert await Programme.count() == before


async def test_caseworkers_and_read_only_tokens_cannot_create_programmes(client: Client) -> None:
    world = await make_world()
    before = await Programme.count()
    for headers in (
        await _bearer(world.caseworker, ["read", "write"]),
        await _bearer(world.officer, ["read"]),
    ):
        answer = await client.post("/api/v1/programmes", json=PROGRAMME, headers=headers)
        assert answer.status_code == 403, answer.text
    assert await Programme.count() == before
