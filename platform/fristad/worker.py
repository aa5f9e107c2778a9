"""The arq worker, running the jobs and cron jobs the composition root hands it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from arq.worker import Worker

from fristad import database, queue
from fristad.queue import QUEUE_NAME, redis_settings
from fristad.settings import Settings

# arq logs the arguments of every job it starts; a mail job's are an address and a text.
_ARQ_JOB_START = "%6.2fs → %s(%s)%s"


class _WithoutJobArguments(logging.Filter):
    """Drops the job arguments from arq's "job started" line (no personal data in logs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == _ARQ_JOB_START and isinstance(record.args, tuple):
            record.args = (*record.args[:2], "…", *record.args[3:])
        return True


_WITHOUT_JOB_ARGUMENTS = _WithoutJobArguments()


@dataclass(frozen=True)
class Jobs:
    """The job functions and cron jobs a worker runs (fristad.app's ``JOBS``)."""

    functions: Sequence[Any]
    cron_jobs: Sequence[Any]

    def names(self) -> frozenset[str]:
        return frozenset(getattr(job, "name", None) or job.__name__ for job in self.functions)


async def _start(ctx: dict[str, Any]) -> None:
    await database.start()
    # Jobs may enqueue further jobs through fristad.queue, as services do.
    await queue.open_queue(ctx["settings"], ctx["job_names"])


async def _stop(ctx: dict[str, Any]) -> None:
    await queue.close_queue()
    await database.stop()


def create_worker(settings: Settings, jobs: Jobs, *, embedded: bool = False) -> Worker:
    """A worker for the configured Redis.

    ``embedded``: runs inside ``serve``, which owns the database pool and the signal handlers.
    """
    logging.getLogger("arq.worker").addFilter(_WITHOUT_JOB_ARGUMENTS)
    # arq tells of every job started and finished at INFO; failures and retries are what matter.
    logging.getLogger("arq").setLevel("DEBUG" if settings.log_level == "DEBUG" else "WARNING")
    return Worker(
        functions=list(jobs.functions),
        cron_jobs=list(jobs.cron_jobs),
        redis_settings=redis_settings(settings),
        queue_name=QUEUE_NAME,
        ctx={"settings": settings, "job_names": jobs.names()},
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
