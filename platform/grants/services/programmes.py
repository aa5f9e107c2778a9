"""Programmes and their budgets: creating a programme, reading them (changing a category's
allocation is in ``adjustments``)."""

from __future__ import annotations

from datetime import date

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from fristad.database import write_transaction
from fristad.errors import InvalidInput, NotFound
from grants.domain import (
    CATEGORIES,
    DEFAULT_REFERENCE_FORMAT,
    programme_errors,
    reference_format_error,
)
from grants.services._common import (
    is_officer,
    now,
    programmes_run_by,
    runs_programme,
)
from grants.services.models import ProgrammeRecord, programme_of
from grants.tables import Budget, LedgerEntry, Programme


async def create_programme(
    actor: Actor,
    name: str,
    starts_on: date,
    ends_on: date,
    four_eyes_threshold: int,
    budgets: dict[str, int],
    *,
    reference_format: str = DEFAULT_REFERENCE_FORMAT,
    appeal_info: str = "",
) -> int:
    """A programme with a budget per category; each allocation is a ledger entry. Its id.
    Its decisions' references are written in ``reference_format``; ``appeal_info`` is the
    authority's own text on how to appeal (empty: the standard text)."""
    require(actor, "programme.manage")
    errors = programme_errors(name, starts_on, ends_on, four_eyes_threshold, budgets)
    if (problem := reference_format_error(reference_format.strip())) is not None:
        errors["reference_format"] = problem
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        programme = Programme(
            name=name.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            four_eyes_threshold=four_eyes_threshold,
            reference_format=reference_format.strip(),
            appeal_info=appeal_info.strip(),
            created_at=now(),
            authority_id=actor.organisation_id if is_officer(actor) else None,
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


async def budget_in_reach(
    actor: Actor, budget_id: int, permission: str = "programme.manage"
) -> None:
    """NotFound unless the actor has ``permission`` and their authority runs the budget's
    programme."""
    require(actor, permission)
    budget = await Budget.select(Budget.programme).where(Budget.id == budget_id).first()
    if budget is None or not await runs_programme(actor, budget["programme"]):
        raise NotFound


async def list_programmes(actor: Actor) -> list[ProgrammeRecord]:
    """Every programme with its budgets, the newest first (an officer: their authority's)."""
    require(actor, "programme.read")
    query = Programme.select().order_by(Programme.starts_on, ascending=False)
    if is_officer(actor):
        query = query.where(Programme.id.is_in(programmes_run_by(actor)))
    rows = await query
    return [await programme_of(row) for row in rows]


async def open_programmes() -> list[ProgrammeRecord]:
    """The programmes that take applications."""
    rows = await Programme.select().where(Programme.status == "open").order_by(Programme.id)
    return [await programme_of(row) for row in rows]


async def get_programme(actor: Actor, programme_id: int) -> ProgrammeRecord:
    """One programme with allocated, committed, paid and remaining per category."""
    require(actor, "programme.read")
    row = await Programme.select().where(Programme.id == programme_id).first()
    if row is None or (is_officer(actor) and not await runs_programme(actor, programme_id)):
        raise NotFound
    return await programme_of(row)
