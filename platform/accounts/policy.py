"""The authorisation policy: ``has_permission(actor, action, obj) -> Decision``.

One table of rules, one per action, each a pure function of the actor and the object. Services ask
before they act; the same answer serves the HTML pages and the API. Apps above accounts add their
own actions with ``@rule("…")`` in their domain modules. Objects of another organisation are not
the policy's business: services look objects up within the actor's reach and answer NotFound, so
an id from elsewhere is a 404, never a 403 that confirms it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from accounts.domain import Actor, Role
from fristad.errors import PermissionDenied
from fristad.i18n import gettext as _


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)
Rule = Callable[[Actor, Any], Decision]
RULES: dict[str, Rule] = {}
# Which API-token scope an action needs; actions without one cannot be done with a token.
SCOPES: dict[str, str] = {}


def rule(action: str, *, scope: str | None = None) -> Callable[[Rule], Rule]:
    """Register the rule for ``action`` (and the token scope that allows it)."""

    def register(function: Rule) -> Rule:
        if action in RULES:
            raise ValueError(f"a rule for {action!r} exists already")
        RULES[action] = function
        if scope:
            SCOPES[action] = scope
        return function

    return register


def has_permission(actor: Actor, action: str, obj: Any = None) -> Decision:
    """May ``actor`` do ``action`` (to ``obj``)? The reason says why not, translated."""
    check = RULES.get(action)
    if check is None:
        return Decision(False, _("Unknown action."))
    if actor.scopes is not None:
        scope = SCOPES.get(action)
        if scope is None or scope not in actor.scopes:
            return Decision(False, _("The API token does not allow this."))
    return check(actor, obj)


# The token scopes that let a client change anything; every action that writes needs one.
CHANGING_SCOPES = frozenset({"write", "admin"})


def token_may_change(actor: Actor) -> Decision:
    """A read-only API token changes nothing, whatever the route: asked before the request's
    body is read, so such a token learns nothing from the validation of a change either."""
    if actor.scopes is not None and not CHANGING_SCOPES & set(actor.scopes):
        return Decision(False, _("The API token does not allow this."))
    return ALLOW


def require(actor: Actor, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless ``actor`` may do ``action``."""
    decision = has_permission(actor, action, obj)
    if not decision:
        raise PermissionDenied(decision.reason)


def deny(reason: str) -> Decision:
    return Decision(False, reason)


def may(request: Any, action: str) -> bool:
    """For templates: whether the request's actor may do ``action`` (e.g. show a link)."""
    actor = request.scope.get("user")
    return isinstance(actor, Actor) and bool(has_permission(actor, action))


def allows(action: str, obj: Callable[[Actor], Any] | None = None) -> Callable[[Actor], bool]:
    """Whether an actor may do ``action`` (to ``obj(actor)``): for menu items and page guards,
    so which roles see what is said once, in the rule."""

    def check(actor: Actor) -> bool:
        return bool(has_permission(actor, action, obj(actor) if obj else None))

    return check


def _is_org_admin_of(actor: Actor, organisation_id: int | None) -> bool:
    return actor.has_role(Role.ORG_ADMIN) and actor.organisation_id == organisation_id


@rule("organisation.create")
def _create_organisation(actor: Actor, _obj: Any) -> Decision:
    return ALLOW if actor.is_admin else deny(_("Only system administrators create organisations."))


@rule("organisation.read", scope="read")
def _read_organisation(actor: Actor, organisation_id: int | None) -> Decision:
    if actor.is_admin or actor.organisation_id == organisation_id:
        return ALLOW
    return deny(_("You are not a member of this organisation."))


@rule("members.manage", scope="admin")
def _manage_members(actor: Actor, organisation_id: int | None) -> Decision:
    if actor.is_admin or _is_org_admin_of(actor, organisation_id):
        return ALLOW
    return deny(_("Only the organisation's administrators manage its members."))


@rule("members.page")
def _members_page(actor: Actor, _obj: Any) -> Decision:
    if actor.has_role(Role.ORG_ADMIN):
        return ALLOW
    return deny(_("Only the organisation's administrators manage its members."))


@rule("members.read", scope="read")
def _read_members(actor: Actor, organisation_id: int | None) -> Decision:
    if actor.is_admin or actor.organisation_id == organisation_id:
        return ALLOW
    return deny(_("You are not a member of this organisation."))


@rule("audit.read")
def _read_audit(actor: Actor, _obj: Any) -> Decision:
    return ALLOW if actor.is_admin else deny(_("Only system administrators read the audit log."))


@rule("profile.manage")
def _manage_profile(actor: Actor, user_id: int | None) -> Decision:
    if actor.user_id == user_id:
        return ALLOW
    return deny(_("You can only change your own profile."))


@rule("token.admin_scope")
def _create_admin_token(actor: Actor, _obj: Any) -> Decision:
    if actor.has_role(Role.ORG_ADMIN):
        return ALLOW
    return deny(_("Only organisation administrators can create admin tokens."))


@rule("user.manage")
def _manage_users(actor: Actor, _obj: Any) -> Decision:
    return ALLOW if actor.is_admin else deny(_("Only system administrators manage accounts."))
