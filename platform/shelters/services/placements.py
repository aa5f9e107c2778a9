"""Placements: the shelter's current residents placed through Fristad, and their discharge."""

from __future__ import annotations

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from beneficiaries import services as beneficiaries
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput, NotFound
from fristad.i18n import gettext as _
from shelters import events
from shelters.domain import DISCHARGE_REASONS
from shelters.services._common import (
    move_bed,
    now,
    operated_shelter,
    operates,
    profile_for_shelter,
)
from shelters.services.models import STAY_COLUMNS, Resident, Stay
from shelters.tables import Placement


async def placements(actor: Actor, shelter_id: int) -> list[Resident]:
    """The shelter's current residents placed through Fristad (minimal profiles, audited)."""
    shelter = await operated_shelter(actor, shelter_id)
    require(actor, "placement.discharge", shelter["operator"])
    rows = await Placement.select(*STAY_COLUMNS).where(
        (Placement.shelter == shelter_id) & Placement.discharged_at.is_null()
    )
    residents = []
    for row in rows:
        stay = Stay(**row)
        basis = {"placement_id": stay.id}
        residents.append(
            Resident(stay, await profile_for_shelter(actor, stay.beneficiary_id, basis))
        )
    return residents


async def discharge(actor: Actor, placement_id: int, reason: str) -> Stay:
    """The resident leaves: the bed is free at once and the case is open again."""
    stay = await _stay(placement_id)
    if stay is None or not operates(actor, stay.operator_id):
        raise NotFound
    require(actor, "placement.discharge", stay.operator_id)
    if reason not in DISCHARGE_REASONS:
        raise InvalidInput({"reason": _("Choose why the stay ended.")})
    async with write_transaction():
        # The case row first, as a closing case takes it (then the place): no deadlock with it.
        await beneficiaries.lock_case(stay.beneficiary_id, refuse=())
        left = (
            await Placement.update(
                {Placement.discharged_at: now(), Placement.discharge_reason: reason}
            )
            .where((Placement.id == placement_id) & Placement.discharged_at.is_null())
            .returning(Placement.id)
        )
        if not left:
            raise Conflict(_("The resident has been discharged already."))
        await move_bed(stay.category_id, from_="occupied", to="free", kind="discharge", actor=actor)
        await beneficiaries.end_placement(stay.beneficiary_id)
        await audit.record(
            "placement.discharged",
            actor=actor,
            object_type="placement",
            object_id=placement_id,
            detail={"reason": reason},
        )
    await events.publish(stay.shelter_id)
    ended = await _stay(placement_id)
    assert ended is not None  # placements are never deleted
    return ended


async def _stay(placement_id: int) -> Stay | None:
    row = await Placement.select(*STAY_COLUMNS).where(Placement.id == placement_id).first()
    return None if row is None else Stay(**row)
