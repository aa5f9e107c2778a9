"""write_transaction(): the write path every later issue uses, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from piccolo.querystring import QueryString

from fristad.database import engine, write_transaction

ATTEMPTS = 50


@pytest.fixture
async def stock(db: None) -> AsyncIterator[None]:
    await engine().run_ddl("DROP TABLE IF EXISTS test_stock")
    await engine().run_ddl(
        "CREATE TABLE test_stock (id INTEGER PRIMARY KEY, free INTEGER NOT NULL CHECK (free >= 0))"
    )
    await engine().run_ddl("INSERT INTO test_stock (id, free) VALUES (1, 1)")
    yield
    await engine().run_ddl("DROP TABLE test_stock")


async def _take_one() -> bool:
    async with write_transaction():
        rows = await engine().run_querystring(
            QueryString(
                "UPDATE test_stock SET free = free - 1 WHERE id = {} AND free > 0 RETURNING free", 1
            )
        )
        await asyncio.sleep(0.001)  # hold the transaction open so attempts overlap
        return bool(rows)


async def _free() -> int:
    rows = await engine().run_querystring(QueryString("SELECT free FROM test_stock"))
    return int(rows[0]["free"])


async def test_concurrent_conditional_writes_take_the_last_unit_once(stock: None) -> None:
    results = await asyncio.gather(*(_take_one() for _ in range(ATTEMPTS)))
    assert results.count(True) == 1
    assert results.count(False) == ATTEMPTS - 1
    assert await _free() == 0


async def test_a_failed_write_transaction_rolls_back(stock: None) -> None:
    async def update_then_fail() -> None:
        async with write_transaction():
            await engine().run_ddl("UPDATE test_stock SET free = 5 WHERE id = 1")
            raise RuntimeError("abort")

    with pytest.raises(RuntimeError):
        await update_then_fail()
    assert await _free() == 1


async def test_sqlite_database_is_in_wal_mode(migrated: None) -> None:
    from piccolo.engine.sqlite import SQLiteEngine

    if not isinstance(engine(), SQLiteEngine):
        pytest.skip("WAL is SQLite's journal mode")
    rows = await engine().run_ddl("PRAGMA journal_mode")
    assert rows == [{"journal_mode": "wal"}]
