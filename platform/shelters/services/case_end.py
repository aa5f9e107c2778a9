"""A case that closes or returns home: its pending holds and its place end with it.

Matching calls these for beneficiaries (which may not import shelters) inside the transaction
of the status change, after the case row is locked; ``hold_bed`` and ``accept_hold`` lock the
same row first, so no hold is made or accepted unseen while a case is closing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from accounts import audit
from accounts.domain import Actor
from shelters import events, notify
from shelters.services._common import move_bed, now
from shelters.services.answers import close_hold
from shelters.tables import Hold, Placement


@dataclass(frozen=True)
class CaseBooking:
    """A pending hold or a current place of a person, with where it is (never the street)."""

    kind: str  # hold | placement
    id: int
    shelter_id: int
    shelter_name: str
    category_id: int
    category_name: str
    since: datetime  # held at, admitted at
    until: datetime | None  # a hold's expiry
    hold_id: int | None  # a place's: the hold it was made from (a funding link names it)


async def bookings_of_case(beneficiary_id: int) -> list[CaseBooking]:
    """The person's pending holds and current place."""
    holds = await Hold.select(
        Hold.id,
        Hold.shelter.as_alias("shelter_id"),
        Hold.shelter.name.as_alias("shelter_name"),
        Hold.category.as_alias("category_id"),
        Hold.category.name.as_alias("category_name"),
        Hold.created_at,
        Hold.expires_at,
    ).where((Hold.beneficiary == beneficiary_id) & (Hold.status == "pending"))
    stays = await Placement.select(
        Placement.id,
        Placement.shelter.as_alias("shelter_id"),
        Placement.shelter.name.as_alias("shelter_name"),
        Placement.category.as_alias("category_id"),
        Placement.category.name.as_alias("category_name"),
        Placement.admitted_at,
        Placement.hold.as_alias("hold_id"),
    ).where((Placement.beneficiary == beneficiary_id) & Placement.discharged_at.is_null())
    return [
        *(
            CaseBooking(
                "placement",
                row["id"],
                row["shelter_id"],
                row["shelter_name"],
                row["category_id"],
                row["category_name"],
                row["admitted_at"],
                None,
                row["hold_id"],
            )
            for row in stays
        ),
        *(
            CaseBooking(
                "hold",
                row["id"],
                row["shelter_id"],
                row["shelter_name"],
                row["category_id"],
                row["category_name"],
                row["created_at"],
                row["expires_at"],
                None,
            )
            for row in holds
        ),
    ]


async def end_bookings_of_case(actor: Actor, beneficiary_id: int, why: str) -> list[CaseBooking]:
    """Inside the caller's write transaction: release the pending holds and discharge the
    place of a case that ends (``why``: case_closed, returned_home); each bed is free again,
    each with its audit event and a notice to the shelter's staff. Returns what was ended."""
    ended = []
    for booking in await bookings_of_case(beneficiary_id):
        if booking.kind == "hold":
            # A hold past its deadline the sweep has not reached yet expires instead.
            released = await close_hold(booking.id, "released", {Hold.answered_by: actor.user_id})
            if not released and not await close_hold(booking.id, "expired", {}):
                continue  # answered meanwhile: it is no longer this case's to end
            await move_bed(
                booking.category_id, from_="held", to="free", kind="release", actor=actor
            )
            await audit.record(
                "hold.released" if released else "hold.expired",
                actor=actor,
                object_type="hold",
                object_id=booking.id,
                detail={"why": why, "beneficiary_id": beneficiary_id},
            )
            await notify.notice_staff(booking.shelter_id, "case_ended", booking.id)
        else:
            left = (
                await Placement.update(
                    {
                        Placement.discharged_at: now(),
                        Placement.discharge_reason: (
                            "returned_home" if why == "returned_home" else "other"
                        ),
                    }
                )
                .where((Placement.id == booking.id) & Placement.discharged_at.is_null())
                .returning(Placement.id)
            )
            if not left:
                continue
            await move_bed(
                booking.category_id, from_="occupied", to="free", kind="discharge", actor=actor
            )
            await audit.record(
                "placement.discharged",
                actor=actor,
                object_type="placement",
                object_id=booking.id,
                detail={"why": why, "beneficiary_id": beneficiary_id},
            )
            await notify.notice_staff(booking.shelter_id, "case_ended")
        ended.append(booking)
    return ended


async def publish_freed(hold_ids: Collection[int], placement_ids: Collection[int]) -> None:
    """After the commit: the board shows the beds these holds and places freed."""
    shelter_ids: list[int] = []
    if hold_ids:
        rows = await Hold.select(Hold.shelter).where(Hold.id.is_in(sorted(hold_ids)))
        shelter_ids += [row["shelter"] for row in rows]
    if placement_ids:
        rows = await Placement.select(Placement.shelter).where(
            Placement.id.is_in(sorted(placement_ids))
        )
        shelter_ids += [row["shelter"] for row in rows]
    for shelter_id in dict.fromkeys(shelter_ids):
        await events.publish(shelter_id)
