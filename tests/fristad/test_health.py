"""Health: alive, ready (database and Redis), and Prometheus metrics."""

from __future__ import annotations

import msgspec
from litestar.testing import AsyncTestClient

from fristad.app import create_app
from fristad.settings import Settings
from tests.browser import free_port


async def test_alive(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_when_database_and_redis_answer(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/readyz")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert (checks["database"], checks["redis"]) == ("ok", "ok")
    # No worker runs in this test: a web process is ready without one and says so.
    assert checks["worker"] == "error: no heartbeat in the last 30 s"


async def test_not_ready_when_redis_is_unreachable(settings: Settings, db: None) -> None:
    unreachable = msgspec.structs.replace(settings, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    async with AsyncTestClient(app=create_app(unreachable)) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("error")


async def test_metrics_are_exposed_for_prometheus(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    await client.get("/")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert "fristad_requests_total" in response.text


async def test_metrics_can_require_a_token(settings: Settings, db: None) -> None:
    guarded = create_app(msgspec.structs.replace(settings, metrics_token="m3tr1cs"))
    async with AsyncTestClient(app=guarded) as client:
        assert (await client.get("/metrics")).status_code == 403
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 403
        right = await client.get("/metrics", headers={"Authorization": "Bearer m3tr1cs"})
        assert right.status_code == 200
