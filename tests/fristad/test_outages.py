"""Outages (issue 10, item 12): when PostgreSQL or Redis goes away, /readyz answers 503 and the
pages a friendly page in the reader's language (no traceback, no 500), and the web process
recovers by itself when the server comes back. The worker's side (a Redis restart, a worker
killed during a job) is tests/fristad/test_worker_outage.py."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from accounts.domain import Role
from fristad.app import create_app
from fristad.i18n import LOCALE_COOKIE
from fristad.settings import Settings
from tests.accounts.helpers import make_org, make_user, sign_in
from tests.fristad import test_worker_outage
from tests.fristad.test_worker_outage import RedisServer

own_redis = test_worker_outage.own_redis


def _friendly(response: Any, text: str) -> None:
    assert response.status_code == 503, response.text[:500]
    assert text in response.text
    assert "Traceback" not in response.text
    assert response.headers["retry-after"]


async def test_redis_gone_is_a_503_and_a_friendly_page_and_back_without_a_restart(
    settings: Settings, db: None, own_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(msgspec.structs.replace(settings, redis_url=own_redis.url))
    user = await make_user(
        "lina@ngo.example", organisation_id=await make_org(), role=Role.CASEWORKER
    )
    async with AsyncTestClient(app=app) as client:
        assert (await sign_in(client, user)).status_code == 303
        assert (await client.get("/beneficiaries")).status_code == 200

        own_redis.stop()
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["redis"].startswith("error")
        assert ready.json()["checks"]["database"] == "ok"
        _friendly(await client.get("/beneficiaries"), "inte tillgänglig")
        client.cookies.set(LOCALE_COOKIE, "en", domain="testserver.local")
        _friendly(await client.get("/beneficiaries"), "not available")
        api = await client.get("/api/v1/me", headers={"Authorization": "Bearer x"})
        assert api.status_code == 503
        assert api.json()["detail"]

        assert not [record for record in caplog.records if record.exc_info], "a traceback"

        own_redis.start()
        assert (await client.get("/readyz")).json()["checks"]["redis"] == "ok"
        assert (await client.get("/beneficiaries")).status_code == 200
