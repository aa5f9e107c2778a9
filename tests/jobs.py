"""Running queued jobs in tests with a real arq worker against the test Redis."""

from __future__ import annotations

import asyncio
import contextlib

from fristad.app import JOBS
from fristad.settings import Settings
from fristad.worker import create_worker


async def run_queued_jobs(settings: Settings) -> int:
    """Run a real worker until the queue is empty; fails if a job failed."""
    worker = create_worker(settings, JOBS)
    worker.burst = True
    try:
        return int(await worker.run_check())
    finally:
        with contextlib.suppress(asyncio.CancelledError):
            await worker.close()
