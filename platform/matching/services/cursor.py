"""Where reverse matching stopped reading another app's history: one row per reader.

Beds and services each have a reader; both follow a history of ids that only grow, so a cursor
is a number that only moves forward.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from piccolo.engine.postgres import PostgresEngine

from fristad.database import engine, write_transaction
from matching.tables import MatchingCursor


async def position(name: str, start: Callable[[], Awaitable[int]]) -> int:
    """Where the reader ``name`` stopped. The first run starts from ``start()`` (the newest
    history id): changes made before matching ran at all (a new installation, the demo) are
    no news to anyone."""
    row = await MatchingCursor.select().where(MatchingCursor.name == name).first()
    if row is None:
        latest = await start()
        async with write_transaction():
            # Runs starting at the same time: the first row counts, the others change nothing.
            await MatchingCursor.insert(MatchingCursor(name=name, position=latest)).on_conflict(
                target=MatchingCursor.name, action="DO NOTHING"
            )
        row = await MatchingCursor.select().where(MatchingCursor.name == name).first()
    return int(row["position"]) if row else 0


async def advance(name: str, to: int) -> None:
    """Move the cursor to ``to``; a run that lost a race to another moves nothing back."""
    await MatchingCursor.update({MatchingCursor.position: to}).where(
        (MatchingCursor.name == name) & (MatchingCursor.position < to)
    )


async def lock(name: str) -> None:
    """Inside a write transaction: wait for any other run holding the reader's lock (FOR
    UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE serialises writers already)."""
    if isinstance(engine(), PostgresEngine):
        await (
            MatchingCursor.select(MatchingCursor.id)
            .where(MatchingCursor.name == name)
            .lock_rows("UPDATE")
        )
