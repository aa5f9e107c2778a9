"""Decisions with four eyes, and the money they move: committing funds to a request and
releasing what it will not use.

Committing is one conditional UPDATE of the budget row (``allocated - committed >= amount``)
plus a ledger entry whose UNIQUE key names the decision, so concurrent approvals never
overspend and a repeated approval never commits twice. Mail is written to the job outbox in
the same transaction, so a committed decision always sends its mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from accounts.tables import Membership
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput, PermissionDenied
from fristad.i18n import gettext as _
from fristad.settings import get_settings
from grants import notify
from grants.domain import State, decision_outcome, needs_second_officer
from grants.services._common import (
    BudgetExhausted,
    budget_id_of,
    move,
    now,
    read_support_request,
    support_request_in_reach,
)
from grants.services.models import SupportRequestRecord
from grants.services.references import give_reference
from grants.tables import Budget, Decision, LedgerEntry, Programme, SupportRequest

# --- the money -----------------------------------------------------------------------------


async def commit_funds(
    support_request: SupportRequestRecord, decision_id: int, amount: int, actor: Actor
) -> None:
    """One conditional write: only when the category has ``amount`` left. The ledger entry's
    UNIQUE key (one commitment per decision) is the backstop against a repeat."""
    budget_id = await budget_id_of(support_request)
    committed = await Budget.raw(
        "UPDATE budget SET committed = committed + {} "
        "WHERE id = {} AND allocated - committed >= {} RETURNING id",
        amount,
        budget_id,
        amount,
    )
    if not committed:
        raise BudgetExhausted
    # FRISTAD_REPORT_DAYS: how long after its period a funded request must be reported on.
    due = support_request.period_end + timedelta(days=get_settings().report_days)
    await SupportRequest.update({SupportRequest.report_due_on: due}).where(
        SupportRequest.id == support_request.id
    )
    await LedgerEntry.insert(
        LedgerEntry(
            budget=budget_id,
            kind="commitment",
            amount=amount,
            key=f"commitment:{decision_id}",
            request=support_request.id,
            decision=decision_id,
            created_by=actor.user_id,
            created_at=now(),
        )
    )


async def release_funds(
    support_request: SupportRequestRecord, amount: int, why: str, actor: Actor | None
) -> None:
    """Give committed but unpaid money back to the category (withdrawal, under-spend)."""
    if amount <= 0:
        return
    budget_id = await budget_id_of(support_request)
    released = await Budget.raw(
        "UPDATE budget SET committed = committed - {} "
        "WHERE id = {} AND committed - {} >= paid RETURNING id",
        amount,
        budget_id,
        amount,
    )
    if not released:
        raise Conflict(_("The budget does not allow this release."))
    await LedgerEntry.insert(
        LedgerEntry(
            budget=budget_id,
            kind="release",
            amount=-amount,
            key=f"release:{support_request.id}:{why}",
            request=support_request.id,
            reason=why,
            created_by=actor.user_id if actor else None,
            created_at=now(),
        )
    )


# --- deciding ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionResult:
    decision_id: int
    state: State
    takes_effect: bool
    support_request: SupportRequestRecord


async def _may_decide(actor: Actor, support_request: SupportRequestRecord) -> None:
    """Officers decide, but not for an organisation they are a member of (as a person, in any
    role)."""
    conflict_of_interest = await Membership.exists().where(
        (Membership.user == actor.user_id)
        & (Membership.organisation == support_request.organisation_id)
        & (Membership.active == True)  # noqa: E712
    )
    require(actor, "support_request.decide", bool(conflict_of_interest))


async def decide(actor: Actor, support_request_id: int, amount: int, reason: str) -> DecisionResult:
    """Approve (amount = requested), approve partly (less) or reject (0), always with a reason.

    Above the programme's threshold an approval waits for a second officer and nothing touches
    the budget; otherwise the funds are committed in the same transaction, or the decision is
    refused with "budget exhausted" and nothing changes.
    """
    support_request = await support_request_in_reach(actor, support_request_id)
    await _may_decide(actor, support_request)
    errors: dict[str, str] = {}
    if amount < 0 or amount > support_request.total:
        errors["amount"] = _("The amount must be between 0 and the amount requested.")
    if not reason.strip():
        errors["reason"] = _("Every decision needs a reason.")
    if errors:
        raise InvalidInput(errors)
    outcome = decision_outcome(amount, support_request.total)
    programme = (
        await Programme.select(Programme.four_eyes_threshold)
        .where(Programme.id == support_request.programme_id)
        .first()
    )
    assert programme is not None
    four_eyes = outcome != State.REJECTED and needs_second_officer(
        amount, programme["four_eyes_threshold"]
    )
    async with write_transaction():
        support_request = await read_support_request(support_request_id)
        if support_request.state == State.AWAITING_CONFIRMATION:
            # The table lets "approve" leave this state, but only through confirm().
            raise Conflict(_("A decision is waiting for a second officer's confirmation."))
        decision = Decision(
            request=support_request_id,
            outcome=str(outcome),
            amount=amount,
            reason=reason.strip(),
            decided_by=actor.user_id,
            decided_at=now(),
            needs_confirmation=four_eyes,
            status="pending" if four_eyes else "effective",
        )
        if four_eyes:
            state = await move(actor, support_request, "propose")
            await decision.save()
        else:
            action = {
                State.APPROVED: "approve",
                State.PARTIALLY_APPROVED: "approve_partly",
                State.REJECTED: "reject",
            }[outcome]
            state = await move(
                actor,
                support_request,
                action,
                {SupportRequest.approved_amount: amount, SupportRequest.decided_at: now()},
            )
            await decision.save()
            if outcome != State.REJECTED:
                await commit_funds(support_request, int(decision.id), amount, actor)
            await give_reference(support_request.programme_id, int(decision.id))
        await audit.record(
            "support_request.decision_proposed" if four_eyes else "support_request.decided",
            actor=actor,
            object_type="support_request",
            object_id=support_request_id,
            reason=reason.strip(),
            detail={"decision": decision.id, "outcome": str(outcome), "amount": amount},
        )
        if four_eyes:
            await notify.awaiting_confirmation(support_request_id, actor.user_id)
        else:
            await notify.decided(support_request_id, int(decision.id))
    return DecisionResult(
        int(decision.id), state, not four_eyes, await read_support_request(support_request_id)
    )


async def _pending_decision(support_request_id: int) -> dict[str, Any]:
    pending = (
        await Decision.select()
        .where((Decision.request == support_request_id) & (Decision.status == "pending"))
        .order_by(Decision.id, ascending=False)
        .first()
    )
    if pending is None:
        raise Conflict(_("There is no decision waiting for confirmation."))
    return dict(pending)


async def confirm(actor: Actor, support_request_id: int) -> DecisionResult:
    """A second, different officer confirms a decision above the threshold; only now are the
    funds committed (or the confirmation refused with "budget exhausted")."""
    support_request = await support_request_in_reach(actor, support_request_id)
    await _may_decide(actor, support_request)
    async with write_transaction():
        support_request = await read_support_request(support_request_id)
        pending = await _pending_decision(support_request_id)
        if pending["decided_by"] == actor.user_id:
            raise PermissionDenied(
                _("A second officer must confirm: you cannot confirm your own decision.")
            )
        action = "approve" if pending["outcome"] == State.APPROVED else "approve_partly"
        state = await move(
            actor,
            support_request,
            action,
            {
                SupportRequest.approved_amount: pending["amount"],
                SupportRequest.decided_at: now(),
            },
        )
        confirmed = (
            await Decision.update(
                {
                    Decision.status: "effective",
                    Decision.confirmed_by: actor.user_id,
                    Decision.confirmed_at: now(),
                }
            )
            .where((Decision.id == pending["id"]) & (Decision.status == "pending"))
            .returning(Decision.id)
        )
        if not confirmed:
            raise Conflict(_("The request was changed in the meantime. Reload the page."))
        await commit_funds(support_request, pending["id"], pending["amount"], actor)
        await give_reference(support_request.programme_id, pending["id"])
        await audit.record(
            "support_request.decision_confirmed",
            actor=actor,
            object_type="support_request",
            object_id=support_request_id,
            detail={"decision": pending["id"], "amount": pending["amount"]},
        )
        await notify.decided(support_request_id, pending["id"])
    return DecisionResult(
        int(pending["id"]), state, True, await read_support_request(support_request_id)
    )


async def send_back(actor: Actor, support_request_id: int, reason: str) -> SupportRequestRecord:
    """The second officer does not confirm: the proposal lapses and the request is reviewed
    again."""
    support_request = await support_request_in_reach(actor, support_request_id)
    await _may_decide(actor, support_request)
    if not reason.strip():
        raise InvalidInput({"text": _("Give a reason.")})
    async with write_transaction():
        support_request = await read_support_request(support_request_id)
        pending = await _pending_decision(support_request_id)
        await move(actor, support_request, "send_back")
        await Decision.update({Decision.status: "returned"}).where(Decision.id == pending["id"])
        await audit.record(
            "support_request.decision_returned",
            actor=actor,
            object_type="support_request",
            object_id=support_request_id,
            reason=reason.strip(),
            detail={"decision": pending["id"]},
        )
    return await read_support_request(support_request_id)
