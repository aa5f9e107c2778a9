"""The arq worker: jobs and cron jobs gathered from every app's ``jobs.py``."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import logging
from typing import Any

from arq.connections import RedisSettings
from arq.worker import Worker

from fristad import database
from fristad.database import APPS
from fristad.settings import Settings

QUEUE_NAME = "fristad:queue"
# arq logs the arguments of every job it starts; a mail job's are an address and a text.
_ARQ_JOB_START = "%6.2fs → %s(%s)%s"


class _WithoutJobArguments(logging.Filter):
    """Drops the job arguments from arq's "job started" line (no personal data in logs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == _ARQ_JOB_START and isinstance(record.args, tuple):
            record.args = (*record.args[:2], "…", *record.args[3:])
        return True


_WITHOUT_JOB_ARGUMENTS = _WithoutJobArguments()


def collect_jobs() -> tuple[list[Any], list[Any]]:
    """Job functions and cron jobs from fristad.jobs and each app's jobs module, if it has one."""
    functions: list[Any] = []
    cron_jobs: list[Any] = []
    for module_name in ("fristad.jobs", *(f"{app}.jobs" for app in APPS)):
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        functions += getattr(module, "FUNCTIONS", [])
        cron_jobs += getattr(module, "CRON_JOBS", [])
    return functions, cron_jobs


def redis_settings(settings: Settings) -> RedisSettings:
    return RedisSettings.from_dsn(settings.redis_url)


async def _start(ctx: dict[str, Any]) -> None:
    from fristad import queue  # fristad.queue imports this module

    await database.start()
    # Jobs may enqueue further jobs through fristad.queue, as services do.
    await queue.open_queue(ctx["settings"])


async def _stop(ctx: dict[str, Any]) -> None:
    from fristad import queue

    await queue.close_queue()
    await database.stop()


def create_worker(settings: Settings, *, embedded: bool = False) -> Worker:
    """A worker for the configured Redis.

    ``embedded``: runs inside ``serve``, which owns the database pool and the signal handlers.
    """
    functions, cron_jobs = collect_jobs()
    logging.getLogger("arq.worker").addFilter(_WITHOUT_JOB_ARGUMENTS)
    return Worker(
        functions=functions,
        cron_jobs=cron_jobs,
        redis_settings=redis_settings(settings),
        queue_name=QUEUE_NAME,
        ctx={"settings": settings},
        on_startup=None if embedded else _start,
        on_shutdown=None if embedded else _stop,
        handle_signals=not embedded,
        max_jobs=10,
        job_timeout=300,
        keep_result=3600,
    )


async def run_in_background(worker: Worker) -> asyncio.Task[None]:
    """Start ``worker`` as a task of this event loop (the embedded mode of ``serve``)."""
    return asyncio.create_task(worker.async_run())


async def stop_in_background(worker: Worker, task: asyncio.Task[None]) -> None:
    """Stop a worker started by ``run_in_background``.

    arq cancels the jobs still running (they re-run later: jobs are idempotent) and its close()
    lets those cancellations surface; they are expected here and not an error.
    """
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await worker.close()
    with contextlib.suppress(asyncio.CancelledError):
        await task
