"""What matching asks of grants: the budget a match may draw on, a request's money, and the
settlement of a funded stay. Grants never imports matching or shelters; matching calls these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from accounts import audit
from fristad.database import write_transaction
from fristad.errors import Conflict
from fristad.i18n import gettext as _
from grants.domain import State
from grants.services._common import budget_id_of, now, read_support_request
from grants.services.decisions import release_funds
from grants.tables import Budget, LedgerEntry, Payment, SupportRequest

SETTLEABLE = (State.APPROVED, State.PARTIALLY_APPROVED)


@dataclass(frozen=True)
class BudgetLeft:
    """What an open programme has left in one category (öre)."""

    programme_id: int
    programme_name: str
    category: str
    remaining: int
    ends_on: date  # a request's period ends by the programme's end


@dataclass(frozen=True)
class FundingState:
    """A support request's state and money, for the funding link (no personal text)."""

    support_request_id: int
    state: str
    approved_amount: int
    paid_amount: int


async def budget_left(category: str, on: date | None = None) -> BudgetLeft | None:
    """The open programme running on ``on`` (today) with a budget in ``category``; the one that
    started last when several run at once."""
    day = on or now().date()
    rows = (
        await Budget.select(
            Budget.programme,
            Budget.programme.name.as_alias("programme_name"),
            Budget.programme.ends_on.as_alias("ends_on"),
            Budget.category,
            Budget.allocated,
            Budget.committed,
        )
        .where(
            (Budget.category == category)
            & (Budget.programme.status == "open")
            & (Budget.programme.starts_on <= day)
            & (Budget.programme.ends_on >= day)
        )
        .order_by(Budget.programme.starts_on, ascending=False)
        .limit(1)
    )
    if not rows:
        return None
    row = rows[0]
    return BudgetLeft(
        programme_id=row["programme"],
        programme_name=row["programme_name"],
        category=row["category"],
        remaining=row["allocated"] - row["committed"],
        ends_on=row["ends_on"],
    )


async def funding_state(support_request_id: int) -> FundingState:
    support_request = await read_support_request(support_request_id)
    return FundingState(
        support_request_id=support_request.id,
        state=support_request.state,
        approved_amount=support_request.approved_amount,
        paid_amount=support_request.paid_amount,
    )


async def settle_stay(support_request_id: int, amount_due: int, *, key: str) -> tuple[int, int]:
    """Pay a funded stay by what it cost (capped at what is approved and unpaid) and give the
    rest back to the budget; the request is then paid in full. Returns (paid, released).

    ``key`` names the stay: its payment and release are ledger entries with UNIQUE keys, so a
    second settlement of the same stay changes nothing (it is a Conflict). Runs in the caller's
    transaction when there is one.
    """
    async with write_transaction():
        support_request = await read_support_request(support_request_id)
        if support_request.state not in SETTLEABLE:
            raise Conflict(_("Only an approved request can pay for a stay."))
        if await LedgerEntry.exists().where(LedgerEntry.key == f"{key}:payment"):
            raise Conflict(_("This stay has been paid already."))
        unpaid = support_request.approved_amount - support_request.paid_amount
        pay = max(min(amount_due, unpaid), 0)
        budget_id = await budget_id_of(support_request)
        if pay:
            await SupportRequest.raw(
                "UPDATE support_request SET paid_amount = paid_amount + {} "
                "WHERE id = {} AND paid_amount + {} <= approved_amount",
                pay,
                support_request_id,
                pay,
            )
            await Budget.raw("UPDATE budget SET paid = paid + {} WHERE id = {}", pay, budget_id)
            payment = Payment(
                request=support_request_id,
                paid_on=now().date(),
                amount=pay,
                reference=key[:100],
                recorded_by=None,
                recorded_at=now(),
            )
            await payment.save()
            await LedgerEntry.insert(
                LedgerEntry(
                    budget=budget_id,
                    kind="payment",
                    amount=pay,
                    key=f"{key}:payment",
                    request=support_request_id,
                    created_by=None,
                    created_at=now(),
                )
            )
        released = unpaid - pay
        await release_funds(support_request, released, key, None)
        paid_total = support_request.paid_amount + pay
        await SupportRequest.update(
            {
                SupportRequest.approved_amount: paid_total,
                SupportRequest.state: State.PAID,
                SupportRequest.updated_at: now(),
            }
        ).where(
            (SupportRequest.id == support_request_id) & SupportRequest.state.is_in(list(SETTLEABLE))
        )
        await audit.record(
            "support_request.stay_settled",
            object_type="support_request",
            object_id=support_request_id,
            detail={"paid": pay, "released": released, "stay": key},
        )
    return pay, released
