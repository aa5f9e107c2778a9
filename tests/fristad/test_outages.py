"""Outages (issue 10, item 12): when PostgreSQL or Redis goes away, /readyz answers 503 and the
pages a friendly page in the reader's language (no traceback, no 500), and the web process
recovers by itself when the server comes back. The worker's side (a Redis restart, a worker
killed during a job) is tests/fristad/test_worker_outage.py."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from accounts.domain import Role
from fristad.app import create_app
from fristad.i18n import LOCALE_COOKIE
from fristad.settings import Settings
from tests.accounts.helpers import csrf_from, make_org, make_user, sign_in
from tests.browser import free_port, start_server, stop_server
from tests.fristad import test_worker_outage
from tests.fristad.test_worker_outage import RedisServer, _wait_for

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


POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")


@dataclass
class PostgresServer:
    """A throwaway PostgreSQL cluster of the test's own (initdb, pg_ctl as the postgres user),
    to stop and start again."""

    port: int
    directory: Path

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *command: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *command],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def create(self) -> None:
        shutil.chown(self.directory, "postgres")
        data = str(self.directory / "data")
        self._as_postgres(str(POSTGRES_BIN / "initdb"), "-D", data, "-A", "trust", "-U", "postgres")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        self._as_postgres(
            str(POSTGRES_BIN / "pg_ctl"),
            *("-D", str(self.directory / "data"), "-o", options, "-w", "-l"),
            *(str(self.directory / "postgres.log"), "start"),
        )

    def stop(self) -> None:
        self._as_postgres(
            str(POSTGRES_BIN / "pg_ctl"),
            "-D",
            str(self.directory / "data"),
            "-m",
            "fast",
            "-w",
            "stop",
        )


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    if os.geteuid() != 0 or not (POSTGRES_BIN / "initdb").is_file() or not shutil.which("runuser"):
        pytest.skip("a throwaway PostgreSQL cluster needs root, runuser and initdb")
    server = PostgresServer(free_port(), Path(tempfile.mkdtemp(prefix="fristad-pg-")))
    server.create()
    server.start()
    try:
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            server.stop()
        shutil.rmtree(server.directory, ignore_errors=True)


async def _sign_in_attempt(client: httpx.AsyncClient, locale: str = "sv") -> httpx.Response:
    """An attempt to sign in (it reads the users table), as the page sends it."""
    client.cookies.set(LOCALE_COOKIE, locale)
    form = await client.get("/sign-in")
    return await client.post(
        "/sign-in",
        data={
            "email": "nobody@ngo.example",
            "password": "fel lösenord",
            "_csrf_token": csrf_from(form.text),
        },
    )


async def test_postgres_gone_is_a_503_and_a_friendly_page_and_back_without_a_restart(
    redis: Any, test_dir: Path, own_postgres: PostgresServer
) -> None:
    env = {"FRISTAD_DATABASE_URL": own_postgres.url}
    migrated = subprocess.run(  # noqa: ASYNC221 - the CLI as an operator runs it
        [sys.executable, "-m", "fristad", "migrate"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    server = start_server("serve", test_dir, env)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            assert (await client.get("/readyz")).json()["checks"]["database"] == "ok"
            assert (await _sign_in_attempt(client)).status_code < 500

            own_postgres.stop()
            ready = await client.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["checks"]["database"].startswith("error")
            _friendly(await _sign_in_attempt(client), "inte tillgänglig")
            _friendly(await _sign_in_attempt(client, "en"), "not available")

            own_postgres.start()

            async def back() -> bool:
                return (await client.get("/readyz")).status_code == 200

            await _wait_for(back, 30, "/readyz after PostgreSQL came back")
            assert (await _sign_in_attempt(client)).status_code < 500
    finally:
        stop_server(server)
    log = server.log()
    assert "database unavailable on POST /sign-in" in log
    assert "Traceback" not in log, log
