"""The secret street address: the operator's staff, and the caseworker who placed someone there
while the placement lasts. Every read is audited; anyone else gets a NotFound."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from accounts import audit
from accounts.domain import Actor
from fristad import crypto
from fristad.database import write_transaction
from fristad.errors import NotFound
from shelters.services._common import operates, shelter_row
from shelters.tables import Placement


async def shelter_address(actor: Actor, shelter_id: int) -> str:
    """The street address of a shelter the actor works for or placed someone in (audited)."""
    shelter = await shelter_row(shelter_id)
    if operates(actor, shelter["operator"]):
        return await read_address(actor, shelter, why="operator")
    placed = (
        await Placement.select(Placement.id)
        .where(
            (Placement.shelter == shelter_id)
            & (Placement.placed_by == actor.user_id)
            & (Placement.organisation == actor.organisation_id)
            & Placement.discharged_at.is_null()
        )
        .first()
    )
    if placed is None:
        raise NotFound
    return await read_address(actor, shelter, why=f"placement:{placed['id']}")


async def read_address(actor: Actor, shelter: Mapping[str, Any], *, why: str) -> str:
    """Decrypt the address of a shelter row, recording who read it and on what ``why``."""
    async with write_transaction():
        await audit.record(
            "shelter.address_read",
            actor=actor,
            object_type="shelter",
            object_id=shelter["id"],
            detail={"basis": why},
        )
    return crypto.decrypt(shelter["address_encrypted"])
