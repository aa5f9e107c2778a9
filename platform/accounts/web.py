"""HTTP plumbing of accounts: who is asking (session or API token), guards, session contents."""

from __future__ import annotations

import time
from typing import Any, Final, TypeAlias

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from accounts import services
from accounts.domain import Actor, Role
from accounts.policy import has_permission, token_may_change
from fristad.i18n import gettext as _
from fristad.sessions import ROTATE
from fristad.web import session_data

# Handler parameters filled by the app-level dependencies of fristad.app (by name).
CurrentActor: TypeAlias = NamedDependency[Actor]
Viewer: TypeAlias = NamedDependency[Actor | None]

# What a session holds. Identifiers and times only.
USER = "uid"
EPOCH = "epoch"
MEMBERSHIP = "mid"
STARTED = "iat"
MFA = "mfa"
# Between the password and the second factor: {"uid": …, "at": …}.
PENDING = "pending"
PENDING_SECONDS = 600


def client_ip(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    return connection.client.host if connection.client else None


class ActorMiddleware(ASGIMiddleware):
    """Puts the Actor (or None) into ``scope["user"]`` for every request.

    API requests authenticate with ``Authorization: Bearer``; pages with the session. A session
    ends when it is older than the absolute limit, the user was disabled, or the password changed
    (the user's epoch moved on).
    """

    scopes = (ScopeType.HTTP,)
    should_bypass_for_scope = staticmethod(
        lambda scope: scope["path"].startswith(("/static/", "/healthz", "/readyz", "/metrics"))
    )

    def __init__(self, absolute_hours: int) -> None:
        self.absolute_seconds = absolute_hours * 3600

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope)
        scope["user"] = await self._actor(connection)
        await next_app(scope, receive, send)

    async def _actor(self, connection: ASGIConnection[Any, Any, Any, Any]) -> Actor | None:
        ip = client_ip(connection)
        if connection.url.path.startswith("/api/"):
            # Tokens on the API only (pages would skip the token's scopes), and never a browser's
            # session cookie on the API (it is CSRF-exempt).
            authorization = connection.headers.get("authorization", "")
            if authorization.lower().startswith("bearer "):
                return await services.actor_for_token(authorization[7:].strip(), ip=ip)
            return None
        session = connection.scope.get("session")
        if not isinstance(session, dict) or USER not in session:
            return None
        if time.time() - float(session.get(STARTED, 0)) > self.absolute_seconds:
            connection.clear_session()
            return None
        actor = await services.load_actor(
            int(session[USER]),
            session_epoch=int(session.get(EPOCH, -1)),
            membership_id=session.get(MEMBERSHIP),
            ip=ip,
            mfa_verified=bool(session.get(MFA)),
        )
        if actor is None:
            connection.clear_session()
        return actor


def start_session(request: Request[Any, Any, Any], user_id: int, epoch: int, *, mfa: bool) -> None:
    """A fresh session (new id) for a user who has just proved who they are."""
    request.set_session({USER: user_id, EPOCH: epoch, STARTED: time.time(), MFA: mfa, ROTATE: True})


def start_pending(request: Request[Any, Any, Any], user_id: int, epoch: int) -> None:
    """Password accepted; the second factor (or its enrolment) is still to come."""
    request.set_session({PENDING: {USER: user_id, EPOCH: epoch, "at": time.time()}, ROTATE: True})


def pending_user(request: Request[Any, Any, Any]) -> tuple[int, int] | None:
    pending = session_data(request).get(PENDING)
    if not pending or time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        return None
    return int(pending[USER]), int(pending[EPOCH])


def actor_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor | None:
    """The Actor of a request, or None when nobody is signed in."""
    user = connection.scope.get("user")
    return user if isinstance(user, Actor) else None


def require_actor(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    actor = actor_of(connection)
    if actor is None:
        raise NotAuthorizedException(_("Sign in to continue."))
    return actor


def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    """The ``actor`` of a handler (app-level dependency): who is signed in, or a 401."""
    return require_actor(request)


def provide_viewer(request: Request[Any, Any, Any]) -> Actor | None:
    """The ``viewer`` of a handler (app-level dependency): the actor, or None for pages that
    anyone may open."""
    return actor_of(request)


# --- guards (route level; services still authorise every object) ---------------------------

SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


def signed_in(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    actor = require_actor(connection)
    if connection.scope.get("method") not in SAFE_METHODS:
        decision = token_may_change(actor)
        if not decision:
            raise PermissionDeniedException(decision.reason)


def system_admin(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    if not require_actor(connection).is_admin:
        raise NotFoundException


def permitted(action: str) -> Any:
    """A guard letting through actors whose role the policy allows ``action`` (without an
    object: services still decide each object)."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
        decision = has_permission(require_actor(connection), action)
        if not decision:
            raise PermissionDeniedException(decision.reason)

    return guard


def has_role(*roles: Role) -> Any:
    """A guard letting through actors whose active role is one of ``roles``."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
        actor = require_actor(connection)
        if not (actor.has_role(*roles) or actor.is_admin):
            raise PermissionDeniedException(_("Your role cannot open this page."))

    return guard
