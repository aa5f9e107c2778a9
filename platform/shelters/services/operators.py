"""Operators and their shelters: the operator's page, the +/− of a count, "still correct", and
the numbers an operator's own system pushes.

An operator's edit names the version of the category it saw: when the category changed since,
nothing is written and StaleEdit carries the fresh numbers to show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput, NotFound
from fristad.i18n import gettext as _
from fristad.settings import get_settings
from shelters import events
from shelters.domain import Counts, external_for
from shelters.policy import OPERATOR_ROLES
from shelters.services._common import (
    categories,
    locked_category,
    now,
    operated_shelter,
    record_counts,
    shelter_row,
    shelter_stale,
)
from shelters.services.address import read_address
from shelters.services.models import OperatorCategory, OperatorShelter, OperatorView
from shelters.tables import BedCategory, Hold, Shelter


async def operated_shelters(actor: Actor) -> list[OperatorShelter]:
    """The shelters of the actor's organisation (its staff and admins), with staleness."""
    if actor.organisation_id is None or not actor.has_role(*OPERATOR_ROLES):
        return []
    rows = (
        await Shelter.select()
        .where(Shelter.operator == actor.organisation_id)
        .order_by(Shelter.name)
    )
    return [await _operator_shelter(row) for row in rows]


async def _operator_shelter(row: Mapping[str, Any]) -> OperatorShelter:
    found = await categories(row["id"])
    return OperatorShelter(
        id=row["id"],
        operator_id=row["operator"],
        name=row["name"],
        municipality=row["municipality"],
        region=row["region"],
        active=row["active"],
        free=sum(category.free for category in found),
        stale=shelter_stale([category.confirmed_at for category in found], get_settings()),
        pending_holds=await Hold.count().where(
            (Hold.shelter == row["id"]) & (Hold.status == "pending")
        ),
        categories=tuple(found),
    )


async def operator_view(actor: Actor, shelter_id: int) -> OperatorView:
    """A shelter as its own staff see it, with the address (the read is audited)."""
    shelter = await operated_shelter(actor, shelter_id)
    require(actor, "shelter.update", shelter["operator"])
    return OperatorView(
        shelter=await _operator_shelter(shelter),
        address=await read_address(actor, shelter, why="operator"),
        categories=await categories(shelter_id),
    )


async def operator_category(actor: Actor, category_id: int) -> OperatorCategory:
    """A category of one of the actor's operator's shelters; NotFound otherwise."""
    row = await BedCategory.select().where(BedCategory.id == category_id).first()
    if row is None:
        raise NotFound
    await operated_shelter(actor, row["shelter"])
    return OperatorCategory.from_row(row)


class StaleEdit(Conflict):
    """The category changed since the operator looked; nothing was written. ``category`` holds
    the fresh numbers to show with the notice."""

    def __init__(self, category: OperatorCategory) -> None:
        super().__init__(
            _("Someone else changed these numbers a moment ago. Here are the current ones.")
        )
        self.category = category


ADJUSTABLE = ("free", "out_of_service")


async def adjust(
    actor: Actor, category_id: int, what: str, delta: int, *, version: int
) -> OperatorCategory:
    """One +/− click of an operator: one more or one fewer free bed (a resident from outside the
    programme left or came) or bed out of service. ``version`` is what the operator saw: if the
    category changed since, nothing is written and StaleEdit carries the fresh numbers."""
    if what not in ADJUSTABLE or delta not in (1, -1):
        raise InvalidInput({"": _("Unknown change.")})
    category = await operator_category(actor, category_id)
    shelter = await shelter_row(category.shelter_id)
    require(actor, "shelter.update", shelter["operator"])
    async with write_transaction():
        current = await locked_category(category_id)
        if current.version != version:
            raise StaleEdit(current)
        counts = current.counts
        if what == "free":
            external, out_of_service = counts.external - delta, counts.out_of_service
        else:
            external, out_of_service = counts.external, counts.out_of_service + delta
        changed = Counts(counts.capacity, out_of_service, counts.occupied, counts.held, external)
        if not changed.is_valid():
            raise Conflict(_adjust_refusal(what, delta))
        updated = await _write_counts(current, changed)
        await record_counts(updated, f"{what}{'+' if delta > 0 else '-'}", actor)
        await audit.record(
            "shelter.availability_changed",
            actor=actor,
            object_type="bed_category",
            object_id=category_id,
            detail={"what": what, "delta": delta, "free": updated.free},
        )
    await events.publish(updated.shelter_id)
    return updated


def _adjust_refusal(what: str, delta: int) -> str:
    if what == "free" and delta > 0:
        return _(
            "Every occupied bed is a Fristad placement or hold: discharge the resident or answer "
            "the hold instead."
        )
    if what == "out_of_service" and delta < 0:
        return _("No bed is out of service.")
    return _("No bed is free.")


async def confirm(actor: Actor, category_id: int) -> OperatorCategory:
    """ "Still correct": the operator vouches for the category's numbers as they are now."""
    category = await operator_category(actor, category_id)
    shelter = await shelter_row(category.shelter_id)
    require(actor, "shelter.update", shelter["operator"])
    async with write_transaction():
        rows = (
            await BedCategory.update({BedCategory.confirmed_at: now()})
            .where(BedCategory.id == category_id)
            .returning(*BedCategory.all_columns())
        )
        await Shelter.update({Shelter.reminded_at: None}).where(Shelter.id == shelter["id"])
        await audit.record(
            "shelter.availability_confirmed",
            actor=actor,
            object_type="bed_category",
            object_id=category_id,
        )
    await events.publish(shelter["id"])
    return OperatorCategory.from_row(rows[0])


@dataclass(frozen=True)
class CategoryNumbers:
    category_id: int
    free: int
    out_of_service: int
    version: int | None = None


async def set_availability(
    actor: Actor, shelter_id: int, numbers: list[CategoryNumbers]
) -> list[OperatorCategory]:
    """Set free and out-of-service beds of a shelter's categories at once (an operator's own
    system through the API). Fristad's holds and placements stay as they are: the rest of the
    occupancy is recorded as residents from outside the programme. All or nothing."""
    shelter = await operated_shelter(actor, shelter_id)
    require(actor, "shelter.update", shelter["operator"])
    async with write_transaction():
        for entry in numbers:
            current = await locked_category(entry.category_id)
            if current.shelter_id != shelter_id or not current.active:
                raise NotFound
            if entry.version is not None and entry.version != current.version:
                raise StaleEdit(current)
            counts = current.counts
            external = external_for(counts, free=entry.free, out_of_service=entry.out_of_service)
            if external is None:
                raise InvalidInput(
                    {
                        f"categories.{entry.category_id}": _(
                            "These numbers do not fit the category's capacity with the beds "
                            "Fristad has placed or held there."
                        )
                    }
                )
            changed = Counts(
                counts.capacity, entry.out_of_service, counts.occupied, counts.held, external
            )
            await record_counts(await _write_counts(current, changed), "set", actor)
        await Shelter.update({Shelter.reminded_at: None}).where(Shelter.id == shelter_id)
        await audit.record(
            "shelter.availability_set",
            actor=actor,
            object_type="shelter",
            object_id=shelter_id,
            detail={"categories": [entry.category_id for entry in numbers]},
        )
    await events.publish(shelter_id)
    return await categories(shelter_id)


async def _write_counts(current: OperatorCategory, counts: Counts) -> OperatorCategory:
    """Write an operator's numbers over the version read under the lock (and confirm them)."""
    rows = (
        await BedCategory.update(
            {
                BedCategory.out_of_service: counts.out_of_service,
                BedCategory.occupied: counts.occupied,
                BedCategory.held: counts.held,
                BedCategory.external: counts.external,
                BedCategory.free: counts.free,
                BedCategory.version: current.version + 1,
                BedCategory.confirmed_at: now(),
            }
        )
        .where((BedCategory.id == current.id) & (BedCategory.version == current.version))
        .returning(*BedCategory.all_columns())
    )
    if not rows:  # only reachable without a lock: the row moved on under us
        raise StaleEdit(await locked_category(current.id))
    return OperatorCategory.from_row(rows[0])
