"""Enqueueing background jobs from web processes, services and the CLI.

Each process opens the queue (``open_queue`` in the app's lifespan, a CLI command, or the
standalone worker's start-up) and closes it at the end. ``enqueue`` writes the job into the job
outbox (``fristad.jobs_outbox``) in the caller's write transaction, so the job exists exactly when
the action committed; it is relayed to arq once that transaction has committed (at once outside
one), and the ``sweep_outbox`` cron job relays what Redis did not take. A failure of Redis is
logged with the entry's id and never fails the action.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import msgspec
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from redis.exceptions import RedisError

from fristad import database, i18n, jobs_outbox
from fristad.mail import Mail
from fristad.settings import Settings

QUEUE_NAME = "fristad:queue"
# The arq job that runs an outbox entry (fristad.jobs_outbox).
RUN_OUTBOX_ENTRY = "run_outbox_entry"
# Relaying waits no longer for Redis: the action has committed and the sweep relays later.
RELAY_TIMEOUT_SECONDS = 3

log = logging.getLogger("fristad.queue")

# The queue's Redis and the names of the jobs the worker knows, set by open_queue; a connection
# pool per event loop, made on first use (a pool belongs to the loop that made it, and tests run
# apps on loops of their own).
_settings: Settings | None = None
_job_names: frozenset[str] = frozenset()
_pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, ArqRedis] = weakref.WeakKeyDictionary()


class QueueNotOpenError(RuntimeError):
    """A job was enqueued in a process that has not called ``open_queue``."""


def redis_settings(settings: Settings) -> RedisSettings:
    return RedisSettings.from_dsn(settings.redis_url)


async def open_queue(settings: Settings, job_names: Iterable[str]) -> None:
    """Point this process's enqueueing at the configured Redis (connects on first use).

    ``job_names``: the jobs the worker runs (the composition root's ``job_names()``); a job of
    another name is refused when it is enqueued, not when the worker meets it.
    """
    global _settings, _job_names
    if _settings is not None and _settings.redis_url != settings.redis_url:
        await close_queue()
    _settings = settings
    _job_names = frozenset(job_names)


async def close_queue() -> None:
    """Disconnect this event loop from the job queue; does nothing when it is not connected."""
    pool = _pools.pop(asyncio.get_running_loop(), None)
    if pool is not None:
        await pool.aclose()


async def _pool() -> ArqRedis:
    assert _settings is not None, "enqueue checks that the queue is open"
    loop = asyncio.get_running_loop()
    if loop not in _pools:
        _pools[loop] = await create_pool(redis_settings(_settings), default_queue_name=QUEUE_NAME)
    return _pools[loop]


async def enqueue(
    function_name: str,
    *args: Any,
    job_id: str | None = None,
    defer_until: datetime | None = None,
    **kwargs: Any,
) -> bool:
    """Queue the job ``function_name`` with plain-value arguments, in the caller's transaction.

    Call it inside the ``write_transaction()`` of the action: the job is then written with the
    action or not at all, and relayed to the worker after the commit. With a ``job_id``, a second
    job of that id is refused while the first is pending or was done within the last hours:
    returns False then. Job ids are kept in the database and logs, so they carry record ids,
    never personal data.
    """
    if _settings is None:
        raise QueueNotOpenError(
            "the job queue is not open in this process: call fristad.queue.open_queue(settings, "
            "job_names) at start-up (the app's lifespan, the CLI command or the worker's start-up)"
        )
    if function_name not in _job_names:
        raise ValueError(f"no job function named {function_name!r} in any app's jobs.py")
    if defer_until is not None and defer_until.tzinfo is None:
        raise ValueError("defer_until must be timezone-aware (UTC)")
    entry_id = await jobs_outbox.write(
        function_name, args, kwargs, key=job_id, run_at=defer_until or datetime.now(UTC)
    )
    if entry_id is None:
        return False

    async def relay_it() -> None:
        await relay([entry_id])

    if not database.after_commit(relay_it) and not database.in_transaction():
        await relay_it()
    # Inside a transaction opened without write_transaction() the sweep relays it.
    return True


async def relay(entry_ids: list[int]) -> int:
    """Hand outbox entries to arq; returns how many Redis took. When Redis fails, the rest wait
    for the sweep: logged by the entry's key (record ids; never an address or a text)."""
    taken = 0
    now = datetime.now(UTC)
    for entry in await jobs_outbox.pending(entry_ids):
        try:
            if _settings is None:
                raise QueueNotOpenError("the job queue is not open in this process")
            pool = await asyncio.wait_for(_pool(), RELAY_TIMEOUT_SECONDS)
            await asyncio.wait_for(
                pool.enqueue_job(
                    RUN_OUTBOX_ENTRY,
                    entry.id,
                    _job_id=jobs_outbox.job_id(entry.id, entry.key),
                    _defer_until=entry.run_at if entry.run_at > now else None,
                ),
                RELAY_TIMEOUT_SECONDS,
            )
        except (QueueNotOpenError, RedisError, OSError, TimeoutError) as error:
            log.warning(
                "outbox entry %s not relayed (%s); the sweep relays it",
                entry.key,
                type(error).__name__,
            )
            break
        await jobs_outbox.mark_relayed(entry.id)
        taken += 1
    return taken


async def mail_in_language(
    locale: str | None, *, to: str, key: str, write: Callable[[], tuple[str, str]]
) -> bool:
    """Queue an e-mail in its recipient's language, whatever the language of the request that
    caused it: ``write`` returns (subject, text) and runs with ``locale`` active. The one way
    every app sends mail (from its notify module); ``key`` as for ``send_mail_later``."""
    with i18n.language(locale):
        subject, text = write()
    return await send_mail_later(Mail(to=to, subject=subject, text=text), key=key)


async def send_mail_later(mail: Mail, *, key: str) -> bool:
    """Queue ``mail`` for the ``send_mail`` job, in the caller's transaction; one ``key`` sends at
    most once (see ``enqueue``).

    ``key`` names the reason for the mail, e.g. ``f"invitation:{invitation.id}"``.
    """
    return await enqueue("send_mail", job_id=f"mail:{key}", **msgspec.structs.asdict(mail))
