"""Matching's actions in the policy table (accounts.policy); reach is decided in services.

Help now is for those who act for the person: the caseworkers and coordinators who may hold a
bed for them. Officers decide money and shelter staff answer holds; neither searches for a person.
"""

from __future__ import annotations

from typing import Any

from accounts.domain import Actor, Role
from accounts.policy import ALLOW, Decision, deny, rule
from fristad.i18n import gettext as _

ACTING_ROLES = (Role.CASEWORKER, Role.COORDINATOR)


@rule("match.read", scope="read")
def _read(actor: Actor, _obj: Any) -> Decision:
    if actor.has_role(*ACTING_ROLES):
        return ALLOW
    return deny(_("Help now is for the caseworkers and coordinators who act for the person."))


@rule("match.act", scope="write")
def _act(actor: Actor, _obj: Any) -> Decision:
    if actor.has_role(*ACTING_ROLES):
        return ALLOW
    return deny(_("Only caseworkers and coordinators hold beds."))


@rule("funding.read", scope="read")
def _funding(actor: Actor, _obj: Any) -> Decision:
    """Who sees a funding link is decided by the object it hangs on (case, request, placement)."""
    return ALLOW
