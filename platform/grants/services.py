"""Grants use cases: programmes and budgets, support requests and their workflow, decisions with
four eyes, the ledger, payments, attachments, follow-up.

Each write runs in ``write_transaction()`` with its audit event. Committing money is one
conditional UPDATE of the budget row (``allocated - committed >= amount``) plus a ledger entry
whose UNIQUE key names the decision, so concurrent approvals never overspend and a repeated
approval never commits twice. Mail is enqueued after the transaction has committed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from accounts.tables import Membership, Organisation, User
from beneficiaries import services as beneficiaries
from beneficiaries.domain import MinimalProfile, normalise_code
from beneficiaries.tables import Beneficiary
from fristad import crypto, i18n
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from fristad.i18n import gettext as _
from fristad.mail import Mail
from fristad.queue import send_mail_later
from fristad.settings import Settings, get_settings
from grants import policy as _policy  # noqa: F401 - registers the grants rules
from grants.domain import (
    ACUTE_DECISION_HOURS,
    APPLICANT_ROLES,
    CATEGORIES,
    FUNDED,
    MAX_ATTACHMENT_BYTES,
    MAX_COST_LINES,
    NORMAL_DECISION_DAYS,
    OFFICER_ROLES,
    QUEUE,
    URGENCIES,
    State,
    TransitionRefused,
    decision_outcome,
    line_total,
    needs_second_officer,
    safe_filename,
    sniff_content_type,
    transition,
)
from grants.schemas import CostLineIn, RequestIn
from grants.tables import (
    Attachment,
    Budget,
    CostLine,
    Decision,
    LedgerEntry,
    Payment,
    Programme,
    SupportRequest,
)

ATTACHMENT_DIR = "attachments"


def now() -> datetime:
    return datetime.now(UTC)


class BudgetExhausted(Conflict):
    """The category has less left than the amount to commit."""

    def __init__(self) -> None:
        super().__init__(_("Budget exhausted: the category has not enough money left."))


def _report_days(settings: Settings) -> int:
    """FRISTAD_REPORT_DAYS: how long after its period a funded request must be reported on."""
    return settings.report_days


# --- programmes and budgets ----------------------------------------------------------------


@dataclass(frozen=True)
class BudgetLine:
    id: int
    category: str
    allocated: int
    committed: int
    paid: int

    @property
    def remaining(self) -> int:
        return self.allocated - self.committed


async def create_programme(
    actor: Actor,
    name: str,
    starts_on: date,
    ends_on: date,
    four_eyes_threshold: int,
    budgets: dict[str, int],
) -> int:
    """A programme with a budget per category; each allocation is a ledger entry."""
    require(actor, "programme.manage")
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Enter a name.")
    if starts_on > ends_on:
        errors["ends_on"] = _("The end must not be before the start.")
    if four_eyes_threshold < 0:
        errors["four_eyes_threshold"] = _("Enter an amount of zero or more.")
    for category, amount in budgets.items():
        if category not in CATEGORIES:
            errors[category] = _("Unknown category.")
        elif amount < 0:
            errors[category] = _("Enter an amount of zero or more.")
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        programme = Programme(
            name=name.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            four_eyes_threshold=four_eyes_threshold,
            created_at=now(),
        )
        await programme.save()
        for category in CATEGORIES:
            amount = budgets.get(category, 0)
            budget = Budget(programme=programme.id, category=category, allocated=amount)
            await budget.save()
            await LedgerEntry.insert(
                LedgerEntry(
                    budget=budget.id,
                    kind="allocation",
                    amount=amount,
                    key=f"allocation:{budget.id}",
                    reason="",
                    created_by=actor.user_id,
                    created_at=now(),
                )
            )
        await audit.record(
            "programme.created",
            actor=actor,
            object_type="programme",
            object_id=programme.id,
            detail={"budgets": budgets, "threshold": four_eyes_threshold},
        )
    return int(programme.id)


async def adjust_budget(actor: Actor, budget_id: int, delta: int, reason: str) -> BudgetLine:
    """Raise or lower a category's allocation: a ledger entry with a reason, never an edit.
    Lowering stops at what is committed already."""
    require(actor, "programme.manage")
    errors = {}
    if delta == 0:
        errors["amount"] = _("Enter an amount other than zero.")
    if not reason.strip():
        errors["reason"] = _("Give a reason.")
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        rows = await Budget.raw(
            "UPDATE budget SET allocated = allocated + {} "
            "WHERE id = {} AND allocated + {} >= committed RETURNING id",
            delta,
            budget_id,
            delta,
        )
        if not rows:
            if not await Budget.exists().where(Budget.id == budget_id):
                raise NotFound
            raise BudgetExhausted
        await LedgerEntry.insert(
            LedgerEntry(
                budget=budget_id,
                kind="adjustment",
                amount=delta,
                key=f"adjustment:{budget_id}:{secrets.token_hex(8)}",
                reason=reason.strip(),
                created_by=actor.user_id,
                created_at=now(),
            )
        )
        await audit.record(
            "budget.adjusted",
            actor=actor,
            object_type="budget",
            object_id=budget_id,
            reason=reason.strip(),
            detail={"amount": delta},
        )
    return await _budget_line(budget_id)


async def _budget_line(budget_id: int) -> BudgetLine:
    row = await Budget.select().where(Budget.id == budget_id).first()
    if row is None:
        raise NotFound
    return BudgetLine(row["id"], row["category"], row["allocated"], row["committed"], row["paid"])


async def list_programmes(actor: Actor) -> list[dict[str, Any]]:
    require(actor, "programme.read")
    rows: list[dict[str, Any]] = await Programme.select().order_by(
        Programme.starts_on, ascending=False
    )
    return rows


async def open_programmes() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await Programme.select(Programme.id, Programme.name).where(
        Programme.status == "open"
    )
    return rows


async def get_programme(actor: Actor, programme_id: int) -> dict[str, Any]:
    require(actor, "programme.read")
    row = await Programme.select().where(Programme.id == programme_id).first()
    if row is None:
        raise NotFound
    return dict(row)


async def budgets_of(programme_id: int) -> list[BudgetLine]:
    rows = await Budget.select().where(Budget.programme == programme_id).order_by(Budget.id)
    return [
        BudgetLine(row["id"], row["category"], row["allocated"], row["committed"], row["paid"])
        for row in rows
    ]


async def budget_overview(actor: Actor, programme_id: int) -> list[BudgetLine]:
    """Allocated, committed, paid and remaining per category."""
    await get_programme(actor, programme_id)
    return await budgets_of(programme_id)


# --- support requests: reach ---------------------------------------------------------------


def _is_officer(actor: Actor) -> bool:
    return actor.role in OFFICER_ROLES


async def _request_in_reach(actor: Actor, request_id: int) -> dict[str, Any]:
    """The request when the actor may see it: its organisation's caseworkers, or an officer
    (not drafts). Anything else is NotFound, as if it did not exist."""
    require(actor, "support_request.read")
    row = await SupportRequest.select().where(SupportRequest.id == request_id).first()
    if row is None:
        raise NotFound
    if _is_officer(actor):
        if row["state"] == State.DRAFT:
            raise NotFound
        return dict(row)
    if actor.role in APPLICANT_ROLES and row["organisation"] == actor.organisation_id:
        return dict(row)
    raise NotFound


async def _conflict_of_interest(actor: Actor, organisation_id: int) -> bool:
    """Is the officer (as a person, in any role) a member of the applying organisation?"""
    return bool(
        await Membership.exists().where(
            (Membership.user == actor.user_id)
            & (Membership.organisation == organisation_id)
            & (Membership.active == True)  # noqa: E712
        )
    )


async def _move(
    actor: Actor, row: dict[str, Any], action: str, values: dict[Any, Any] | None = None
) -> State:
    """Take the workflow step ``action`` as one conditional write: the state must still be the
    one read, so a double-submitted form or a race changes nothing the second time."""
    try:
        step = transition(row["state"], action, actor.role)
    except TransitionRefused as refused:
        raise Conflict(refused.message) from None
    changed = (
        await SupportRequest.update(
            {SupportRequest.state: step.target, SupportRequest.updated_at: now(), **(values or {})}
        )
        .where((SupportRequest.id == row["id"]) & (SupportRequest.state == row["state"]))
        .returning(SupportRequest.id)
    )
    if not changed:
        raise Conflict(_("The request was changed in the meantime. Reload the page."))
    return step.target


async def _fresh(request_id: int) -> dict[str, Any]:
    row = await SupportRequest.select().where(SupportRequest.id == request_id).first()
    if row is None:
        raise NotFound
    return dict(row)


# --- support requests: creating and submitting ---------------------------------------------


def _validated_lines(lines: list[CostLineIn]) -> tuple[list[CostLineIn], dict[str, str]]:
    errors: dict[str, str] = {}
    kept = [line for line in lines if line.description.strip() or line.unit_price]
    if not kept:
        errors["lines"] = _("Add at least one cost line.")
    if len(kept) > MAX_COST_LINES:
        errors["lines"] = _("At most 20 cost lines.")
    for index, line in enumerate(kept):
        if not line.description.strip():
            errors[f"line_{index}"] = _("Describe each cost.")
        elif line.quantity <= 0 or line.quantity > 100_000:
            errors[f"line_{index}"] = _("The quantity must be a whole number above zero.")
        elif line.unit_price < 0 or line.unit_price > 100_000_000_00:
            errors[f"line_{index}"] = _("Enter a price of zero or more.")
    return kept, errors


async def beneficiary_by_code(actor: Actor, code: str) -> int:
    """The id of the person with this pseudonymous code, when the actor's organisation owns the
    case (otherwise NotFound, as for any record out of reach)."""
    row = (
        await Beneficiary.select(Beneficiary.id)
        .where(Beneficiary.code == normalise_code(code))
        .first()
    )
    if row is None:
        raise NotFound
    await beneficiaries.case_for(actor, row["id"])
    return int(row["id"])


async def _validated_request(actor: Actor, data: RequestIn) -> tuple[list[CostLineIn], str]:
    """Check a request as entered; returns its cost lines and the gap explanation to keep."""
    require(actor, "support_request.create")
    await beneficiaries.case_for(actor, data.beneficiary_id)
    programme = await Programme.select().where(Programme.id == data.programme_id).first()
    errors: dict[str, str] = {}
    if programme is None or programme["status"] != "open":
        errors["programme_id"] = _("Choose an open programme.")
    if data.category not in CATEGORIES:
        errors["category"] = _("Choose a category.")
    if data.urgency not in URGENCIES:
        errors["urgency"] = _("Choose the urgency.")
    if data.period_start > data.period_end:
        errors["period_end"] = _("The end must not be before the start.")
    if not data.justification.strip():
        errors["justification"] = _("Explain why the support is needed.")
    lines, line_errors = _validated_lines(data.lines)
    errors |= line_errors
    if errors:
        raise InvalidInput(errors)
    return lines, data.gap.strip() or await beneficiaries.gap_of(data.beneficiary_id)


async def _store_lines(request_id: int, lines: list[CostLineIn]) -> int:
    """Replace the request's cost lines; returns their total, computed here."""
    await CostLine.delete().where(CostLine.request == request_id)
    await CostLine.insert(
        *(
            CostLine(
                request=request_id,
                position=index,
                description=line.description.strip()[:200],
                quantity=line.quantity,
                unit=line.unit.strip()[:30],
                unit_price=line.unit_price,
                total=line_total(line.quantity, line.unit_price),
            )
            for index, line in enumerate(lines)
        )
    )
    return sum(line_total(line.quantity, line.unit_price) for line in lines)


async def create_request(actor: Actor, data: RequestIn) -> int:
    """A draft request for a beneficiary of the actor's organisation; totals are computed."""
    lines, gap = await _validated_request(actor, data)
    async with write_transaction():
        request = SupportRequest(
            programme=data.programme_id,
            organisation=actor.organisation_id,
            beneficiary=data.beneficiary_id,
            created_by=actor.user_id,
            category=data.category,
            period_start=data.period_start,
            period_end=data.period_end,
            justification_encrypted=crypto.encrypt(data.justification.strip()),
            gap_encrypted=crypto.encrypt(gap),
            urgency=data.urgency,
            created_at=now(),
            updated_at=now(),
        )
        await request.save()
        total = await _store_lines(int(request.id), lines)
        await SupportRequest.update({SupportRequest.total: total}).where(
            SupportRequest.id == request.id
        )
        await audit.record(
            "support_request.created",
            actor=actor,
            object_type="support_request",
            object_id=request.id,
            detail={"beneficiary": data.beneficiary_id, "total": total},
        )
    return int(request.id)


async def update_draft(actor: Actor, request_id: int, data: RequestIn) -> None:
    """Change a draft (its lines are replaced and the total computed again); once submitted a
    request is not edited any more."""
    row = await _request_in_reach(actor, request_id)
    lines, gap = await _validated_request(actor, data)
    async with write_transaction():
        changed = (
            await SupportRequest.update(
                {
                    SupportRequest.programme: data.programme_id,
                    SupportRequest.beneficiary: data.beneficiary_id,
                    SupportRequest.category: data.category,
                    SupportRequest.period_start: data.period_start,
                    SupportRequest.period_end: data.period_end,
                    SupportRequest.justification_encrypted: crypto.encrypt(
                        data.justification.strip()
                    ),
                    SupportRequest.gap_encrypted: crypto.encrypt(gap),
                    SupportRequest.urgency: data.urgency,
                    SupportRequest.updated_at: now(),
                }
            )
            .where((SupportRequest.id == row["id"]) & (SupportRequest.state == State.DRAFT))
            .returning(SupportRequest.id)
        )
        if not changed:
            raise Conflict(_("Only drafts can be changed."))
        total = await _store_lines(request_id, lines)
        await SupportRequest.update({SupportRequest.total: total}).where(
            SupportRequest.id == request_id
        )
        await audit.record(
            "support_request.updated",
            actor=actor,
            object_type="support_request",
            object_id=request_id,
            detail={"beneficiary": data.beneficiary_id, "total": total},
        )


async def submit(actor: Actor, request_id: int) -> None:
    """Send a draft to the funder; needs the person's consent to share with the funder."""
    require(actor, "support_request.act")
    row = await _request_in_reach(actor, request_id)
    if not await beneficiaries.has_valid_consent(row["beneficiary"], "share_funder"):
        raise Conflict(
            _("The person has not consented to sharing with the funder. Record the consent first.")
        )
    submitted = now()
    if row["urgency"] == "acute":
        decide_by = submitted + timedelta(hours=ACUTE_DECISION_HOURS)
    else:
        decide_by = submitted + timedelta(days=NORMAL_DECISION_DAYS)
    async with write_transaction():
        await _move(
            actor,
            row,
            "submit",
            {SupportRequest.submitted_at: submitted, SupportRequest.decide_by: decide_by},
        )
        await audit.record(
            "support_request.submitted",
            actor=actor,
            object_type="support_request",
            object_id=request_id,
        )


async def start_review(actor: Actor, request_id: int) -> None:
    require(actor, "support_request.act")
    row = await _request_in_reach(actor, request_id)
    async with write_transaction():
        await _move(actor, row, "start_review")
        await audit.record(
            "support_request.review_started",
            actor=actor,
            object_type="support_request",
            object_id=request_id,
        )


async def request_info(actor: Actor, request_id: int, question: str) -> None:
    """The officer asks the organisation for more information."""
    require(actor, "support_request.act")
    if not question.strip():
        raise InvalidInput({"text": _("Write what you need to know.")})
    row = await _request_in_reach(actor, request_id)
    async with write_transaction():
        await _move(
            actor,
            row,
            "request_info",
            {
                SupportRequest.question_encrypted: crypto.encrypt(question.strip()),
                SupportRequest.answer_encrypted: None,
            },
        )
        await audit.record(
            "support_request.info_requested",
            actor=actor,
            object_type="support_request",
            object_id=request_id,
        )
    await _notify_applicant(request_id, "info")


async def answer_info(actor: Actor, request_id: int, answer: str) -> None:
    """The caseworker answers; the request goes back to the officers' queue."""
    require(actor, "support_request.act")
    if not answer.strip():
        raise InvalidInput({"text": _("Write your answer.")})
    row = await _request_in_reach(actor, request_id)
    async with write_transaction():
        await _move(
            actor,
            row,
            "answer_info",
            {SupportRequest.answer_encrypted: crypto.encrypt(answer.strip())},
        )
        await audit.record(
            "support_request.info_answered",
            actor=actor,
            object_type="support_request",
            object_id=request_id,
        )


async def withdraw(actor: Actor, request_id: int) -> None:
    """The organisation withdraws its request; money committed to it goes back to the budget."""
    require(actor, "support_request.act")
    row = await _request_in_reach(actor, request_id)
    async with write_transaction():
        row = await _fresh(request_id)
        await _move(actor, row, "withdraw")
        if row["state"] in FUNDED:
            await _release(row, row["approved_amount"] - row["paid_amount"], "withdrawal", actor)
        await audit.record(
            "support_request.withdrawn",
            actor=actor,
            object_type="support_request",
            object_id=request_id,
        )


# --- decisions -----------------------------------------------------------------------------


async def _budget_id(row: dict[str, Any]) -> int:
    budget = (
        await Budget.select(Budget.id)
        .where((Budget.programme == row["programme"]) & (Budget.category == row["category"]))
        .first()
    )
    if budget is None:
        raise BudgetExhausted
    return int(budget["id"])


async def _commit_funds(row: dict[str, Any], decision_id: int, amount: int, actor: Actor) -> None:
    """One conditional write: only when the category has ``amount`` left. The ledger entry's
    UNIQUE key (one commitment per decision) is the backstop against a repeat."""
    budget_id = await _budget_id(row)
    committed = await Budget.raw(
        "UPDATE budget SET committed = committed + {} "
        "WHERE id = {} AND allocated - committed >= {} RETURNING id",
        amount,
        budget_id,
        amount,
    )
    if not committed:
        raise BudgetExhausted
    due = row["period_end"] + timedelta(days=_report_days(get_settings()))
    await SupportRequest.update({SupportRequest.report_due_on: due}).where(
        SupportRequest.id == row["id"]
    )
    await LedgerEntry.insert(
        LedgerEntry(
            budget=budget_id,
            kind="commitment",
            amount=amount,
            key=f"commitment:{decision_id}",
            request=row["id"],
            decision=decision_id,
            created_by=actor.user_id,
            created_at=now(),
        )
    )


async def _release(row: dict[str, Any], amount: int, why: str, actor: Actor | None) -> None:
    """Give committed but unpaid money back to the category (withdrawal, under-spend)."""
    if amount <= 0:
        return
    budget_id = await _budget_id(row)
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
            key=f"release:{row['id']}:{why}",
            request=row["id"],
            reason=why,
            created_by=actor.user_id if actor else None,
            created_at=now(),
        )
    )


async def _may_decide(actor: Actor, row: dict[str, Any]) -> None:
    require(
        actor, "support_request.decide", await _conflict_of_interest(actor, row["organisation"])
    )


@dataclass(frozen=True)
class DecisionResult:
    decision_id: int
    state: State
    takes_effect: bool


async def decide(actor: Actor, request_id: int, amount: int, reason: str) -> DecisionResult:
    """Approve (amount = requested), approve partly (less) or reject (0), always with a reason.

    Above the programme's threshold an approval waits for a second officer and nothing touches
    the budget; otherwise the funds are committed in the same transaction, or the decision is
    refused with "budget exhausted" and nothing changes.
    """
    row = await _request_in_reach(actor, request_id)
    await _may_decide(actor, row)
    errors: dict[str, str] = {}
    if amount < 0 or amount > row["total"]:
        errors["amount"] = _("The amount must be between 0 and the amount requested.")
    if not reason.strip():
        errors["reason"] = _("Every decision needs a reason.")
    if errors:
        raise InvalidInput(errors)
    outcome = decision_outcome(amount, row["total"])
    programme = await Programme.select().where(Programme.id == row["programme"]).first()
    assert programme is not None
    four_eyes = outcome != State.REJECTED and needs_second_officer(
        amount, programme["four_eyes_threshold"]
    )
    async with write_transaction():
        row = await _fresh(request_id)
        if row["state"] == State.AWAITING_CONFIRMATION:
            # The table lets "approve" leave this state, but only through confirm().
            raise Conflict(_("A decision is waiting for a second officer's confirmation."))
        decision = Decision(
            request=request_id,
            outcome=str(outcome),
            amount=amount,
            reason=reason.strip(),
            decided_by=actor.user_id,
            decided_at=now(),
            needs_confirmation=four_eyes,
            status="pending" if four_eyes else "effective",
        )
        if four_eyes:
            state = await _move(actor, row, "propose")
            await decision.save()
        else:
            action = {
                State.APPROVED: "approve",
                State.PARTIALLY_APPROVED: "approve_partly",
                State.REJECTED: "reject",
            }[outcome]
            state = await _move(
                actor,
                row,
                action,
                {SupportRequest.approved_amount: amount, SupportRequest.decided_at: now()},
            )
            await decision.save()
            if outcome != State.REJECTED:
                await _commit_funds(row, int(decision.id), amount, actor)
        await audit.record(
            "support_request.decision_proposed" if four_eyes else "support_request.decided",
            actor=actor,
            object_type="support_request",
            object_id=request_id,
            reason=reason.strip(),
            detail={"decision": decision.id, "outcome": str(outcome), "amount": amount},
        )
    if not four_eyes:
        await _notify_applicant(request_id, f"decision:{decision.id}")
    return DecisionResult(int(decision.id), state, not four_eyes)


async def _pending_decision(request_id: int) -> dict[str, Any]:
    pending = (
        await Decision.select()
        .where((Decision.request == request_id) & (Decision.status == "pending"))
        .order_by(Decision.id, ascending=False)
        .first()
    )
    if pending is None:
        raise Conflict(_("There is no decision waiting for confirmation."))
    return dict(pending)


async def confirm(actor: Actor, request_id: int) -> DecisionResult:
    """A second, different officer confirms a decision above the threshold; only now are the
    funds committed (or the confirmation refused with "budget exhausted")."""
    row = await _request_in_reach(actor, request_id)
    await _may_decide(actor, row)
    async with write_transaction():
        row = await _fresh(request_id)
        pending = await _pending_decision(request_id)
        if pending["decided_by"] == actor.user_id:
            raise PermissionDenied(
                _("A second officer must confirm: you cannot confirm your own decision.")
            )
        action = "approve" if pending["outcome"] == State.APPROVED else "approve_partly"
        state = await _move(
            actor,
            row,
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
        await _commit_funds(row, pending["id"], pending["amount"], actor)
        await audit.record(
            "support_request.decision_confirmed",
            actor=actor,
            object_type="support_request",
            object_id=request_id,
            detail={"decision": pending["id"], "amount": pending["amount"]},
        )
    await _notify_applicant(request_id, f"decision:{pending['id']}")
    return DecisionResult(int(pending["id"]), state, True)


async def send_back(actor: Actor, request_id: int, reason: str) -> None:
    """The second officer does not confirm: the proposal lapses and the request is reviewed
    again."""
    row = await _request_in_reach(actor, request_id)
    await _may_decide(actor, row)
    if not reason.strip():
        raise InvalidInput({"text": _("Give a reason.")})
    async with write_transaction():
        row = await _fresh(request_id)
        pending = await _pending_decision(request_id)
        await _move(actor, row, "send_back")
        await Decision.update({Decision.status: "returned"}).where(Decision.id == pending["id"])
        await audit.record(
            "support_request.decision_returned",
            actor=actor,
            object_type="support_request",
            object_id=request_id,
            reason=reason.strip(),
            detail={"decision": pending["id"]},
        )


# --- payments and follow-up ----------------------------------------------------------------


async def record_payment(
    actor: Actor, request_id: int, paid_on: date, amount: int, reference: str
) -> int:
    """A (partial) payment; the total paid never exceeds the approved amount."""
    require(actor, "payment.record")
    row = await _request_in_reach(actor, request_id)
    errors = {}
    if amount <= 0:
        errors["amount"] = _("Enter an amount above zero.")
    if not reference.strip():
        errors["reference"] = _("Enter the payment reference.")
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        row = await _fresh(request_id)
        if row["state"] not in (State.APPROVED, State.PARTIALLY_APPROVED, State.REPORTED):
            raise Conflict(_("Payments are recorded against approved requests only."))
        paid = await SupportRequest.raw(
            "UPDATE support_request SET paid_amount = paid_amount + {} "
            "WHERE id = {} AND paid_amount + {} <= approved_amount "
            "RETURNING paid_amount, approved_amount",
            amount,
            request_id,
            amount,
        )
        if not paid:
            raise Conflict(_("The payments would exceed the approved amount."))
        budget_id = await _budget_id(row)
        await Budget.raw("UPDATE budget SET paid = paid + {} WHERE id = {}", amount, budget_id)
        payment = Payment(
            request=request_id,
            paid_on=paid_on,
            amount=amount,
            reference=reference.strip()[:100],
            recorded_by=actor.user_id,
            recorded_at=now(),
        )
        await payment.save()
        await LedgerEntry.insert(
            LedgerEntry(
                budget=budget_id,
                kind="payment",
                amount=amount,
                key=f"payment:{payment.id}",
                request=request_id,
                created_by=actor.user_id,
                created_at=now(),
            )
        )
        fully_paid = paid[0]["paid_amount"] == paid[0]["approved_amount"]
        if fully_paid and row["state"] != State.REPORTED:
            await _move(actor, row, "pay_in_full")
        await audit.record(
            "payment.recorded",
            actor=actor,
            object_type="support_request",
            object_id=request_id,
            detail={"payment": payment.id, "amount": amount},
        )
    return int(payment.id)


async def report(actor: Actor, request_id: int, actual_costs: int, outcome: str) -> None:
    """The organisation reports actual costs and the outcome after the period."""
    require(actor, "support_request.act")
    errors = {}
    if actual_costs < 0:
        errors["actual_costs"] = _("Enter an amount of zero or more.")
    if not outcome.strip():
        errors["outcome"] = _("Describe the outcome.")
    if errors:
        raise InvalidInput(errors)
    row = await _request_in_reach(actor, request_id)
    async with write_transaction():
        row = await _fresh(request_id)
        # What the reported costs leave unused (and was not paid already) goes back now.
        needed = min(row["approved_amount"], max(actual_costs, row["paid_amount"]))
        await _move(
            actor,
            row,
            "report",
            {
                SupportRequest.actual_costs: actual_costs,
                SupportRequest.outcome_encrypted: crypto.encrypt(outcome.strip()),
                SupportRequest.reported_at: now(),
                SupportRequest.approved_amount: needed,
            },
        )
        await _release(row, row["approved_amount"] - needed, "report", actor)
        await audit.record(
            "support_request.reported",
            actor=actor,
            object_type="support_request",
            object_id=request_id,
            detail={"actual_costs": actual_costs, "released": row["approved_amount"] - needed},
        )


async def close(actor: Actor, request_id: int) -> None:
    require(actor, "support_request.act")
    row = await _request_in_reach(actor, request_id)
    async with write_transaction():
        await _move(actor, row, "close")
        await audit.record(
            "support_request.closed",
            actor=actor,
            object_type="support_request",
            object_id=request_id,
        )


async def release_unspent(today: date | None = None) -> int:
    """Money approved but not paid once the period and the report time are over goes back to
    the budget (cron; each release happens once: its ledger key names the request)."""
    today = today or now().date()
    cutoff = today - timedelta(days=_report_days(get_settings()))
    rows = await SupportRequest.select().where(
        SupportRequest.state.is_in(
            [State.APPROVED, State.PARTIALLY_APPROVED, State.PAID, State.REPORTED]
        )
        & (SupportRequest.period_end < cutoff)
        & (SupportRequest.paid_amount < SupportRequest.approved_amount)
    )
    released = 0
    for row in rows:
        async with write_transaction():
            fresh = await _fresh(row["id"])
            unspent = fresh["approved_amount"] - fresh["paid_amount"]
            key = f"release:{row['id']}:unspent"
            if unspent <= 0 or await LedgerEntry.exists().where(LedgerEntry.key == key):
                continue
            await _release(fresh, unspent, "unspent", None)
            await SupportRequest.update(
                {SupportRequest.approved_amount: fresh["paid_amount"]}
            ).where(SupportRequest.id == row["id"])
            await audit.record(
                "support_request.unspent_released",
                object_type="support_request",
                object_id=row["id"],
                detail={"amount": unspent},
            )
            released += 1
    return released


async def send_report_reminders(today: date | None = None) -> int:
    """Remind organisations whose period has ended that their report is due (cron); one
    reminder per request."""
    today = today or now().date()
    rows = await SupportRequest.select(SupportRequest.id).where(
        SupportRequest.state.is_in([State.APPROVED, State.PARTIALLY_APPROVED, State.PAID])
        & (SupportRequest.period_end < today)
        & SupportRequest.reminded_at.is_null()
    )
    for row in rows:
        async with write_transaction():
            updated = (
                await SupportRequest.update({SupportRequest.reminded_at: now()})
                .where((SupportRequest.id == row["id"]) & SupportRequest.reminded_at.is_null())
                .returning(SupportRequest.id)
            )
        if updated:
            await _notify_applicant(row["id"], "report")
    return len(rows)


# --- the ledger ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerDifference:
    budget_id: int
    field: str
    stored: int
    from_ledger: int


async def ledger_check() -> list[LedgerDifference]:
    """Compare each budget's running totals with the sums of its ledger entries; [] when they
    agree (``fristad ledger check`` and the nightly cron job report any difference)."""
    budgets = await Budget.select()
    entries = await LedgerEntry.select(LedgerEntry.budget, LedgerEntry.kind, LedgerEntry.amount)
    sums: dict[tuple[int, str], int] = {}
    for entry in entries:
        field_name = {
            "allocation": "allocated",
            "adjustment": "allocated",
            "commitment": "committed",
            "release": "committed",
            "payment": "paid",
        }[entry["kind"]]
        key = (entry["budget"], field_name)
        sums[key] = sums.get(key, 0) + entry["amount"]
    differences = []
    for budget in budgets:
        for field_name in ("allocated", "committed", "paid"):
            expected = sums.get((budget["id"], field_name), 0)
            if budget[field_name] != expected:
                differences.append(
                    LedgerDifference(budget["id"], field_name, budget[field_name], expected)
                )
    return differences


# --- reading -------------------------------------------------------------------------------


@dataclass
class RequestView:
    request: dict[str, Any]
    lines: list[dict[str, Any]]
    decisions: list[dict[str, Any]]
    payments: list[dict[str, Any]]
    attachments: list[dict[str, Any]]
    justification: str
    gap: str
    question: str
    answer: str
    outcome: str
    beneficiary_code: str
    organisation_name: str
    programme: dict[str, Any]
    budget: BudgetLine | None
    profile: MinimalProfile | None = None
    history: dict[str, int] = field(default_factory=dict)


def _decrypt(value: str | None) -> str:
    return crypto.decrypt(value) if value else ""


async def get_request(actor: Actor, request_id: int) -> RequestView:
    """Everything on the request page; an officer also gets the person's minimal profile and
    the organisation's history (the read is audited)."""
    row = await _request_in_reach(actor, request_id)
    lines = (
        await CostLine.select().where(CostLine.request == request_id).order_by(CostLine.position)
    )
    decisions = (
        await Decision.select(
            *Decision.all_columns(), Decision.decided_by.name, Decision.confirmed_by.name
        )
        .where(Decision.request == request_id)
        .order_by(Decision.id)
    )
    payments = await Payment.select().where(Payment.request == request_id).order_by(Payment.id)
    attachments = (
        await Attachment.select().where(Attachment.request == request_id).order_by(Attachment.id)
    )
    beneficiary = (
        await Beneficiary.select(Beneficiary.code)
        .where(Beneficiary.id == row["beneficiary"])
        .first()
    )
    organisation = (
        await Organisation.select(Organisation.name)
        .where(Organisation.id == row["organisation"])
        .first()
    )
    programme = await Programme.select().where(Programme.id == row["programme"]).first()
    budget_id = await _budget_id(row)
    view = RequestView(
        request=row,
        lines=lines,
        decisions=decisions,
        payments=payments,
        attachments=attachments,
        justification=_decrypt(row["justification_encrypted"]),
        gap=_decrypt(row["gap_encrypted"]),
        question=_decrypt(row["question_encrypted"]),
        answer=_decrypt(row["answer_encrypted"]),
        outcome=_decrypt(row["outcome_encrypted"]),
        beneficiary_code=beneficiary["code"] if beneficiary else "",
        organisation_name=organisation["name"] if organisation else "",
        programme=dict(programme or {}),
        budget=await _budget_line(budget_id),
    )
    if _is_officer(actor):
        view.profile = await beneficiaries.minimal_profile(row["beneficiary"])
        view.history = await organisation_history(row["organisation"], exclude=request_id)
        async with write_transaction():
            await audit.record(
                "support_request.read",
                actor=actor,
                object_type="support_request",
                object_id=request_id,
                detail={"beneficiary": row["beneficiary"]},
            )
    return view


async def organisation_history(organisation_id: int, *, exclude: int = 0) -> dict[str, int]:
    """How many of the organisation's earlier requests are in each state, and what they got."""
    rows = await SupportRequest.select(
        SupportRequest.state, SupportRequest.approved_amount, SupportRequest.paid_amount
    ).where(
        (SupportRequest.organisation == organisation_id)
        & (SupportRequest.id != exclude)
        & (SupportRequest.state != State.DRAFT)
    )
    history = {"requests": len(rows), "approved_amount": 0, "paid_amount": 0, "rejected": 0}
    for row in rows:
        if row["state"] in FUNDED or row["state"] == State.CLOSED:
            history["approved_amount"] += row["approved_amount"]
        history["paid_amount"] += row["paid_amount"]
        history["rejected"] += row["state"] == State.REJECTED
    return history


def _listing() -> Any:
    return SupportRequest.select(
        SupportRequest.id,
        SupportRequest.state,
        SupportRequest.urgency,
        SupportRequest.category,
        SupportRequest.period_start,
        SupportRequest.period_end,
        SupportRequest.total,
        SupportRequest.approved_amount,
        SupportRequest.paid_amount,
        SupportRequest.submitted_at,
        SupportRequest.decide_by,
        SupportRequest.created_at,
        SupportRequest.organisation,
        SupportRequest.programme,
        SupportRequest.beneficiary.code,
        SupportRequest.organisation.name,
    )


async def my_requests(actor: Actor, *, limit: int = 200) -> list[dict[str, Any]]:
    """The requests of the actor's organisation, newest first."""
    require(actor, "support_request.create")
    rows: list[dict[str, Any]] = (
        await _listing()
        .where(SupportRequest.organisation == actor.organisation_id)
        .order_by(SupportRequest.id, ascending=False)
        .limit(limit)
    )
    return rows


async def review_queue(actor: Actor, *, limit: int = 200) -> list[dict[str, Any]]:
    """Requests waiting for officers: acute first, then the oldest submission."""
    if not _is_officer(actor):
        raise PermissionDenied(_("Only officers decide support requests."))
    rows: list[dict[str, Any]] = (
        await _listing()
        .where(SupportRequest.state.is_in(list(QUEUE)))
        .order_by(SupportRequest.urgency)  # "acute" sorts before "normal"
        .order_by(SupportRequest.submitted_at)
        .limit(limit)
    )
    return rows


async def list_requests(actor: Actor, *, limit: int = 200) -> list[dict[str, Any]]:
    """For the API: an officer sees every submitted request, others their organisation's."""
    if _is_officer(actor):
        require(actor, "support_request.read")
        rows: list[dict[str, Any]] = (
            await _listing()
            .where(SupportRequest.state != State.DRAFT)
            .order_by(SupportRequest.id, ascending=False)
            .limit(limit)
        )
        return rows
    return await my_requests(actor, limit=limit)


async def lines_of(request_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (
        await CostLine.select().where(CostLine.request == request_id).order_by(CostLine.position)
    )
    return rows


# --- decision letter -----------------------------------------------------------------------


@dataclass(frozen=True)
class Letter:
    request: dict[str, Any]
    decision: dict[str, Any]
    organisation_name: str
    beneficiary_code: str
    programme_name: str
    officer_name: str
    second_officer_name: str
    locale: str


async def decision_letter(actor: Actor, request_id: int) -> Letter:
    """The effective decision of a request, in the applicant's (the caseworker's) language."""
    view_row = await _request_in_reach(actor, request_id)
    decision = (
        await Decision.select(
            *Decision.all_columns(), Decision.decided_by.name, Decision.confirmed_by.name
        )
        .where((Decision.request == request_id) & (Decision.status == "effective"))
        .order_by(Decision.id, ascending=False)
        .first()
    )
    if decision is None:
        raise NotFound
    applicant = await User.select(User.locale).where(User.id == view_row["created_by"]).first()
    organisation = (
        await Organisation.select(Organisation.name)
        .where(Organisation.id == view_row["organisation"])
        .first()
    )
    beneficiary = (
        await Beneficiary.select(Beneficiary.code)
        .where(Beneficiary.id == view_row["beneficiary"])
        .first()
    )
    programme = (
        await Programme.select(Programme.name).where(Programme.id == view_row["programme"]).first()
    )
    return Letter(
        request=view_row,
        decision=dict(decision),
        organisation_name=organisation["name"] if organisation else "",
        beneficiary_code=beneficiary["code"] if beneficiary else "",
        programme_name=programme["name"] if programme else "",
        officer_name=decision["decided_by.name"] or "",
        second_officer_name=decision["confirmed_by.name"] or "",
        locale=applicant["locale"] if applicant and applicant["locale"] in i18n.LOCALES else "sv",
    )


# --- notices -------------------------------------------------------------------------------


async def _notify_applicant(request_id: int, reason: str) -> None:
    """E-mail the caseworker who applied: a link, no personal data, in their language."""
    row = (
        await SupportRequest.select(
            SupportRequest.created_by.email, SupportRequest.created_by.locale
        )
        .where(SupportRequest.id == request_id)
        .first()
    )
    if row is None:
        return
    settings = get_settings()
    link = f"{settings.public_url}/grants/requests/{request_id}"
    previous = i18n.active_locale()
    i18n.activate(row["created_by.locale"] or "sv")
    try:
        if reason == "info":
            subject = _("Fristad: more information is needed for a support request")
            body = _("An officer has asked for more information about a support request.")
        elif reason == "report":
            subject = _("Fristad: a support request needs its report")
            body = _(
                "The period of a support request has ended. "
                "Report the actual costs and the outcome."
            )
        else:
            subject = _("Fristad: a support request has been decided")
            body = _("A support request of your organisation has been decided.")
        text = "\n\n".join((body, _("Open it in Fristad:"), link))
    finally:
        i18n.activate(previous)
    await send_mail_later(
        Mail(to=row["created_by.email"], subject=subject, text=text),
        key=f"grants:{request_id}:{reason}",
    )


# --- attachments ---------------------------------------------------------------------------


def _attachment_dir(settings: Settings) -> Path:
    return settings.var_path / ATTACHMENT_DIR


async def add_attachment(actor: Actor, request_id: int, filename: str, content: bytes) -> int:
    """Store a PDF, JPEG or PNG (verified by its first bytes, not its name) outside the web
    root; only the applying organisation adds files, while the request is open to changes."""
    require(actor, "support_request.act")
    row = await _request_in_reach(actor, request_id)
    if actor.role not in APPLICANT_ROLES:
        raise PermissionDenied(_("Only the applying organisation adds attachments."))
    if row["state"] not in (State.DRAFT, State.INFO_REQUESTED, State.SUBMITTED):
        raise Conflict(_("Attachments can be added before the decision only."))
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise InvalidInput({"file": _("The file is larger than 10 MB.")})
    content_type = sniff_content_type(content[:16])
    if content_type is None or not content:
        raise InvalidInput({"file": _("Only PDF, JPEG and PNG files are accepted.")})
    storage_name = secrets.token_hex(32)
    directory = _attachment_dir(get_settings())
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / storage_name
    path.write_bytes(content)
    try:
        async with write_transaction():
            attachment = Attachment(
                request=request_id,
                filename=safe_filename(filename),
                content_type=content_type,
                size=len(content),
                storage_name=storage_name,
                sha256=hashlib.sha256(content).hexdigest(),
                uploaded_by=actor.user_id,
                uploaded_at=now(),
            )
            await attachment.save()
            await audit.record(
                "support_request.attachment_added",
                actor=actor,
                object_type="support_request",
                object_id=request_id,
                detail={"attachment": attachment.id, "type": content_type, "size": len(content)},
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return int(attachment.id)


async def open_attachment(
    actor: Actor, request_id: int, attachment_id: int
) -> tuple[dict[str, Any], bytes]:
    """An attachment's metadata and content, for those who may read the request."""
    await _request_in_reach(actor, request_id)
    row = (
        await Attachment.select()
        .where((Attachment.id == attachment_id) & (Attachment.request == request_id))
        .first()
    )
    if row is None:
        raise NotFound
    path = _attachment_dir(get_settings()) / row["storage_name"]
    if not path.is_file():
        raise NotFound
    async with write_transaction():
        await audit.record(
            "support_request.attachment_read",
            actor=actor,
            object_type="support_request",
            object_id=request_id,
            detail={"attachment": attachment_id},
        )
    return dict(row), path.read_bytes()


# --- payments export -----------------------------------------------------------------------

EXPORT_COLUMNS = (
    "payment_id",
    "paid_on",
    "amount_sek",
    "reference",
    "request_id",
    "organisation",
    "org_number",
    "category",
    "programme",
)


async def payments_in_period(actor: Actor, start: date, end: date) -> list[list[Any]]:
    """Payments made in [start, end] as rows for the accounting system (audited)."""
    require(actor, "payment.export")
    rows = (
        await Payment.select(
            Payment.id,
            Payment.paid_on,
            Payment.amount,
            Payment.reference,
            Payment.request.id,
            Payment.request._.organisation._.name,
            Payment.request._.organisation._.org_number,
            Payment.request.category,
            Payment.request._.programme._.name,
        )
        .where((Payment.paid_on >= start) & (Payment.paid_on <= end))
        .order_by(Payment.paid_on)
        .order_by(Payment.id)
    )
    async with write_transaction():
        await audit.record(
            "payments.exported",
            actor=actor,
            object_type="payments",
            detail={"from": start.isoformat(), "to": end.isoformat(), "rows": len(rows)},
        )
    return [
        [
            row["id"],
            row["paid_on"].isoformat(),
            f"{row['amount'] // 100}.{row['amount'] % 100:02d}",
            row["reference"],
            row["request.id"],
            row["request.organisation.name"],
            row["request.organisation.org_number"],
            row["request.category"],
            row["request.programme.name"],
        ]
        for row in rows
    ]


def payments_csv(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        # A leading =, +, - or @ would be a formula in a spreadsheet (CSV injection).
        writer.writerow(
            [
                f"'{value}" if isinstance(value, str) and value[:1] in "=+-@" else value
                for value in row
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def payments_xlsx(rows: list[list[Any]]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet("payments")
    sheet.write_row(0, 0, EXPORT_COLUMNS)
    for index, row in enumerate(rows, start=1):
        values = list(row)
        values[2] = float(values[2])
        sheet.write_row(index, 0, values)
    workbook.close()
    return buffer.getvalue()
