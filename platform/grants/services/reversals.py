"""Correcting a wrong payment: a reversal is a new ledger entry, never an edit.

A payment row and its ledger entry stay as they were; the reversal is a ledger entry of kind
``payment`` with the negative amount and the key ``reversal:<payment>`` (UNIQUE: a payment is
reversed once, also when two officers try at once), with the officer and the reason, and an
audit event. The request's and the budget's paid sums go down by the amount, so the right
payment can be recorded afterwards; a request paid in full is approved again.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, time, timedelta
from typing import Any

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput, NotFound
from fristad.i18n import TIMEZONE
from fristad.i18n import gettext as _
from grants.domain import FUNDED, State
from grants.services._common import (
    budget_id_of,
    now,
    read_support_request,
    support_request_in_reach,
)
from grants.services.models import ExportedPayment, SupportRequestRecord
from grants.tables import Budget, Decision, LedgerEntry, Payment, SupportRequest


def reversal_key(payment_id: int) -> str:
    return f"reversal:{payment_id}"


def decision_and_today(support_request: SupportRequestRecord) -> tuple[date | None, date]:
    """The day the request was decided and today, both in Sweden (a payment's window)."""
    decided = support_request.decided_at
    return (
        decided.astimezone(TIMEZONE).date() if decided else None,
        datetime.now(TIMEZONE).date(),
    )


async def reversed_payments(support_request_id: int) -> dict[int, str]:
    """The request's reversed payments: payment id → the reason given."""
    rows = await LedgerEntry.select(LedgerEntry.key, LedgerEntry.reason).where(
        (LedgerEntry.request == support_request_id) & LedgerEntry.key.like("reversal:%")
    )
    return {int(row["key"].split(":", 1)[1]): row["reason"] for row in rows}


async def reverse_payment(
    actor: Actor, support_request_id: int, payment_id: int, reason: str
) -> SupportRequestRecord:
    """An officer reverses a wrong payment of the request, with a reason (see module)."""
    require(actor, "payment.record")
    await support_request_in_reach(actor, support_request_id)
    if not reason.strip():
        raise InvalidInput({"reason": _("Write why the payment is reversed.")})
    payment = (
        await Payment.select(Payment.id, Payment.amount)
        .where((Payment.id == payment_id) & (Payment.request == support_request_id))
        .first()
    )
    if payment is None:
        raise NotFound
    amount = int(payment["amount"])
    try:
        async with write_transaction():
            # The UNIQUE key first: of two reversals at once the second waits here and fails.
            if await LedgerEntry.exists().where(LedgerEntry.key == reversal_key(payment_id)):
                raise _reversed_already()
            support_request = await read_support_request(support_request_id)
            if support_request.state not in FUNDED:
                raise Conflict(_("Payments of this request cannot be reversed any more."))
            budget_id = await budget_id_of(support_request)
            await LedgerEntry.insert(
                LedgerEntry(
                    budget=budget_id,
                    kind="payment",
                    amount=-amount,
                    key=reversal_key(payment_id),
                    request=support_request_id,
                    reason=reason.strip()[:500],
                    created_by=actor.user_id,
                    created_at=now(),
                )
            )
            lowered = await SupportRequest.raw(
                "UPDATE support_request SET paid_amount = paid_amount - {} "
                "WHERE id = {} AND paid_amount >= {} RETURNING id",
                amount,
                support_request_id,
                amount,
            )
            if not lowered:
                raise _reversed_already()
            await Budget.raw("UPDATE budget SET paid = paid - {} WHERE id = {}", amount, budget_id)
            if support_request.state == State.PAID:
                await _approved_again(support_request_id)
            await audit.record(
                "payment.reversed",
                actor=actor,
                object_type="support_request",
                object_id=support_request_id,
                detail={"payment": payment_id, "amount": amount, "reason": reason.strip()},
            )
    except Exception as error:
        if _is_unique_violation(error):  # a reversal at the same moment won (PostgreSQL)
            raise _reversed_already() from None
        raise
    return await read_support_request(support_request_id)


async def _approved_again(support_request_id: int) -> None:
    """Paid in full no more: back to the state of the decision in force (approved or partly)."""
    decision = (
        await Decision.select(Decision.outcome)
        .where(
            (Decision.request == support_request_id)
            & (Decision.status == "effective")
            & Decision.outcome.is_in([State.APPROVED, State.PARTIALLY_APPROVED])
        )
        .order_by(Decision.id, ascending=False)
        .first()
    )
    outcome = decision["outcome"] if decision else State.APPROVED
    await SupportRequest.update(
        {SupportRequest.state: outcome, SupportRequest.updated_at: now()}
    ).where((SupportRequest.id == support_request_id) & (SupportRequest.state == State.PAID))


async def reversals_in_period(programmes: Any, start: date, end: date) -> list[ExportedPayment]:
    """Reversals made in [start, end] (Swedish dates) of payments in the ``programmes`` (a
    select of ids), for the export: the reversed payment's reference, the negative amount."""
    rows = (
        await LedgerEntry.select(
            LedgerEntry.key,
            LedgerEntry.amount,
            LedgerEntry.created_at,
            LedgerEntry.request.id,
            LedgerEntry.request._.organisation._.name,
            LedgerEntry.request._.organisation._.org_number,
            LedgerEntry.request.category,
            LedgerEntry.request._.programme._.name,
        )
        .where(LedgerEntry.key.like("reversal:%"))
        .where(LedgerEntry.created_at >= _start_of(start))
        .where(LedgerEntry.created_at < _start_of(end + timedelta(days=1)))
        .where(LedgerEntry.request._.programme.is_in(programmes))
        .order_by(LedgerEntry.id)
    )
    reversed_ids = [int(row["key"].split(":", 1)[1]) for row in rows]
    references = {
        row["id"]: row["reference"]
        for row in await Payment.select(Payment.id, Payment.reference).where(
            Payment.id.is_in(reversed_ids or [0])
        )
    }
    return [
        ExportedPayment(
            payment_id=payment_id,
            paid_on=row["created_at"].astimezone(TIMEZONE).date(),
            amount=row["amount"],
            reference=references.get(payment_id, ""),
            support_request_id=row["request.id"],
            organisation=row["request.organisation.name"],
            org_number=row["request.organisation.org_number"],
            category=row["request.category"],
            programme=row["request.programme.name"],
            reversal_of=payment_id,
        )
        for payment_id, row in zip(reversed_ids, rows, strict=True)
    ]


def _start_of(day: date) -> datetime:
    """Midnight of a Swedish day."""
    return datetime.combine(day, time(), tzinfo=TIMEZONE)


def _is_unique_violation(error: BaseException) -> bool:
    if isinstance(error, sqlite3.IntegrityError):
        return True
    try:
        from asyncpg.exceptions import UniqueViolationError
    except ImportError:  # pragma: no cover - asyncpg comes with piccolo[postgres]
        return False
    return isinstance(error, UniqueViolationError)


def _reversed_already() -> Conflict:
    return Conflict(_("The payment has been reversed already."))
