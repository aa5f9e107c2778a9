"""Fristad's own background jobs."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime
from typing import Any

import msgspec
from arq.cron import cron

HEARTBEAT_KEY = "fristad:worker:heartbeat"
HEARTBEAT_TTL_SECONDS = 300


class Heartbeat(msgspec.Struct, frozen=True):
    at: datetime
    host: str
    pid: int


async def record_heartbeat(ctx: dict[str, Any]) -> None:
    """Record that a worker is alive and running cron jobs; `fristad check` reports it.

    The key expires by itself, so a worker that stopped shows up as "no heartbeat".
    """
    beat = Heartbeat(at=datetime.now(UTC), host=socket.gethostname(), pid=os.getpid())
    await ctx["redis"].set(HEARTBEAT_KEY, msgspec.json.encode(beat), ex=HEARTBEAT_TTL_SECONDS)


async def read_heartbeat(redis: Any) -> Heartbeat | None:
    raw = await redis.get(HEARTBEAT_KEY)
    return None if raw is None else msgspec.json.decode(raw, type=Heartbeat)


FUNCTIONS: list[Any] = []
CRON_JOBS = [cron(record_heartbeat, second={0, 30}, run_at_startup=True, unique=True)]
