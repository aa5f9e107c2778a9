"""Outages (issue 10, item 12): when PostgreSQL or Redis goes away, /readyz answers 503 and the
pages a friendly page in the reader's language (no traceback, no 500), and the web process
recovers by itself when the server comes back. The worker's side (a Redis restart, a worker
killed during a job) is tests/fristad/test_worker_outage.py."""

from __future__ import annotations

import asyncio
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
from fristad.jobs import read_heartbeat
from fristad.mail import list_outbox
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
PASSWORD = "korrekt häst batteri häftklammer"


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


def _cli(*arguments: str, env: dict[str, str]) -> None:
    """``fristad <arguments>`` as an operator runs it, against the throwaway cluster."""
    done = subprocess.run(
        [sys.executable, "-m", "fristad", *arguments],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


async def _forgot_password(client: httpx.AsyncClient, email: str) -> httpx.Response:
    form = await client.get("/password/forgot")
    return await client.post(
        "/password/forgot", data={"email": email, "_csrf_token": csrf_from(form.text)}
    )


async def test_postgres_gone_is_a_503_and_a_friendly_page_and_back_without_a_restart(
    settings: Settings, redis: Any, test_dir: Path, own_postgres: PostgresServer
) -> None:
    """The web process and a worker on a cluster that stops and starts again: both carry on,
    and a mail asked for after the comeback is sent by the worker that lived through it."""
    env = {"FRISTAD_DATABASE_URL": own_postgres.url}
    _cli("migrate", env=env)
    _cli("createuser", "--email", "anna@ngo.example", env={**env, "FRISTAD_PASSWORD": PASSWORD})
    server = start_server("serve", test_dir, env)
    worker = start_server("worker", test_dir, {**env, "FRISTAD_WORKER_HEARTBEAT_SECONDS": "1"})
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            assert (await client.get("/readyz")).json()["checks"]["database"] == "ok"
            assert (await _sign_in_attempt(client)).status_code < 500

            async def worker_started() -> bool:  # its own heartbeat: past its start-up
                beat = await read_heartbeat(redis)
                return beat is not None and beat.pid == worker.process.pid

            # A worker still starting needs the database (a loaded machine starts it slowly).
            await _wait_for(worker_started, 120, "the worker's first heartbeat")
            own_postgres.stop()
            ready = await client.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["checks"]["database"].startswith("error")
            _friendly(await _sign_in_attempt(client), "inte tillgänglig")
            _friendly(await _sign_in_attempt(client, "en"), "not available")
            await asyncio.sleep(3)  # the worker's crons meet the outage too
            assert worker.process.poll() is None, worker.log()

            own_postgres.start()

            async def back() -> bool:
                return (await client.get("/readyz")).status_code == 200

            await _wait_for(back, 30, "/readyz after PostgreSQL came back")
            assert (await _sign_in_attempt(client)).status_code < 500
            assert (await _forgot_password(client, "anna@ngo.example")).status_code == 200

            async def mailed() -> bool:
                return any(m.to == "anna@ngo.example" for m in list_outbox(settings, limit=1000))

            await _wait_for(mailed, 60, "the worker sending the mail after the comeback")
            assert worker.process.poll() is None
    finally:
        stop_server(server)
        stop_server(worker)
    log = server.log()
    assert "database unavailable on POST /sign-in" in log
    assert "Traceback" not in log, log
