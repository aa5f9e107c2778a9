"""The job outbox: every job and mail is first a row (``JobOutboxEntry``) written in the
transaction of the action that causes it, so it exists exactly when the action committed.
``fristad.queue`` relays the row to arq once the transaction has committed and a sweep relays it
again until a worker has run it: Redis refusing writes delays a mail, it never fails or loses it.

arq only ever sees ``run_outbox_entry(<entry id>)``: the arguments (a mail's address and text)
stay in the database, encrypted, and reach neither Redis nor a log line.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from fristad import crypto
from fristad.tables import JobOutboxEntry

# A relayed entry that no worker has run after this long is relayed again; arq refuses the
# same job id while that job is queued, running or its result is kept, so it never runs twice
# at once.
RELAY_AGAIN_AFTER = timedelta(minutes=10)
# After this many relays an entry is left alone: its job keeps failing (arq logs each failure).
MAX_RELAYS = 10
# A done entry is kept this long, so its key refuses a repeat as arq's kept result did (an hour).
KEEP_DONE = timedelta(hours=2)
SWEEP_BATCH = 500

JobFunction = Callable[..., Awaitable[Any]]


class Call(msgspec.Struct, frozen=True):
    """A job's plain-value arguments, as the entry keeps them."""

    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = {}


def job_id(entry_id: int, key: str) -> str:
    """The arq job id of an entry: a second relay of it is refused while the first is kept; the
    key (record ids, never personal data) tells in arq's log what the job is for."""
    return f"outbox:{entry_id}:{key}"


async def write(
    job: str, args: tuple[Any, ...], kwargs: dict[str, Any], *, key: str | None, run_at: datetime
) -> int | None:
    """Write an entry in the current transaction (if any); its id, or None when an entry of
    ``key`` is kept already (pending, or done within ``KEEP_DONE``)."""
    call = msgspec.json.encode(Call(args, kwargs)).decode()
    inserted = (
        await JobOutboxEntry.insert(
            JobOutboxEntry(
                key=key or f"{job}:{uuid.uuid4().hex}",
                job=job,
                call=crypto.encrypt(call),
                run_at=run_at,
                created_at=datetime.now(UTC),
            )
        )
        .on_conflict(target=JobOutboxEntry.key, action="DO NOTHING")
        .returning(JobOutboxEntry.id)
    )
    return int(inserted[0]["id"]) if inserted else None


class Pending(msgspec.Struct, frozen=True):
    id: int
    key: str
    run_at: datetime


async def pending(entry_ids: list[int]) -> list[Pending]:
    """Of ``entry_ids``, those not done yet, in order."""
    if not entry_ids:
        return []
    rows = (
        await JobOutboxEntry.select(JobOutboxEntry.id, JobOutboxEntry.key, JobOutboxEntry.run_at)
        .where(JobOutboxEntry.id.is_in(entry_ids) & JobOutboxEntry.done_at.is_null())
        .order_by(JobOutboxEntry.id)
    )
    return [Pending(row["id"], row["key"], row["run_at"]) for row in rows]


async def mark_relayed(entry_id: int) -> None:
    await JobOutboxEntry.update(
        {
            JobOutboxEntry.relayed_at: datetime.now(UTC),
            JobOutboxEntry.relays: JobOutboxEntry.relays + 1,
        }
    ).where(JobOutboxEntry.id == entry_id)


async def due_for_relay(now: datetime | None = None) -> list[int]:
    """Entries never relayed (Redis failed after their commit) or relayed and not run long after
    they were due (the job was lost); forgets done entries older than ``KEEP_DONE``."""
    now = now or datetime.now(UTC)
    await JobOutboxEntry.delete().where(JobOutboxEntry.done_at < now - KEEP_DONE)
    cutoff = now - RELAY_AGAIN_AFTER
    rows = (
        await JobOutboxEntry.select(JobOutboxEntry.id)
        .where(
            JobOutboxEntry.done_at.is_null()
            & (JobOutboxEntry.relays < MAX_RELAYS)
            & (
                JobOutboxEntry.relayed_at.is_null()
                | ((JobOutboxEntry.relayed_at < cutoff) & (JobOutboxEntry.run_at < cutoff))
            )
        )
        .order_by(JobOutboxEntry.id)
        .limit(SWEEP_BATCH)
    )
    return [row["id"] for row in rows]


async def run_outbox_entry(ctx: dict[str, Any], entry_id: int) -> str:
    """Run the job an entry holds, then mark it done and forget its arguments.

    An entry done already is not run again (a second relay, or arq re-running the job of a
    worker that was lost after marking it). A worker lost during the job leaves the entry
    pending, and the job runs again: every job is idempotent.
    """
    entry = (
        await JobOutboxEntry.select(JobOutboxEntry.job, JobOutboxEntry.call)
        .where((JobOutboxEntry.id == entry_id) & JobOutboxEntry.done_at.is_null())
        .first()
    )
    if entry is None:
        return "done already"
    functions: Mapping[str, JobFunction] = ctx["job_functions"]
    call = msgspec.json.decode(crypto.decrypt(entry["call"]), type=Call)
    await functions[entry["job"]](ctx, *call.args, **call.kwargs)
    await JobOutboxEntry.update(
        {JobOutboxEntry.done_at: datetime.now(UTC), JobOutboxEntry.call: ""}
    ).where(JobOutboxEntry.id == entry_id)
    return f"{entry['job']} done"
