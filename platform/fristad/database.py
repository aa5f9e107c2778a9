"""Database plumbing: the Piccolo engine (SQLite or PostgreSQL), write transactions, migrations."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

if TYPE_CHECKING:
    from piccolo.engine.base import Engine

REPO_ROOT = Path(__file__).resolve().parents[2]


def migrations_folder(app_name: str) -> str:
    """Where an app's migrations live: migrations/<app>/ at the top of the checkout."""
    return str(REPO_ROOT / "migrations" / app_name)


@functools.cache
def engine() -> Engine[Any]:
    """The configured engine, as Piccolo finds it (``DB`` in ``fristad.piccolo_conf``)."""
    db: Engine[Any] | None = engine_finder()
    if db is None:
        raise RuntimeError("no Piccolo engine: PICCOLO_CONF names no module with a DB")
    return db


# The callbacks to run once the outermost write transaction of this task has committed.
_after_commit: contextvars.ContextVar[list[Callable[[], Awaitable[None]]] | None] = (
    contextvars.ContextVar("fristad_after_commit", default=None)
)


@contextlib.asynccontextmanager
async def write_transaction() -> AsyncIterator[Any]:
    """A transaction that takes the write lock up front.

    On SQLite ``BEGIN IMMEDIATE`` serialises writers at the start, so a read-then-write inside it
    cannot race another writer; on PostgreSQL it is an ordinary transaction, and the write paths
    use conditional UPDATEs or ``SELECT … FOR UPDATE``. Every write path goes through this.
    Callbacks registered with ``after_commit`` run when the outermost one has committed.
    """
    db = engine()
    if isinstance(db, SQLiteEngine):
        transaction = db.transaction(transaction_type=TransactionType.immediate)
    else:
        transaction = db.transaction()
    if _after_commit.get() is not None:  # nested: Piccolo joins the outer transaction
        async with transaction as joined:
            yield joined
        return
    callbacks: list[Callable[[], Awaitable[None]]] = []
    token = _after_commit.set(callbacks)
    try:
        async with transaction as started:
            yield started
    finally:
        _after_commit.reset(token)
    for callback in callbacks:
        await callback()


def after_commit(callback: Callable[[], Awaitable[None]]) -> bool:
    """Run ``callback`` once the write transaction of this task has committed (never if it rolls
    back); False, and nothing registered, outside a write transaction."""
    callbacks = _after_commit.get()
    if callbacks is None:
        return False
    callbacks.append(callback)
    return True


def in_transaction() -> bool:
    """Whether a query now would run inside a transaction (ours or one opened directly)."""
    return bool(engine().transaction_exists())


async def prepare_sqlite(db: Engine[Any]) -> None:
    """WAL lets readers go on while one writer writes; the setting is stored in the file."""
    if isinstance(db, SQLiteEngine):
        await db.run_ddl("PRAGMA journal_mode=WAL")


async def ping() -> None:
    """Raise if the database cannot answer a trivial query."""
    await engine().run_ddl("SELECT 1")


async def migrate() -> str:
    """Run every app's pending migrations; returns Piccolo's report of what it did."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    db = engine()
    await prepare_sqlite(db)
    report = io.StringIO()
    with contextlib.redirect_stdout(report):
        result = await run_forwards(app_name="all", migration_id="all")
    if not result.success:
        raise RuntimeError(f"migration failed: {result.message}")
    return report.getvalue()


async def start() -> None:
    """Open the PostgreSQL connection pool of this process (bound to the running event loop)."""
    from fristad.settings import get_settings

    db, size = engine(), get_settings().database_pool_size
    if isinstance(db, PostgresEngine) and size > 0 and db.pool is None:
        await db.start_connection_pool(min_size=1, max_size=size)


async def stop() -> None:
    from fristad.sqlite_engine import KeptConnectionsSQLiteEngine

    db = engine()
    if isinstance(db, PostgresEngine) and db.pool is not None:
        await db.close_connection_pool()
    if isinstance(db, KeptConnectionsSQLiteEngine):
        await db.close_kept_connections()


async def truncate_all() -> None:
    """Empty every table of every app (tests and the demo reset use this)."""
    from piccolo.conf.apps import Finder
    from piccolo.table import sort_table_classes

    tables = sort_table_classes(Finder().get_table_classes())
    db = engine()
    if isinstance(db, PostgresEngine):
        if tables:
            names = ", ".join(f'"{table._meta.tablename}"' for table in tables)
            await db.run_ddl(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        return
    for table in reversed(tables):
        await db.run_ddl(f'DELETE FROM "{table._meta.tablename}"')  # noqa: S608 - a table name from Piccolo's metadata  # nosec B608


# Constraints in migrations. SQLite cannot add a constraint to an existing table, and Piccolo's
# migrations create a table before its columns, so constraints are added by these helpers instead
# of Piccolo's add_constraint: a UNIQUE index on both engines; a CHECK constraint on PostgreSQL
# and, on SQLite, triggers that refuse the same rows (RAISE(ABORT) is a constraint error there).
# Tables keep such constraints out of their class body, so auto-migrations do not repeat them.


def add_unique(manager: Any, table: str, name: str, columns: list[str]) -> None:
    """Add ``UNIQUE (columns)`` to ``table`` in a migration, the same on both engines."""
    column_list = ", ".join(f'"{column}"' for column in columns)

    async def forwards() -> None:
        await engine().run_ddl(f'CREATE UNIQUE INDEX "{name}" ON "{table}" ({column_list})')

    async def backwards() -> None:
        await engine().run_ddl(f'DROP INDEX IF EXISTS "{name}"')

    manager.add_raw(forwards)
    manager.add_raw_backwards(backwards)


def add_check(manager: Any, table: str, name: str, condition: str) -> None:
    """Add ``CHECK (condition)`` to ``table`` in a migration (triggers on SQLite)."""

    async def forwards() -> None:
        db = engine()
        if isinstance(db, PostgresEngine):
            await db.run_ddl(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" CHECK ({condition})')
            return
        for event in ("INSERT", "UPDATE"):
            await db.run_ddl(
                f'CREATE TRIGGER "{name}_{event.lower()}" BEFORE {event} ON "{table}" '
                f"FOR EACH ROW WHEN NOT ({_new_row(condition)}) "
                f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"
            )

    async def backwards() -> None:
        db = engine()
        if isinstance(db, PostgresEngine):
            await db.run_ddl(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{name}"')
            return
        for event in ("insert", "update"):
            await db.run_ddl(f'DROP TRIGGER IF EXISTS "{name}_{event}"')

    manager.add_raw(forwards)
    manager.add_raw_backwards(backwards)


def _new_row(condition: str) -> str:
    """Qualify the condition's column names with NEW. for a SQLite trigger.

    Conditions are written with double-quoted column names ("free" >= 0), so this is exact.
    """
    import re

    return re.sub(r'"([a-z_][a-z0-9_]*)"', r'NEW."\1"', condition)


def replace_check(manager: Any, table: str, name: str, before: str, after: str) -> None:
    """Replace the CHECK ``name`` (added by ``add_check`` with ``before``) by ``after``; a
    backwards migration puts ``before`` back."""
    for direction, condition in ((manager.add_raw, after), (manager.add_raw_backwards, before)):
        steps = type(manager)(migration_id="steps", app_name="")
        add_check(steps, table, name, condition)
        dropping, creating = steps.raw_backwards[0], steps.raw[0]
        direction(dropping)
        direction(creating)
