"""Server-side sessions in Redis, with a new session id on demand (at sign-in), and only for
those who have something to keep.

Litestar keeps a session's id for its whole life; a handler that puts ``ROTATE: True`` into the
session gets a fresh id instead, and the old id's data is deleted (ASVS 7.2.4: a new session
token on authentication, so a planted id is worthless).

Litestar also stores an empty session (and sets its cookie) for every request that comes without
one: every API call, every visit to the sign-in page. Anyone could fill Redis that way, so an
empty session is never stored: a request without a cookie leaves nothing behind, and one whose
session has emptied (or expired, or was never ours) gets its cookie cleared.

A session is written back only when a request changed it, or when its sliding idle expiry was
last renewed a minute ago or more: most requests read it (the data and its time to live, in one
round trip to Redis) and write nothing, not even the cookie. The idle limit is so kept to within
a minute.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.stores.base import Store
from litestar.stores.redis import RedisStore
from litestar.types import Empty, Message, ScopeSession
from redis.exceptions import RedisError

ROTATE = "_rotate"
_NEW_ID = "fristad.new_session_id"
# The session as it was read (serialised) and the seconds it had left then.
_LOADED = "fristad.session_loaded"
RENEW_AFTER_SECONDS = 60

log = logging.getLogger("fristad.sessions")


class RotatingSessionBackend(ServerSideSessionBackend):
    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        session_id = connection.cookies.get(self.config.key)
        if not session_id:
            return {}
        store = self.config.get_store_from_app(connection.scope["app"])
        data, ttl = await _read(store, session_id)
        if data is None:
            return {}
        session = self.deserialize_data(data)
        connection.scope[_LOADED] = (  # type: ignore[literal-required]
            self.serialize_data(session, connection.scope),
            ttl,
            time.monotonic(),
        )
        return session

    def _unchanged_and_fresh(
        self, scope_session: ScopeSession, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> bool:
        """Nothing to write: the request left the session as it was, and its expiry was renewed
        less than a minute ago."""
        loaded: tuple[bytes, int | None, float] | None = connection.scope.get(_LOADED)  # type: ignore[assignment]
        if loaded is None or self.config.max_age is None or not isinstance(scope_session, dict):
            return False
        data, ttl, read_at = loaded
        if ttl is None:
            return False
        left = ttl - (time.monotonic() - read_at)
        return bool(
            left > self.config.max_age - RENEW_AFTER_SECONDS
            and self.serialize_data(scope_session, connection.scope) == data
        )

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        try:
            await self._store(scope_session, message, connection)
        except (RedisError, OSError) as error:
            # The action behind the response has committed: answer it, without this change of
            # the session (a flash message is lost), rather than fail it.
            log.warning("session not saved (%s)", type(error).__name__)

    async def _store(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        if isinstance(scope_session, dict) and scope_session.pop(ROTATE, False):
            connection.scope.pop(_LOADED, None)  # type: ignore[misc]
            old_id = connection.cookies.get(self.config.key)
            if old_id:
                await self.delete(
                    old_id, store=self.config.get_store_from_app(connection.scope["app"])
                )
            connection.scope[_NEW_ID] = self.generate_session_id()  # type: ignore[literal-required]
        if scope_session is Empty or not scope_session:  # cleared, or nothing worth keeping
            if not connection.cookies.get(self.config.key):
                return
            scope_session = Empty
        elif self._unchanged_and_fresh(scope_session, connection):
            return
        await super().store_in_message(scope_session, message, connection)

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        new_id = connection.scope.get(_NEW_ID)
        return str(new_id) if new_id else super().get_session_id(connection)


async def _read(store: Store, session_id: str) -> tuple[bytes | None, int | None]:
    """The session's data and its seconds to live (None: no expiry known)."""
    if isinstance(store, RedisStore):
        # One round trip for both (the store's own key scheme).
        key = store._make_key(session_id)
        async with store._redis.pipeline(transaction=False) as pipe:
            pipe.get(key)
            pipe.ttl(key)
            data, ttl = await pipe.execute()
        return data, (int(ttl) if ttl is not None and ttl >= 0 else None)
    data = await store.get(session_id)
    return data, (await store.expires_in(session_id) if data is not None else None)


@dataclass
class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend
