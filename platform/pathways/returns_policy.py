"""The return programme's actions in the policy table (accounts.policy); services decide reach:
the referring organisation its own cases, the authority its referrals, the partner the plans it
was brought into while the person's consent to share with IOM holds."""

from __future__ import annotations

from typing import Any

from accounts.domain import Actor, Role
from accounts.policy import ALLOW, Decision, deny, rule
from fristad.i18n import gettext as _

# Who refers a person to the return programme (for their own organisation's case).
REFERRING_ROLES = (Role.CASEWORKER, Role.COORDINATOR)
RETURN_ROLES = (*REFERRING_ROLES, Role.RETURN_OFFICER, Role.PARTNER_STAFF)


def is_return_officer(actor: Actor) -> bool:
    membership = actor.membership
    return bool(membership and membership.is_authority and actor.has_role(Role.RETURN_OFFICER))


def is_partner_staff(actor: Actor) -> bool:
    membership = actor.membership
    return bool(membership and membership.is_partner and actor.has_role(Role.PARTNER_STAFF))


@rule("return.refer", scope="write")
def _refer(actor: Actor, _obj: Any) -> Decision:
    if actor.has_role(*REFERRING_ROLES):
        return ALLOW
    return deny(_("Caseworkers and coordinators refer a person to the return programme."))


@rule("return.read", scope="read")
def _read(actor: Actor, _obj: Any) -> Decision:
    if actor.has_role(*REFERRING_ROLES) or is_return_officer(actor) or is_partner_staff(actor):
        return ALLOW
    return deny(_("Only those who work with the return programme see return plans."))


@rule("return.decide", scope="write")
def _decide(actor: Actor, _obj: Any) -> Decision:
    if is_return_officer(actor):
        return ALLOW
    return deny(_("Only the return programme's officers accept or decline a referral."))


@rule("return.task", scope="write")
def _task(actor: Actor, _obj: Any) -> Decision:
    if actor.has_role(*REFERRING_ROLES) or is_return_officer(actor) or is_partner_staff(actor):
        return ALLOW
    return deny(_("Only those who work with the return programme move its tasks."))


@rule("return.depart", scope="write")
def _depart(actor: Actor, _obj: Any) -> Decision:
    if is_return_officer(actor) or is_partner_staff(actor):
        return ALLOW
    return deny(_("The return officer or the partner records the departure."))


@rule("return.cost", scope="write")
def _cost(actor: Actor, _obj: Any) -> Decision:
    if actor.has_role(*REFERRING_ROLES):
        return ALLOW
    return deny(_("The referring organisation applies for the return's cost."))


@rule("return.statistics", scope="read")
def _statistics(actor: Actor, _obj: Any) -> Decision:
    if actor.is_admin or actor.has_role(Role.OFFICER) or is_return_officer(actor):
        return ALLOW
    return deny(_("Return statistics are for Länsstyrelsen's officers."))
