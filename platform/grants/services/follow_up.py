"""After the decision: payments, the organisation's report, closing, releasing what was never
paid, report reminders, and the payments of a period for the accounting system."""

from __future__ import annotations

from datetime import date, timedelta

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from fristad import crypto
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput
from fristad.i18n import gettext as _
from fristad.settings import get_settings
from grants import notify
from grants.domain import (
    AWAITING_REPORT,
    FUNDED,
    State,
    payment_date_refusal,
    report_errors,
)
from grants.services._common import (
    budget_id_of,
    move,
    now,
    programmes_run_by,
    read_support_request,
    support_request_in_reach,
)
from grants.services.decisions import release_funds
from grants.services.models import ExportedPayment, PaymentRecord, SupportRequestRecord
from grants.services.reversals import decision_and_today, reversals_in_period
from grants.tables import Budget, LedgerEntry, Payment, SupportRequest

# --- payments ------------------------------------------------------------------------------


async def record_payment(
    actor: Actor, support_request_id: int, paid_on: date, amount: int, reference: str
) -> PaymentRecord:
    """A (partial) payment; the total paid never exceeds the approved amount."""
    require(actor, "payment.record")
    support_request = await support_request_in_reach(actor, support_request_id)
    errors = {}
    if (refusal := payment_date_refusal(paid_on, *decision_and_today(support_request))) is not None:
        errors["paid_on"] = refusal
    if amount <= 0:
        errors["amount"] = _("Enter an amount above zero.")
    if not reference.strip():
        errors["reference"] = _("Enter the payment reference.")
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        support_request = await read_support_request(support_request_id)
        if support_request.state not in (
            State.APPROVED,
            State.PARTIALLY_APPROVED,
            State.REPORTED,
        ):
            raise Conflict(_("Payments are recorded against approved requests only."))
        paid = await SupportRequest.raw(
            "UPDATE support_request SET paid_amount = paid_amount + {} "
            "WHERE id = {} AND paid_amount + {} <= approved_amount "
            "RETURNING paid_amount, approved_amount",
            amount,
            support_request_id,
            amount,
        )
        if not paid:
            raise Conflict(_("The payments would exceed the approved amount."))
        budget_id = await budget_id_of(support_request)
        await Budget.raw("UPDATE budget SET paid = paid + {} WHERE id = {}", amount, budget_id)
        payment = Payment(
            request=support_request_id,
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
                request=support_request_id,
                created_by=actor.user_id,
                created_at=now(),
            )
        )
        fully_paid = paid[0]["paid_amount"] == paid[0]["approved_amount"]
        if fully_paid and support_request.state != State.REPORTED:
            await move(actor, support_request, "pay_in_full")
        await audit.record(
            "payment.recorded",
            actor=actor,
            object_type="support_request",
            object_id=support_request_id,
            detail={"payment": payment.id, "amount": amount},
        )
    return PaymentRecord(int(payment.id), paid_on, amount, payment.reference)


async def payments_in_period(actor: Actor, start: date, end: date) -> list[ExportedPayment]:
    """Payments made in [start, end], and reversals made then, for the accounting system
    (audited)."""
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
        .where(Payment.request._.programme.is_in(programmes_run_by(actor)))
        .order_by(Payment.paid_on)
        .order_by(Payment.id)
    )
    reversals = await reversals_in_period(programmes_run_by(actor), start, end)
    async with write_transaction():
        await audit.record(
            "payments.exported",
            actor=actor,
            object_type="payments",
            detail={
                "from": start.isoformat(),
                "to": end.isoformat(),
                "rows": len(rows) + len(reversals),
            },
        )
    payments = [
        ExportedPayment(
            payment_id=row["id"],
            paid_on=row["paid_on"],
            amount=row["amount"],
            reference=row["reference"],
            support_request_id=row["request.id"],
            organisation=row["request.organisation.name"],
            org_number=row["request.organisation.org_number"],
            category=row["request.category"],
            programme=row["request.programme.name"],
        )
        for row in rows
    ]
    # Payments and reversals by date (a reversal after the payments of its day).
    return sorted(
        [*payments, *reversals], key=lambda entry: (entry.paid_on, entry.reversal_of is not None)
    )


# --- report and close ----------------------------------------------------------------------


async def report(
    actor: Actor, support_request_id: int, actual_costs: int, outcome: str
) -> SupportRequestRecord:
    """The organisation reports actual costs and the outcome after the period."""
    require(actor, "support_request.act")
    before = await support_request_in_reach(actor, support_request_id)
    if errors := report_errors(actual_costs, before.approved_amount, outcome):
        raise InvalidInput(errors)
    async with write_transaction():
        support_request = await read_support_request(support_request_id)
        # What the reported costs leave unused (and was not paid already) goes back now.
        approved = support_request.approved_amount
        needed = min(approved, max(actual_costs, support_request.paid_amount))
        await move(
            actor,
            support_request,
            "report",
            {
                SupportRequest.actual_costs: actual_costs,
                SupportRequest.outcome_encrypted: crypto.encrypt(outcome.strip()),
                SupportRequest.reported_at: now(),
                SupportRequest.approved_amount: needed,
            },
        )
        await release_funds(support_request, approved - needed, "report", actor)
        await audit.record(
            "support_request.reported",
            actor=actor,
            object_type="support_request",
            object_id=support_request_id,
            detail={"actual_costs": actual_costs, "released": approved - needed},
        )
    return await read_support_request(support_request_id)


async def review_report(actor: Actor, support_request_id: int) -> SupportRequestRecord:
    """An officer has read the report: it leaves the queue of reports to review (once)."""
    require(actor, "support_request.decide")
    await support_request_in_reach(actor, support_request_id)
    async with write_transaction():
        reviewed = (
            await SupportRequest.update(
                {
                    SupportRequest.report_reviewed_at: now(),
                    SupportRequest.report_reviewed_by: actor.user_id,
                }
            )
            .where(
                (SupportRequest.id == support_request_id)
                & (SupportRequest.state == State.REPORTED)
                & SupportRequest.report_reviewed_at.is_null()
            )
            .returning(SupportRequest.id)
        )
        if not reviewed:
            raise Conflict(_("There is no report waiting for review."))
        await audit.record(
            "support_request.report_reviewed",
            actor=actor,
            object_type="support_request",
            object_id=support_request_id,
        )
    return await read_support_request(support_request_id)


async def close(actor: Actor, support_request_id: int) -> SupportRequestRecord:
    """An officer closes a request that is reported, rejected or withdrawn."""
    require(actor, "support_request.act")
    support_request = await support_request_in_reach(actor, support_request_id)
    async with write_transaction():
        await move(actor, support_request, "close")
        await audit.record(
            "support_request.closed",
            actor=actor,
            object_type="support_request",
            object_id=support_request_id,
        )
    return await read_support_request(support_request_id)


# --- the daily sweep -----------------------------------------------------------------------


async def release_unspent(today: date | None = None) -> int:
    """Money approved but not paid once the period and the report time are over goes back to
    the budget (cron; each release happens once: its ledger key names the request)."""
    today = today or now().date()
    cutoff = today - timedelta(days=get_settings().report_days)
    rows = await SupportRequest.select(SupportRequest.id).where(
        SupportRequest.state.is_in(list(FUNDED))
        & (SupportRequest.period_end < cutoff)
        & (SupportRequest.paid_amount < SupportRequest.approved_amount)
    )
    released = 0
    for row in rows:
        async with write_transaction():
            # Checked again under the write lock: a payment or report may have come meanwhile.
            support_request = await read_support_request(row["id"])
            unspent = support_request.approved_amount - support_request.paid_amount
            key = f"release:{row['id']}:unspent"
            if unspent <= 0 or await LedgerEntry.exists().where(LedgerEntry.key == key):
                continue
            await release_funds(support_request, unspent, "unspent", None)
            await SupportRequest.update(
                {SupportRequest.approved_amount: support_request.paid_amount}
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
        SupportRequest.state.is_in(list(AWAITING_REPORT))
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
                await notify.report_due(row["id"])
    return len(rows)
