"""The scale-out layout (issue 16, deliverable 3; docs/DEPLOYMENT.md): two `fristad serve`
processes and one `fristad worker` on one PostgreSQL and one Redis, and a journey that crosses
them. Nothing lives in a process's memory, so any process serves any step: signed in on A, the
bed is held on B, the shelter accepts on A, the worker expires a second hold, and a board
streamed from B sees every change."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis

from beneficiaries.tables import Beneficiary
from fristad.jobs import read_heartbeat
from fristad.jobs_outbox import job_id
from fristad.queue import QUEUE_NAME
from fristad.settings import Settings
from fristad.tables import JobOutboxEntry
from shelters import services
from shelters.tables import Hold
from tests.accounts.helpers import csrf, post_form, sign_in
from tests.browser import free_port
from tests.fristad.test_worker_outage import FAST_HEARTBEAT, _wait_for
from tests.shelters.helpers import category, make_case, make_world

pytestmark = pytest.mark.timeout(180)
PROCFILE = Path(__file__).resolve().parents[2] / "Procfile"


async def _code(beneficiary_id: int) -> str:
    row = await Beneficiary.select(Beneficiary.code).where(Beneficiary.id == beneficiary_id).first()
    assert row is not None
    return str(row["code"])


async def _free_on_board(lines: AsyncIterator[str], shelter_id: int, category_id: int) -> int:
    """Read the board's event stream up to the next row of the shelter; its free beds."""
    received: list[str] = []
    async with asyncio.timeout(15):
        while True:
            line = await anext(lines)
            received.append(line)
            if line == "" and any(f'id="shelter-{shelter_id}"' in r for r in received):
                break
    assert "event: replace" in received
    data = "\n".join(r.removeprefix("data: ") for r in received if r.startswith("data:"))
    return _free_in(data, category_id)


def _free_in(html: str, category_id: int) -> int:
    """The free beds a board row shows for the category."""
    found = re.search(rf'class="bed-board__free[^"]*" data-category="{category_id}">(\d+)<', html)
    assert found, html
    return int(found.group(1))


async def _hold_through_page(
    client: httpx.AsyncClient, base: str, category_id: int, code: str
) -> None:
    form_page = f"{base}/shelters/categories/{category_id}/hold"
    token = await csrf(client, form_page)
    held = await client.post(
        form_page,
        data={"code": code, "idempotency_key": f"deploy-{code}", "_csrf_token": token},
    )
    assert held.status_code == 303, held.text[:2000]
    assert held.headers["location"].endswith("/shelters/holds")


async def test_two_web_processes_and_a_worker_serve_one_journey(
    settings: Settings, db: None, redis: Redis, test_dir: Path
) -> None:
    if not settings.uses_postgres:
        pytest.skip("several processes on one database: the PostgreSQL layout")
    world = await make_world(capacity=2)
    first, second = await make_case(world), await make_case(world)
    layout = _start_layout(test_dir)
    web_a, web_b = layout.web
    try:
        # httpx keeps cookies per host, not per port: one jar is one browser using A and B.
        async with (
            httpx.AsyncClient(timeout=20) as caseworker,
            httpx.AsyncClient(timeout=20) as staff,
            httpx.AsyncClient(timeout=20) as viewer,
        ):
            signed_in = await sign_in(_based(caseworker, web_a), world.caseworker)
            assert signed_in.status_code == 303
            assert (await sign_in(_based(staff, web_a), world.staff)).status_code == 303
            assert (await sign_in(_based(viewer, web_b), world.caseworker)).status_code == 303

            async with viewer.stream("GET", f"{web_b}/shelters/board/events") as stream:
                assert stream.status_code == 200
                lines = stream.aiter_lines()
                async with asyncio.timeout(15):
                    while (await anext(lines)) != "event: ready":
                        pass

                # The session made on A holds a bed on B.
                await _hold_through_page(caseworker, web_b, world.category_id, await _code(first))
                assert await _free_on_board(lines, world.shelter_id, world.category_id) == 1
                holds = await caseworker.get(f"{web_b}/shelters/holds")
                assert holds.status_code == 200
                first_hold = (await services.holds_of_organisation(world.caseworker_actor))[0]

                # The shelter's staff accept it on A.
                accepted = await post_form(
                    _based(staff, web_a),
                    f"/shelters/operate/holds/{first_hold.id}/accept",
                    {"expected_discharge": ""},
                    from_page=f"/shelters/operate/{world.shelter_id}",
                )
                assert accepted.status_code == 303, accepted.text[:2000]
                assert await _free_on_board(lines, world.shelter_id, world.category_id) == 1
                status = await Hold.select(Hold.status).where(Hold.id == first_hold.id).first()
                assert status == {"status": "accepted"}

                # A second hold, on B, whose deadline comes: the worker's expiry job frees it.
                await _hold_through_page(caseworker, web_b, world.category_id, await _code(second))
                assert await _free_on_board(lines, world.shelter_id, world.category_id) == 0
                second_hold = (
                    await Hold.select(Hold.id)
                    .where((Hold.beneficiary == second) & (Hold.status == "pending"))
                    .first()
                )
                assert second_hold is not None
                await _wait_for(lambda: _worker_beats(redis), 120, "the worker's heartbeat")
                await _bring_expiry_forward(redis, second_hold["id"])
                assert await _free_on_board(lines, world.shelter_id, world.category_id) == 1

            expired = await Hold.select(Hold.status).where(Hold.id == second_hold["id"]).first()
            assert expired == {"status": "expired"}
            board = await viewer.get(f"{web_b}/shelters/")
            assert board.status_code == 200
            assert _free_in(board.text, world.category_id) == 1
    finally:
        log = layout.stop()
    counts = await category(world.category_id)
    assert (counts["free"], counts["held"], counts["occupied"]) == (1, 0, 1)
    assert await services.broken_invariants() == []
    assert "Traceback" not in log, log
    # honcho ran the Procfile's three processes, and stopped each when asked to.
    for name in ("web.1", "web.2", "worker.1"):
        assert f"{name} started" in log, log
        assert f"{name} stopped" in log, log


def _based(client: httpx.AsyncClient, base_url: str) -> httpx.AsyncClient:
    """The client with ``base_url`` as its base (the shared helpers take relative paths)."""
    client.base_url = httpx.URL(base_url)
    return client


@dataclass
class Layout:
    """``honcho start`` running the Procfile: two web processes and a worker."""

    process: subprocess.Popen[bytes]
    web: tuple[str, str]
    log_path: Path

    def stop(self) -> str:
        """Stop honcho (it stops its processes) and return what they all wrote."""
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return self.log_path.read_text(errors="replace")


def _two_free_ports() -> int:
    """A port that is free, and the next one too (honcho numbers web.1, web.2 from it)."""
    for _ in range(50):
        base = free_port()
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", base + 1))
            except OSError:
                continue
        return base
    raise RuntimeError("no two free ports in a row")


def _start_layout(test_dir: Path) -> Layout:
    base = _two_free_ports()
    log_path = test_dir / f"honcho-{base}.log"
    env = {
        **os.environ,
        # The test run's Python environment (where `fristad` is installed) comes first.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "FRISTAD_DATABASE_POOL_SIZE": "5",
        **FAST_HEARTBEAT,
    }
    arguments = [sys.executable, "-m", "honcho", "start", "--no-colour"]
    arguments += ["-f", str(PROCFILE), "-d", str(test_dir), "-c", "web=2,worker=1", "-p", str(base)]
    process = subprocess.Popen(
        arguments, env=env, stdout=log_path.open("wb"), stderr=subprocess.STDOUT
    )
    layout = Layout(process, (f"http://127.0.0.1:{base}", f"http://127.0.0.1:{base + 1}"), log_path)
    deadline = time.monotonic() + 120
    waiting = set(layout.web)
    while waiting:
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the layout did not start:\n{layout.stop()}")
        for url in list(waiting):
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    waiting.discard(url)
        time.sleep(0.1)
    return layout


async def _worker_beats(redis: Redis) -> bool:
    return await read_heartbeat(redis) is not None


async def _bring_expiry_forward(redis: Redis, hold_id: int) -> None:
    """Put the hold's deadline in the past and its scheduled job (written with the hold, relayed
    to arq by web process B) due now, so that the worker process runs it."""
    await Hold.update({Hold.expires_at: datetime.now(UTC) - timedelta(seconds=1)}).where(
        Hold.id == hold_id
    )
    key = f"hold-expiry:{hold_id}"
    async with asyncio.timeout(15):
        while True:
            entry = await JobOutboxEntry.select().where(JobOutboxEntry.key == key).first()
            if entry is not None and await redis.zscore(
                QUEUE_NAME, job := job_id(entry["id"], entry["key"])
            ):
                break
            await asyncio.sleep(0.1)
    await redis.zadd(QUEUE_NAME, {job: int(time.time() * 1000)})
