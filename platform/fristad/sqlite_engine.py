"""Piccolo's SQLite engine, keeping its connections.

Outside a transaction Piccolo's ``SQLiteEngine`` opens a new connection for every query, and
aiosqlite a new thread for every connection: a page of five queries started ten threads. This
engine keeps the connections it opened and lends an idle one to each query instead (a few stay
open; one more is opened when all are busy, and closed again when too many are idle). WAL lets
them read side by side while one writes. Transactions are unchanged: Piccolo gives each its own
connection and closes it at the end.

A statement that wrote outside a transaction is committed at once, as Piccolo does. A lent
connection never holds a transaction open, so every query sees what was committed before it.
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Any

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, dict_factory

# Connections kept open while idle; more are opened for as long as queries run side by side.
IDLE_CONNECTIONS = 4


class KeptConnectionsSQLiteEngine(SQLiteEngine):
    __slots__ = ("_idle",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._idle: list[aiosqlite.Connection] = []

    async def _connect(self) -> aiosqlite.Connection:
        connection = aiosqlite.connect(**self.connection_kwargs)
        # An idle connection's thread must not keep the process from ending.
        connection._thread.daemon = True
        await connection
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await connection.execute("PRAGMA foreign_keys = 1")
        return connection

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        if query_type == "insert" and self.get_version_sync() < 3.35:  # no RETURNING
            return await super()._run_in_new_connection(query, args, query_type, table)
        try:
            connection = self._idle.pop()
        except IndexError:
            connection = await self._connect()
        try:
            rows = await connection.execute_fetchall(query, args or [])
            if connection.in_transaction:  # the statement wrote: commit it, as Piccolo does
                await connection.commit()
        except BaseException:
            # Whatever state it is in now, it is not lent again.
            with contextlib.suppress(sqlite3.Error, ValueError):
                await connection.close()
            raise
        if len(self._idle) < IDLE_CONNECTIONS:
            self._idle.append(connection)
        else:
            await connection.close()
        return list(rows)

    async def close_kept_connections(self) -> None:
        """Close the idle connections (at the end of the process, or of a test's database)."""
        while self._idle:
            connection = self._idle.pop()
            with contextlib.suppress(sqlite3.Error, ValueError):
                await connection.close()
