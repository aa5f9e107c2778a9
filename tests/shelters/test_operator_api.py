"""The API twins of the operator's page actions: registering a shelter and its categories,
"still correct", discharge and the secret address, with the pages' rules."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from accounts import services as accounts
from accounts.domain import Actor, Role
from shelters import services
from shelters.tables import BedCategory, Shelter
from tests.accounts.helpers import make_user
from tests.beneficiaries.helpers import actor_of
from tests.shelters.helpers import ADDRESS, make_case, make_world

Client = AsyncTestClient[Litestar]


async def _bearer(actor: Actor, *scopes: str) -> dict[str, str]:
    _id, token = await accounts.create_token(actor, "pms", list(scopes))
    return {"Authorization": f"Bearer {token}"}


async def test_operator_admin_registers_a_shelter_and_a_category(
    client: Client, jobs: Redis
) -> None:
    world = await make_world()
    admin = await make_user(
        "omar@fyrbaken.example", organisation_id=world.operator_id, role=Role.ORG_ADMIN
    )
    bearer = await _bearer(await actor_of(admin.id), "read", "write", "admin")
    body = {
        "name": "Hamnen",
        "address": "Hemliga gatan 2",
        "municipality": "1280",
        "target_groups": ["women"],
    }
    created = await client.post("/api/v1/shelters", json=body, headers=bearer)
    assert created.status_code == 201, created.text
    shelter_id = created.json()["id"]
    stored = await Shelter.select(Shelter.operator).where(Shelter.id == shelter_id).first()
    assert stored["operator"] == world.operator_id
    assert "Hemliga" not in str(await Shelter.select().where(Shelter.id == shelter_id).first())

    path = f"/api/v1/shelters/{shelter_id}/categories"
    refused = await client.post(path, json={"name": "", "capacity": 0}, headers=bearer)
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) >= {"name", "capacity"}
    category = {"name": "Familjer", "capacity": 3, "target_groups": ["women"]}
    added = await client.post(path, json=category, headers=bearer)
    assert added.status_code == 201, added.text
    assert (await BedCategory.count().where(BedCategory.shelter == shelter_id)) == 1

    staff = await _bearer(world.staff_actor, "read", "write")
    assert (await client.post("/api/v1/shelters", json=body, headers=staff)).status_code == 403
    caseworker = await _bearer(world.caseworker_actor, "read", "write")
    assert (await client.post(path, json=category, headers=caseworker)).status_code == 404


async def test_staff_confirm_discharge_and_read_the_address(client: Client, jobs: Redis) -> None:
    world = await make_world()
    beneficiary_id = await make_case(world)
    held = await services.hold_bed(world.caseworker_actor, world.category_id, beneficiary_id)
    await services.accept_hold(world.staff_actor, held.hold.id)
    staff = await _bearer(world.staff_actor, "read", "write")
    caseworker = await _bearer(world.caseworker_actor, "read", "write")

    confirmed = await client.post(f"/api/v1/categories/{world.category_id}/confirm", headers=staff)
    assert confirmed.status_code == 200
    assert confirmed.json()["occupied"] == 1
    assert (
        await client.post(f"/api/v1/categories/{world.category_id}/confirm", headers=caseworker)
    ).status_code in {403, 404}

    address = await client.post(f"/api/v1/shelters/{world.shelter_id}/address", headers=caseworker)
    assert address.json() == {"address": ADDRESS}  # placed there: the caseworker may know it

    placement = (await services.placements(world.staff_actor, world.shelter_id))[0].stay.id
    discharge = f"/api/v1/placements/{placement}/discharge"
    refused = await client.post(discharge, json={"reason": "nonsense"}, headers=staff)
    assert refused.status_code == 422
    assert (
        await client.post(discharge, json={"reason": "moved_on"}, headers=caseworker)
    ).status_code == 404
    left = await client.post(discharge, json={"reason": "moved_on"}, headers=staff)
    assert left.status_code == 200, left.text
    assert left.json()["discharged_at"] is not None
