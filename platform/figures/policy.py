"""Who may see which figures (rules registered in accounts.policy's table).

The network's figures are the officers'; an organisation's own figures are its members' (and the
officers'); no one else sees per-organisation figures.
"""

from __future__ import annotations

from typing import Any

from accounts.domain import Actor, Role
from accounts.policy import ALLOW, Decision, deny, rule
from fristad.i18n import gettext as _

MEMBER_ROLES = frozenset({Role.CASEWORKER, Role.COORDINATOR, Role.ORG_ADMIN, Role.SHELTER_STAFF})


@rule("figures.network", scope="read")
def _network(actor: Actor, _obj: Any) -> Decision:
    if actor.is_admin or actor.role is Role.OFFICER:
        return ALLOW
    return deny(_("Only officers see the network's figures."))


@rule("figures.organisation", scope="read")
def _organisation(actor: Actor, _obj: Any) -> Decision:
    if actor.organisation_id is not None and actor.role in MEMBER_ROLES:
        return ALLOW
    return deny(_("Only members of an organisation see its figures."))
