"""What the shelters' use cases share: the clock, reach, locked reads, history and moving a bed."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from piccolo.columns import Integer
from piccolo.custom_types import Combinable
from piccolo.engine.postgres import PostgresEngine

from accounts import audit
from accounts.domain import Actor
from beneficiaries import services as beneficiaries
from beneficiaries.domain import MinimalProfile
from fristad.database import engine, write_transaction
from fristad.errors import Conflict, NotFound
from fristad.i18n import gettext as _
from fristad.settings import Settings
from shelters.domain import BedCount, is_stale
from shelters.policy import OPERATOR_ROLES
from shelters.services.models import HOLD_COLUMNS, BedHold, OperatorCategory
from shelters.tables import AvailabilityChange, BedCategory, Hold, Shelter

COUNT_COLUMNS: dict[BedCount, Integer] = {
    "free": BedCategory.free,
    "held": BedCategory.held,
    "occupied": BedCategory.occupied,
}


def now() -> datetime:
    return datetime.now(UTC)


def is_constraint_error(error: BaseException) -> bool:
    """A UNIQUE or CHECK constraint refused the write (sqlite3 or asyncpg)."""
    if isinstance(error, sqlite3.IntegrityError):
        return True
    try:
        from asyncpg.exceptions import IntegrityConstraintViolationError
    except ImportError:  # pragma: no cover - asyncpg comes with piccolo[postgres]
        return False
    return isinstance(error, IntegrityConstraintViolationError)


class NoBed(Conflict):
    """No bed is free in the category (or it is closed)."""


def _no_bed() -> Conflict:
    return NoBed(_("No bed is free in this category any more. Choose another or try later."))


# --- reach ---------------------------------------------------------------------------------


def operates(actor: Actor, operator_id: int) -> bool:
    """The actor works for the shelter operator (its staff or administrators)."""
    return actor.organisation_id == operator_id and actor.has_role(*OPERATOR_ROLES)


async def shelter_row(shelter_id: int) -> dict[str, Any]:
    row = await Shelter.select().where(Shelter.id == shelter_id).first()
    if row is None:
        raise NotFound
    return dict(row)


async def operated_shelter(actor: Actor, shelter_id: int) -> dict[str, Any]:
    """The shelter when the actor works for its operator; NotFound otherwise."""
    shelter = await Shelter.select().where(Shelter.id == shelter_id).first()
    if shelter is None or not operates(actor, shelter["operator"]):
        raise NotFound
    return dict(shelter)


# --- categories and their counts -----------------------------------------------------------


async def categories(shelter_id: int) -> list[OperatorCategory]:
    """The shelter's active bed categories."""
    rows = (
        await BedCategory.select()
        .where((BedCategory.shelter == shelter_id) & (BedCategory.active == True))  # noqa: E712
        .order_by(BedCategory.id)
    )
    return [OperatorCategory.from_row(row) for row in rows]


def shelter_stale(confirmations: Sequence[datetime], settings: Settings) -> bool:
    """A shelter without categories, or with one not confirmed lately, cannot be trusted."""
    moment = now()
    return not confirmations or any(
        is_stale(confirmed_at, moment, settings.stale_hours) for confirmed_at in confirmations
    )


async def locked_category(category_id: int) -> OperatorCategory:
    """The category, locked for this transaction (FOR UPDATE on PostgreSQL; SQLite's
    BEGIN IMMEDIATE holds the write lock already)."""
    query = BedCategory.select().where(BedCategory.id == category_id)
    if isinstance(engine(), PostgresEngine):
        query = query.lock_rows("UPDATE")
    row = await query.first()
    if row is None:
        raise NotFound
    return OperatorCategory.from_row(row)


async def record_counts(category: OperatorCategory, kind: str, actor: Actor | int | None) -> None:
    """One history row with the category's counts after a change (for occupancy statistics)."""
    user_id = actor.user_id if isinstance(actor, Actor) else actor
    await AvailabilityChange.insert(
        AvailabilityChange(
            category=category.id,
            shelter=category.shelter_id,
            at=now(),
            kind=kind,
            actor_user_id=user_id,
            capacity=category.capacity,
            out_of_service=category.out_of_service,
            occupied=category.occupied,
            held=category.held,
            external=category.external,
            free=category.free,
        )
    )


async def move_bed(
    category_id: int, *, from_: BedCount, to: BedCount, kind: str, actor: Actor | None
) -> OperatorCategory:
    """Move one bed of a category from one count to another (held, released, taken in, left)
    and write the history row of the new counts; returns the category as it is now.

    One conditional UPDATE and no read before it: of concurrent attempts on the last free bed
    only one finds ``free > 0``. The other moves are settled by the hold or placement they
    belong to; the CHECK constraint on the counts is their backstop. A Conflict when no bed is
    free (or the category is closed), NotFound when there is no such category.
    """
    source, target = COUNT_COLUMNS[from_], COUNT_COLUMNS[to]
    condition: Combinable = BedCategory.id == category_id
    if from_ == "free":
        condition = condition & (BedCategory.free > 0) & (BedCategory.active == True)  # noqa: E712
    rows = (
        await BedCategory.update(
            {source: source - 1, target: target + 1, BedCategory.version: BedCategory.version + 1}
        )
        .where(condition)
        .returning(*BedCategory.all_columns())
    )
    if not rows:
        if from_ == "free" and await BedCategory.exists().where(BedCategory.id == category_id):
            raise _no_bed()
        raise NotFound
    category = OperatorCategory.from_row(rows[0])
    await record_counts(category, kind, actor)
    return category


# --- holds and the people in them ----------------------------------------------------------


async def hold_row(hold_id: int) -> BedHold:
    row = await Hold.select(*HOLD_COLUMNS).where(Hold.id == hold_id).first()
    if row is None:
        raise NotFound
    return BedHold(**row)


async def profile_for_shelter(
    actor: Actor, beneficiary_id: int, basis: dict[str, int]
) -> MinimalProfile:
    """The minimal profile a shelter's staff see of a person; the read is audited with its
    ``basis`` (the hold or placement that brings the person there)."""
    async with write_transaction():
        await audit.record(
            "beneficiary.minimal_profile_read",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            detail=basis,
        )
    return await beneficiaries.minimal_profile(beneficiary_id)
