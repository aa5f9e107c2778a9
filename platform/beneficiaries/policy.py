"""Beneficiaries' actions in the policy table (accounts.policy); reach is decided in services."""

from __future__ import annotations

from typing import Any

from accounts.domain import Actor, Role
from accounts.policy import ALLOW, Decision, deny, rule
from fristad.i18n import gettext as _

_CASE_ROLES = (Role.CASEWORKER, Role.COORDINATOR, Role.ORG_ADMIN, Role.OFFICER)


@rule("beneficiary.read", scope="read")
def _read(actor: Actor, _obj: Any) -> Decision:
    return ALLOW if actor.has_role(*_CASE_ROLES) else deny(_("Your role has no access to cases."))


@rule("beneficiary.write", scope="write")
def _write(actor: Actor, _obj: Any) -> Decision:
    if actor.has_role(Role.CASEWORKER, Role.COORDINATOR, Role.ORG_ADMIN):
        return ALLOW
    return deny(_("Your role cannot change cases."))


@rule("beneficiary.identity")
def _identity(actor: Actor, _obj: Any) -> Decision:
    """Identity, notes and the full export: never with an API token (no scope grants them)."""
    return ALLOW if actor.has_role(*_CASE_ROLES) else deny(_("Your role has no access to cases."))


@rule("beneficiary.erase")
def _erase(actor: Actor, _obj: Any) -> Decision:
    if actor.has_role(Role.CASEWORKER, Role.COORDINATOR, Role.ORG_ADMIN):
        return ALLOW
    return deny(_("Your role cannot erase cases."))
