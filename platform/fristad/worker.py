"""The arq worker, running the jobs and cron jobs the composition root hands it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from arq.worker import Worker
from redis.exceptions import RedisError

from fristad import database, queue
from fristad.jobs import heartbeat_cron
from fristad.queue import QUEUE_NAME, redis_settings
from fristad.settings import Settings

log = logging.getLogger("fristad.worker")

# After losing Redis a new worker connects after 1 s, then 2, 4 … up to 30 s between tries.
RECONNECT_FIRST_SECONDS = 1
RECONNECT_MAX_SECONDS = 30

# arq logs the arguments of every job it starts. Mails reach arq as outbox entry ids only; the
# line still goes without arguments, so no job can ever log personal data there.
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


def create_worker(settings: Settings, jobs: Jobs) -> Worker:
    """A worker for the configured Redis, with the heartbeat at the configured interval.

    It leaves the database pool, the queue and signals to its runner (``run_until_cancelled``).
    """
    logging.getLogger("arq.worker").addFilter(_WITHOUT_JOB_ARGUMENTS)
    # arq tells of every job started and finished at INFO; failures and retries are what matter.
    logging.getLogger("arq").setLevel("DEBUG" if settings.log_level == "DEBUG" else "WARNING")
    return Worker(
        functions=list(jobs.functions),
        cron_jobs=[heartbeat_cron(settings), *jobs.cron_jobs],
        redis_settings=redis_settings(settings),
        queue_name=QUEUE_NAME,
        ctx={
            "settings": settings,
            "job_names": jobs.names(),
            # run_outbox_entry calls the job an outbox entry names.
            "job_functions": {_name(job): job for job in jobs.functions},
        },
        handle_signals=False,
        max_jobs=10,
        job_timeout=settings.job_timeout_seconds,
        keep_result=3600,
    )


def _name(job: Any) -> str:
    return str(getattr(job, "name", None) or job.__name__)


async def run_until_cancelled(settings: Settings, jobs: Jobs) -> None:
    """Run a worker until this task is cancelled, through any outage of Redis.

    arq's worker ends when Redis goes away (a restart, a full memory, a network blip); a new one
    connects after a pause that doubles from 1 s to 30 s, and carries on with the queue. Jobs cut
    off by the outage run again later (they are idempotent), and the outbox sweep relays what
    could not be queued meanwhile.
    """
    pause = RECONNECT_FIRST_SECONDS
    while True:
        worker = create_worker(settings, jobs)
        started = time.monotonic()
        try:
            await worker.main()
            return  # a burst worker that emptied the queue
        except (RedisError, OSError) as error:
            log.warning("worker lost Redis (%s); connecting again in %s s", _reason(error), pause)
        except Exception:
            log.exception("worker stopped by an error; starting again in %s s", pause)
        finally:
            await _close(worker)
        if time.monotonic() - started > RECONNECT_MAX_SECONDS:
            pause = RECONNECT_FIRST_SECONDS  # it ran a good while: this is a new outage
        await asyncio.sleep(pause)
        pause = min(2 * pause, RECONNECT_MAX_SECONDS)


def _reason(error: Exception) -> str:
    """The error's type and the first line of its message (Redis and socket errors name the
    server, never a job's data)."""
    first_line = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {first_line}" if first_line else type(error).__name__


async def _close(worker: Worker) -> None:
    """Stop ``worker``: arq cancels the jobs still running (they run again later) and lets those
    cancellations surface in close(); with Redis gone, it cannot say goodbye there either."""
    try:
        await worker.close()
    except (asyncio.CancelledError, RedisError, OSError):
        pool = worker._pool
        if pool is not None:
            with contextlib.suppress(RedisError, OSError):
                await pool.aclose()


async def run_standalone(settings: Settings, jobs: Jobs) -> None:
    """`fristad worker`: the worker with its own database pool and queue, until SIGINT/SIGTERM."""
    await database.start()
    # Jobs may enqueue further jobs through fristad.queue, as services do.
    await queue.open_queue(settings, jobs.names())
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, task.cancel)
    try:
        await run_until_cancelled(settings, jobs)
    except asyncio.CancelledError:
        log.info("worker stopped")
    finally:
        await queue.close_queue()
        await database.stop()


async def run_in_background(settings: Settings, jobs: Jobs) -> asyncio.Task[None]:
    """Start a worker as a task of this event loop (the embedded mode of ``serve``)."""
    return asyncio.create_task(run_until_cancelled(settings, jobs), name="fristad-worker")


async def stop_in_background(task: asyncio.Task[None]) -> None:
    """Stop a worker started by ``run_in_background``; its running jobs run again later."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
