"""``GET /api/v1/services`` in the HSDS 3.x shape: each service validates against the schemas of
the objects it returns (tests/providers/hsds/, see its README), with and without capacity."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from jsonschema import Draft202012Validator, FormatChecker
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis
from referencing import Registry, Resource

from accounts import services as accounts
from accounts.domain import Role
from fristad import i18n
from providers import hsds
from tests.accounts.helpers import make_org, make_user
from tests.beneficiaries.helpers import actor_of
from tests.providers.helpers import make_world

SCHEMAS = Path(__file__).parent / "hsds"
Client = AsyncTestClient[Litestar]


def _validator() -> Draft202012Validator:
    resources = []
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry: Registry[Any] = Registry().with_resources(resources)
    formats = FormatChecker()

    @formats.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None

    service = registry.contents("urn:hsds:service")
    return Draft202012Validator(service, registry=registry, format_checker=formats)


async def _token(role_actor: Any) -> dict[str, str]:
    _id, token = await accounts.create_token(role_actor, "directory", ["read"])
    return {"Authorization": f"Bearer {token}"}


async def test_services_validate_as_hsds_with_capacity_for_a_caseworker(
    client: Client, jobs: Redis
) -> None:
    world = await make_world(available=12)
    client.cookies.set(i18n.LOCALE_COOKIE, "en")

    answer = await client.get("/api/v1/services", headers=await _token(world.caseworker_actor))

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["total_items"], body["page_number"], body["first_page"]) == (1, 1, True)
    [service] = body["contents"]
    _validator().validate(service)
    assert service["id"] == hsds.object_id("service", world.service_id)
    assert service["organization"]["name"] == "Advokatbyrån Lind"
    assert {area["name"] for area in service["service_areas"]} == {
        "Region Stockholm",
        "Region Öst",
    }
    assert {language["code"] for language in service["languages"]} == {"sv", "en", "ro"}
    [capacity] = service["capacities"]
    assert (capacity["available"], capacity["maximum"]) == (12, 40)
    assert capacity["unit"]["identifier"] == "hours"
    assert service["email"] == "intag@advokatbyran-lind.example"


async def test_services_validate_as_hsds_without_capacity_for_another_provider(
    client: Client, jobs: Redis
) -> None:
    await make_world()
    other = await make_org("Tolkjouren Väst", "556677889", ngo=False, provider=True)
    admin = await make_user("admin@tolkjouren.example", organisation_id=other, role=Role.ORG_ADMIN)

    answer = await client.get("/api/v1/services", headers=await _token(await actor_of(admin.id)))

    [service] = answer.json()["contents"]
    _validator().validate(service)
    assert "capacities" not in service


def test_the_schemas_refuse_what_hsds_refuses() -> None:
    """The schemas can fail: a capacity without its unit, an unknown status."""
    validator = _validator()
    good = {
        "id": hsds.object_id("service", 1),
        "name": "Tolkning",
        "status": "active",
        "capacities": [
            {
                "id": hsds.object_id("service_capacity", 1),
                "service_id": hsds.object_id("service", 1),
                "unit": {"id": hsds.object_id("unit", "hours"), "name": "hours"},
                "available": 3,
                "updated": "2026-12-02T04:00:00+00:00",
            }
        ],
    }
    validator.validate(good)
    for broken in (
        {**good, "status": "open"},
        {**good, "id": "42"},
        {**good, "capacities": [{**good["capacities"][0], "unit": None}]},  # type: ignore[dict-item]
        {**good, "capacities": [{**good["capacities"][0], "updated": "yesterday"}]},  # type: ignore[dict-item]
    ):
        with pytest.raises(jsonschema.ValidationError):
            validator.validate(broken)
