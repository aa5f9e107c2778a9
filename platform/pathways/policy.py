"""Who may do what with return plans and case plans (rules in accounts.policy's table)."""

from __future__ import annotations

# --- case plans and the region view (pathways.plans) ------------------------------------------
from typing import Any

from accounts.domain import Actor, Role
from accounts.policy import ALLOW, Decision, deny, rule
from beneficiaries.policy import holds_cases
from fristad.i18n import gettext as _

# The return programme's rules live in their own module; importing it adds them to the table.
from pathways import returns_policy  # noqa: F401

# Who works a case's plan: those who keep cases (which cases: the organisations on the case,
# decided in services). Overdue notices go to these roles of the owning organisation.
PLAN_ROLES = (Role.CASEWORKER, Role.COORDINATOR, Role.ORG_ADMIN)


@rule("case_plan.read", scope="read")
def _read_plan(actor: Actor, _obj: Any) -> Decision:
    if holds_cases(actor):
        return ALLOW
    return deny(_("Only those who keep the case see its plan."))


@rule("case_plan.write", scope="write")
def _write_plan(actor: Actor, _obj: Any) -> Decision:
    if holds_cases(actor):
        return ALLOW
    return deny(_("Only those who keep the case change its plan."))


@rule("case_plan.region", scope="read")
def _region(actor: Actor, _obj: Any) -> Decision:
    """The region view: the coordinator's start page (their region's shared cases)."""
    if actor.has_role(Role.COORDINATOR) and actor.region:
        return ALLOW
    return deny(_("The region view is for regional coordinators."))
