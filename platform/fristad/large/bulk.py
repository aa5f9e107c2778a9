"""Rows written in bulk for the large data set: COPY on PostgreSQL, ``executemany`` on SQLite.

The generator gives every row its id (from the table's current maximum), so rows can name each
other before they are written; afterwards PostgreSQL's sequences are moved past them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from fristad.settings import Settings

# Rows per COPY or executemany: large enough to be fast, small enough to report progress.
BATCH = 5_000


class Writer:
    """One connection of its own, outside Piccolo's engine (which writes one row per query)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._postgres = settings.uses_postgres
        self._connection: Any = None
        self._written: set[str] = set()

    async def __aenter__(self) -> Writer:
        if self._postgres:
            import asyncpg

            self._connection = await asyncpg.connect(self._settings.database_url)
        else:
            import aiosqlite
            import piccolo.engine.sqlite  # noqa: F401 - registers Piccolo's date and time adapters

            self._connection = await aiosqlite.connect(self._settings.sqlite_path)
            await self._connection.execute("PRAGMA busy_timeout = 30000")
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        try:
            if exc_info[0] is None and self._postgres:
                for table in sorted(self._written):
                    await self._connection.execute(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608 - our own table names  # nosec B608
                        f'(SELECT MAX(id) FROM "{table}"))'
                    )
            elif not self._postgres:
                await self._connection.commit()
        finally:
            await self._connection.close()

    def _sql(self, sql: str) -> str:
        """``?`` placeholders, as asyncpg writes them ($1, $2 …) on PostgreSQL."""
        if not self._postgres:
            return sql
        parts = sql.split("?")
        return "".join(f"{part}${n}" for n, part in enumerate(parts[:-1], 1)) + parts[-1]

    async def fetch(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        if self._postgres:
            return [tuple(row) for row in await self._connection.fetch(self._sql(sql), *args)]
        async with self._connection.execute(sql, args) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]

    async def execute(self, sql: str, *args: Any) -> None:
        if self._postgres:
            await self._connection.execute(self._sql(sql), *args)
        else:
            await self._connection.execute(sql, args)
            await self._connection.commit()

    async def next_id(self, table: str) -> int:
        """The first free id of ``table`` (rows are numbered from it)."""
        rows = await self.fetch(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 - our own table name  # nosec B608
        return int(rows[0][0]) + 1

    async def insert(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> int:
        """Write ``rows`` (values in the order of ``columns``); returns how many."""
        batch: list[Sequence[Any]] = []
        count = 0
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                count += await self._write(table, columns, batch)
                batch = []
        if batch:
            count += await self._write(table, columns, batch)
        self._written.add(table)
        return count

    async def _write(self, table: str, columns: Sequence[str], rows: list[Sequence[Any]]) -> int:
        if self._postgres:
            await self._connection.copy_records_to_table(
                table, records=[tuple(row) for row in rows], columns=list(columns)
            )
        else:
            names = ", ".join(f'"{column}"' for column in columns)
            marks = ", ".join("?" for _ in columns)
            await self._connection.executemany(
                f'INSERT INTO "{table}" ({names}) VALUES ({marks})',  # noqa: S608 - our own table and column names  # nosec B608
                rows,
            )
            await self._connection.commit()
        return len(rows)
