"""Shelters' actions in the policy table (accounts.policy); reach is decided in services.

The object of the operator actions is the operator organisation's id: staff act only for their
own organisation's shelters.
"""

from __future__ import annotations

from typing import Any

from accounts.domain import Actor, Role
from accounts.policy import ALLOW, Decision, deny, rule
from fristad.i18n import gettext as _

BOARD_ROLES = (Role.CASEWORKER, Role.COORDINATOR, Role.OFFICER)
HOLDING_ROLES = (Role.CASEWORKER, Role.COORDINATOR)
# A shelter operator's people: services take their reach (and whom to notify) from this too.
OPERATOR_ROLES = (Role.SHELTER_STAFF, Role.ORG_ADMIN)


def _operates(actor: Actor, operator_id: int | None, *roles: Role) -> bool:
    return actor.organisation_id == operator_id and actor.has_role(*roles)


@rule("shelter.board", scope="read")
def _board(actor: Actor, _obj: Any) -> Decision:
    if actor.is_admin or actor.has_role(*BOARD_ROLES):
        return ALLOW
    return deny(_("The bed board is for caseworkers, coordinators and officers."))


@rule("shelter.operate")
def _operate(actor: Actor, _obj: Any) -> Decision:
    """The operator pages: staff and administrators of a shelter operator."""
    membership = actor.membership
    if membership and membership.is_shelter_operator and actor.has_role(*OPERATOR_ROLES):
        return ALLOW
    return deny(_("Only a shelter operator's staff keep its shelters."))


@rule("shelter.update", scope="write")
def _update(actor: Actor, operator_id: int | None) -> Decision:
    if _operates(actor, operator_id, *OPERATOR_ROLES):
        return ALLOW
    return deny(_("Only the shelter's own staff update its availability."))


@rule("shelter.manage", scope="admin")
def _manage(actor: Actor, operator_id: int | None) -> Decision:
    if actor.is_admin or _operates(actor, operator_id, Role.ORG_ADMIN):
        return ALLOW
    return deny(_("Only the operator's administrators change a shelter's settings."))


@rule("hold.create", scope="write")
def _hold(actor: Actor, _obj: Any) -> Decision:
    if actor.has_role(*HOLDING_ROLES):
        return ALLOW
    return deny(_("Only caseworkers and coordinators hold beds."))


@rule("hold.list", scope="read")
def _list_holds(actor: Actor, _obj: Any) -> Decision:
    """The holds of one's own organisation's cases: the holders'."""
    if actor.has_role(*HOLDING_ROLES):
        return ALLOW
    return deny(_("Only caseworkers and coordinators hold beds."))


@rule("hold.read", scope="read")
def _read_hold(actor: Actor, _obj: Any) -> Decision:
    """Holders and a shelter's people read holds; services decide which (their own)."""
    if actor.has_role(*HOLDING_ROLES, *OPERATOR_ROLES):
        return ALLOW
    return deny(_("Only caseworkers, coordinators and shelter staff see holds."))


@rule("hold.answer", scope="write")
def _answer(actor: Actor, operator_id: int | None) -> Decision:
    if _operates(actor, operator_id, *OPERATOR_ROLES):
        return ALLOW
    return deny(_("Only the shelter's staff answer a hold."))


@rule("hold.release", scope="write")
def _release(actor: Actor, organisation_id: int | None) -> Decision:
    if actor.organisation_id == organisation_id and actor.has_role(*HOLDING_ROLES):
        return ALLOW
    return deny(_("Only the caseworkers of the organisation that holds the bed release it."))


@rule("placement.discharge", scope="write")
def _discharge(actor: Actor, operator_id: int | None) -> Decision:
    if _operates(actor, operator_id, *OPERATOR_ROLES):
        return ALLOW
    return deny(_("Only the shelter's staff discharge a resident."))
