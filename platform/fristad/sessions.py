"""Server-side sessions in Redis, with a new session id on demand (at sign-in), and only for
those who have something to keep.

Litestar keeps a session's id for its whole life; a handler that puts ``ROTATE: True`` into the
session gets a fresh id instead, and the old id's data is deleted (ASVS 7.2.4: a new session
token on authentication, so a planted id is worthless).

Litestar also stores an empty session (and sets its cookie) for every request that comes without
one: every API call, every visit to the sign-in page. Anyone could fill Redis that way, so an
empty session is never stored: a request without a cookie leaves nothing behind, and one whose
session has emptied (or expired, or was never ours) gets its cookie cleared.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Empty, Message, ScopeSession
from redis.exceptions import RedisError

ROTATE = "_rotate"
_NEW_ID = "fristad.new_session_id"

log = logging.getLogger("fristad.sessions")


class RotatingSessionBackend(ServerSideSessionBackend):
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
        await super().store_in_message(scope_session, message, connection)

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        new_id = connection.scope.get(_NEW_ID)
        return str(new_id) if new_id else super().get_session_id(connection)


@dataclass
class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend
