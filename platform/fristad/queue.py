"""Enqueueing background jobs from web processes, services and the CLI.

Each process opens the queue once (``open_queue`` in the app's lifespan, a CLI command, or the
standalone worker's start-up) and closes it at the end. Services enqueue only after their
transaction has committed, so a job never runs for a change that was rolled back.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

import msgspec
from arq import create_pool
from arq.connections import ArqRedis

from fristad.mail import Mail
from fristad.settings import Settings
from fristad.worker import QUEUE_NAME, collect_jobs, redis_settings

_pool: ArqRedis | None = None


class QueueNotOpenError(RuntimeError):
    """A job was enqueued in a process that has not called ``open_queue``."""


async def open_queue(settings: Settings) -> None:
    """Connect this process to the job queue in the configured Redis."""
    global _pool
    if _pool is not None:
        raise RuntimeError("the job queue is already open in this process")
    _pool = await create_pool(redis_settings(settings), default_queue_name=QUEUE_NAME)


async def close_queue() -> None:
    """Disconnect from the job queue; calling it when the queue is not open does nothing."""
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        await pool.aclose()


async def enqueue(
    function_name: str,
    *args: Any,
    job_id: str | None = None,
    defer_until: datetime | None = None,
    **kwargs: Any,
) -> bool:
    """Queue the job ``function_name`` with plain-value arguments.

    With a ``job_id``, arq refuses a second job of that id while the first is queued, running or
    its result is kept (an hour): returns False then. Job ids end up in Redis keys and in logs, so
    they carry record ids, never personal data.
    """
    if _pool is None:
        raise QueueNotOpenError(
            "the job queue is not open in this process: call fristad.queue.open_queue(settings) "
            "at start-up (the app's lifespan, the CLI command or the worker's on_startup)"
        )
    if function_name not in job_names():
        raise ValueError(f"no job function named {function_name!r} in any app's jobs.py")
    if defer_until is not None and defer_until.tzinfo is None:
        raise ValueError("defer_until must be timezone-aware (UTC)")
    job = await _pool.enqueue_job(
        function_name, *args, _job_id=job_id, _defer_until=defer_until, **kwargs
    )
    return job is not None


async def send_mail_later(mail: Mail, *, key: str) -> bool:
    """Queue ``mail`` for the ``send_mail`` job; one ``key`` sends at most once (see ``enqueue``).

    ``key`` names the reason for the mail, e.g. ``f"invitation:{invitation.id}"``.
    """
    return await enqueue("send_mail", job_id=f"mail:{key}", **msgspec.structs.asdict(mail))


@cache
def job_names() -> frozenset[str]:
    """Names of the job functions the worker knows (a typo fails here, not in the worker)."""
    functions, _ = collect_jobs()
    return frozenset(getattr(function, "name", None) or function.__name__ for function in functions)
