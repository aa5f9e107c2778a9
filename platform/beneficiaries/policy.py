"""Beneficiaries' actions in the policy table (accounts.policy), and the role facts services use
to decide reach (which records an actor can see at all; out of reach is a 404, decided there).

Every role list of beneficiaries lives here.
"""

from __future__ import annotations

from typing import Any

from accounts.domain import Actor, Role
from accounts.policy import ALLOW, Decision, deny, rule
from fristad.i18n import gettext as _

# Roles that keep cases: their organisation's own, and those shared with it.
CASE_HOLDING_ROLES = (Role.CASEWORKER, Role.COORDINATOR, Role.ORG_ADMIN)
# Roles that read cases: the holders, and officers (cases whose person consented to the funder).
CASE_READING_ROLES = (*CASE_HOLDING_ROLES, Role.OFFICER)
# Roles that may see the identity of a case they do not own, when they say why.
BREAK_GLASS_ROLES = (Role.COORDINATOR, Role.OFFICER)


# --- role facts for reach (not actions: an API token's scope does not enter into them) --------


def holds_cases(actor: Actor) -> bool:
    """Works with the own organisation's cases and with those shared with it."""
    return actor.has_role(*CASE_HOLDING_ROLES)


def reads_as_funder(actor: Actor) -> bool:
    """An authority's officer: sees the cases whose person consented to share with the funder."""
    membership = actor.membership
    return actor.has_role(Role.OFFICER) and bool(membership and membership.is_authority)


def bound_to_region(actor: Actor) -> bool:
    """A coordinator supports the shared cases of their own region only."""
    return actor.has_role(Role.COORDINATOR)


# --- actions ---------------------------------------------------------------------------------


@rule("beneficiary.read", scope="read")
def _read(actor: Actor, _obj: Any) -> Decision:
    if actor.has_role(*CASE_READING_ROLES):
        return ALLOW
    return deny(_("Your role has no access to cases."))


@rule("beneficiary.write", scope="write")
def _write(actor: Actor, _obj: Any) -> Decision:
    return ALLOW if holds_cases(actor) else deny(_("Your role cannot change cases."))


@rule("beneficiary.create", scope="write")
def _create(actor: Actor, obj: Any) -> Decision:
    """Registering a person: a case holder of a member organisation."""
    decision = _write(actor, obj)
    if decision and not (actor.membership and actor.membership.is_member_ngo):
        return deny(_("Only caseworkers of member organisations register people."))
    return decision


@rule("beneficiary.identity")
def _identity(actor: Actor, _obj: Any) -> Decision:
    """Identity, notes and the full export: never with an API token (no scope grants them)."""
    if actor.has_role(*CASE_READING_ROLES):
        return ALLOW
    return deny(_("Your role has no access to cases."))


@rule("beneficiary.break_glass")
def _break_glass(actor: Actor, _obj: Any) -> Decision:
    """The identity of a case another organisation owns, with a stated reason (audited)."""
    if actor.has_role(*BREAK_GLASS_ROLES):
        return ALLOW
    return deny(_("Your role cannot see the identity of this person."))


@rule("beneficiary.erase")
def _erase(actor: Actor, _obj: Any) -> Decision:
    return ALLOW if holds_cases(actor) else deny(_("Your role cannot erase cases."))
