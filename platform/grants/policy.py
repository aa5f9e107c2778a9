"""Who may do what with grants (rules registered in accounts.policy's table).

Reach (which requests an actor can see at all) is in services; these rules decide the action.
"""

from __future__ import annotations

from typing import Any

from accounts.domain import Actor
from accounts.policy import ALLOW, Decision, deny, rule
from fristad.i18n import gettext as _
from grants.domain import APPLICANT_ROLES, OFFICER_ROLES


def _officer(actor: Actor) -> bool:
    return actor.role in OFFICER_ROLES


@rule("programme.read", scope="read")
def _read_programme(actor: Actor, _obj: Any) -> Decision:
    if actor.is_admin or _officer(actor) or actor.role in APPLICANT_ROLES:
        return ALLOW
    return deny(_("Your role cannot see support programmes."))


@rule("programme.manage", scope="write")
def _manage_programme(actor: Actor, _obj: Any) -> Decision:
    if actor.is_admin or _officer(actor):
        return ALLOW
    return deny(_("Only officers manage programmes and budgets."))


@rule("budget.adjust", scope="write")
def _adjust_budget(actor: Actor, _obj: Any) -> Decision:
    """Changing an allocation, and confirming another officer's change (also by API token)."""
    if actor.is_admin or _officer(actor):
        return ALLOW
    return deny(_("Only officers change budgets."))


@rule("ledger.read", scope="read")
def _read_ledger(actor: Actor, _obj: Any) -> Decision:
    if actor.is_admin or _officer(actor):
        return ALLOW
    return deny(_("Only officers read the ledger."))


@rule("support_request.create", scope="write")
def _create_request(actor: Actor, _obj: Any) -> Decision:
    if actor.organisation_id is not None and actor.role in APPLICANT_ROLES:
        return ALLOW
    return deny(_("Only caseworkers of member organisations apply for support."))


@rule("support_request.read", scope="read")
def _read_request(actor: Actor, _obj: Any) -> Decision:
    if _officer(actor) or actor.role in APPLICANT_ROLES:
        return ALLOW
    return deny(_("Your role cannot see support requests."))


@rule("support_request.act", scope="write")
def _act_on_request(actor: Actor, _obj: Any) -> Decision:
    """Workflow steps; the transition table says which role may take which step."""
    if _officer(actor) or actor.role in APPLICANT_ROLES:
        return ALLOW
    return deny(_("Your role cannot change support requests."))


@rule("support_request.queue", scope="read")
def _queue(actor: Actor, _obj: Any) -> Decision:
    """What waits for officers (reports to review, their notices): a read of officers' work."""
    if _officer(actor):
        return ALLOW
    return deny(_("Only officers decide support requests."))


@rule("support_request.decide", scope="write")
def _decide(actor: Actor, conflict_of_interest: bool) -> Decision:
    if not _officer(actor):
        return deny(_("Only officers decide support requests."))
    if conflict_of_interest:
        return deny(
            _("You are a member of the applying organisation and cannot decide its requests.")
        )
    return ALLOW


@rule("payment.record", scope="write")
def _record_payment(actor: Actor, _obj: Any) -> Decision:
    return ALLOW if _officer(actor) else deny(_("Only officers record payments."))


@rule("payment.export", scope="read")
def _export_payments(actor: Actor, _obj: Any) -> Decision:
    return ALLOW if _officer(actor) else deny(_("Only officers export payments."))
