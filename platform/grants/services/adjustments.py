"""Changing a category's allocation, with four eyes above the programme's threshold, and the
ledger that shows who made each change and who confirmed it.

Every change is a ledger entry with a reason, never an edit of a number. A change above the
threshold waits on the budget row (one at a time, a conditional write) until a second, different
officer confirms it; only then does it move money.
"""

from __future__ import annotations

import secrets

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from fristad.i18n import gettext as _
from fristad.schemas import MAX_AMOUNT
from grants.domain import needs_second_officer, too_large_amount
from grants.services._common import BudgetExhausted, now
from grants.services.models import BudgetLine, LedgerLine, budget_query
from grants.services.programmes import budget_in_reach, get_programme
from grants.tables import Budget, LedgerEntry, Programme

# How many of a programme's latest ledger entries its page shows.
LEDGER_LINES = 50


async def _budget_line(budget_id: int) -> BudgetLine:
    row = await budget_query().where(Budget.id == budget_id).first()
    if row is None:
        raise NotFound
    return BudgetLine.of(row)


async def _apply(
    budget_id: int, delta: int, reason: str, made_by: int, confirmed_by: int | None
) -> None:
    """One conditional write: the allocation stays between what is committed and the bound."""
    rows = await Budget.raw(
        "UPDATE budget SET allocated = allocated + {} "
        "WHERE id = {} AND allocated + {} >= committed AND allocated + {} <= {} RETURNING id",
        delta,
        budget_id,
        delta,
        delta,
        MAX_AMOUNT,
    )
    if not rows:
        if delta > 0:
            raise InvalidInput({"amount": too_large_amount()})
        raise BudgetExhausted
    await LedgerEntry.insert(
        LedgerEntry(
            budget=budget_id,
            kind="adjustment",
            amount=delta,
            key=f"adjustment:{budget_id}:{secrets.token_hex(8)}",
            reason=reason,
            created_by=made_by,
            confirmed_by=confirmed_by,
            created_at=now(),
        )
    )


async def adjust_budget(actor: Actor, budget_id: int, delta: int, reason: str) -> BudgetLine:
    """Raise or lower a category's allocation, always with a reason. Up to the programme's
    four-eyes threshold it takes effect at once; above it, it waits for a second officer
    (``confirm_adjustment``). Lowering stops at what is committed already."""
    await budget_in_reach(actor, budget_id, "budget.adjust")
    errors = {}
    if delta == 0:
        errors["amount"] = _("Enter an amount other than zero.")
    elif abs(delta) > MAX_AMOUNT:
        errors["amount"] = too_large_amount()
    if not reason.strip():
        errors["reason"] = _("Give a reason.")
    if errors:
        raise InvalidInput(errors)
    threshold = (
        await Programme.select(Programme.four_eyes_threshold)
        .where(Programme.id.is_in(Budget.select(Budget.programme).where(Budget.id == budget_id)))
        .first()
    )
    assert threshold is not None  # a budget belongs to a programme
    async with write_transaction():
        if not needs_second_officer(abs(delta), threshold["four_eyes_threshold"]):
            await _apply(budget_id, delta, reason.strip(), actor.user_id, None)
            event = "budget.adjusted"
        else:
            proposed = (
                await Budget.update(
                    {
                        Budget.pending_amount: delta,
                        Budget.pending_reason: reason.strip(),
                        Budget.pending_by: actor.user_id,
                        Budget.pending_at: now(),
                    }
                )
                .where((Budget.id == budget_id) & Budget.pending_amount.is_null())
                .returning(Budget.id)
            )
            if not proposed:
                raise Conflict(_("Another change of this budget waits for a second officer."))
            event = "budget.adjustment_proposed"
        await audit.record(
            event,
            actor=actor,
            object_type="budget",
            object_id=budget_id,
            reason=reason.strip(),
            detail={"amount": delta},
        )
    return await _budget_line(budget_id)


async def confirm_adjustment(actor: Actor, budget_id: int) -> BudgetLine:
    """A second, different officer confirms the waiting change: it takes effect now, as a
    ledger entry naming both officers (or is refused when the budget no longer allows it)."""
    await budget_in_reach(actor, budget_id, "budget.adjust")
    async with write_transaction():
        waiting = await _budget_line(budget_id)
        if waiting.pending_amount is None or waiting.pending_by is None:
            raise Conflict(_("There is no change of this budget waiting for confirmation."))
        if waiting.pending_by == actor.user_id:
            raise PermissionDenied(
                _("A second officer must confirm: you cannot confirm your own change.")
            )
        cleared = await _clear(budget_id, waiting)
        if not cleared:
            raise Conflict(_("The budget was changed in the meantime. Reload the page."))
        await _apply(
            budget_id,
            waiting.pending_amount,
            waiting.pending_reason,
            waiting.pending_by,
            actor.user_id,
        )
        await audit.record(
            "budget.adjustment_confirmed",
            actor=actor,
            object_type="budget",
            object_id=budget_id,
            reason=waiting.pending_reason,
            detail={"amount": waiting.pending_amount, "proposed_by": waiting.pending_by},
        )
    return await _budget_line(budget_id)


async def refuse_adjustment(actor: Actor, budget_id: int) -> BudgetLine:
    """The waiting change lapses (another officer refuses it, or its proposer takes it back)."""
    await budget_in_reach(actor, budget_id, "budget.adjust")
    async with write_transaction():
        waiting = await _budget_line(budget_id)
        if waiting.pending_amount is None or not await _clear(budget_id, waiting):
            raise Conflict(_("There is no change of this budget waiting for confirmation."))
        await audit.record(
            "budget.adjustment_refused",
            actor=actor,
            object_type="budget",
            object_id=budget_id,
            detail={"amount": waiting.pending_amount, "proposed_by": waiting.pending_by},
        )
    return await _budget_line(budget_id)


async def _clear(budget_id: int, waiting: BudgetLine) -> bool:
    """Take the waiting change off the budget, only if it is still the one read."""
    cleared = (
        await Budget.update(
            {
                Budget.pending_amount: None,
                Budget.pending_reason: None,
                Budget.pending_by: None,
                Budget.pending_at: None,
            }
        )
        .where(
            (Budget.id == budget_id)
            & (Budget.pending_amount == waiting.pending_amount)
            & (Budget.pending_by == waiting.pending_by)
        )
        .returning(Budget.id)
    )
    return bool(cleared)


async def programme_ledger(
    actor: Actor, programme_id: int, *, limit: int = LEDGER_LINES
) -> list[LedgerLine]:
    """The programme's latest ledger entries, newest first, with who made and confirmed each."""
    require(actor, "ledger.read")
    await get_programme(actor, programme_id)  # reach
    rows = (
        await LedgerEntry.select(
            LedgerEntry.id,
            LedgerEntry.budget.category,
            LedgerEntry.kind,
            LedgerEntry.amount,
            LedgerEntry.reason,
            LedgerEntry.request,
            LedgerEntry.created_by.name,
            LedgerEntry.confirmed_by.name,
            LedgerEntry.created_at,
        )
        .where(LedgerEntry.budget.programme == programme_id)
        .order_by(LedgerEntry.id, ascending=False)
        .limit(limit)
    )
    return [
        LedgerLine(
            id=row["id"],
            category=row["budget.category"],
            kind=row["kind"],
            amount=row["amount"],
            reason=row["reason"],
            request_id=row["request"],
            created_by_name=row["created_by.name"] or "",
            confirmed_by_name=row["confirmed_by.name"] or "",
            created_at=row["created_at"],
        )
        for row in rows
    ]
