"""Jobs: the worker gathers every app's jobs; the heartbeat cron job runs against a real Redis."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import httpx
from redis.asyncio import Redis

from fristad.app import JOBS
from fristad.jobs import read_heartbeat, record_heartbeat
from fristad.settings import Settings
from fristad.worker import create_worker, run_in_background, stop_in_background
from tests.browser import start_server, stop_server


async def test_worker_collects_the_cron_jobs_of_the_apps(settings: Settings) -> None:
    names = {job.name for job in create_worker(settings, JOBS).cron_jobs}
    assert {"cron:record_heartbeat", "cron:sweep_outbox", "cron:settle_funding"} <= names


async def test_heartbeat_job_records_the_worker_in_redis(settings: Settings, redis: Redis) -> None:
    assert await read_heartbeat(redis) is None
    await record_heartbeat({"redis": redis, "settings": settings})
    beat = await read_heartbeat(redis)
    assert beat is not None
    assert beat.pid == os.getpid()
    # Three intervals (10 s by default): a worker gone shows within 30 s.
    assert 0 < await redis.ttl("fristad:worker:heartbeat") <= 30


async def test_embedded_worker_runs_the_cron_job(settings: Settings, redis: Redis) -> None:
    task = await run_in_background(settings, JOBS)
    try:
        beat = await _wait_for_heartbeat(redis)
    finally:
        await stop_in_background(task)
    assert beat.pid == os.getpid()


async def test_serve_and_worker_run_as_separate_processes(
    settings: Settings, db: None, redis: Redis, test_dir: Path
) -> None:
    """Production shape: web and worker are two processes sharing the database and Redis."""
    web = start_server("serve", test_dir)
    worker = start_server("worker", test_dir)
    try:
        async with httpx.AsyncClient(base_url=web.url) as http:
            ready = await http.get("/readyz")
        assert ready.status_code == 200, ready.text
        beat = await _wait_for_heartbeat(redis, seconds=30)
        assert beat.pid == worker.process.pid
        assert beat.pid != web.process.pid
    finally:
        stop_server(worker)
        stop_server(web)
    # The heartbeat above is the worker's cron at work (at INFO arq does not tell of each run).


async def _wait_for_heartbeat(redis: Redis, seconds: float = 10) -> Any:
    async with asyncio.timeout(seconds):
        while (beat := await read_heartbeat(redis)) is None:  # noqa: ASYNC110 - polls Redis
            await asyncio.sleep(0.1)
    return beat
