"""The history of services' capacity: each rise of ``available`` is recorded in the transaction
that raised it, and reverse matching reads the rises from where it last stopped (a cursor)."""

from __future__ import annotations

from datetime import datetime

from accounts.domain import Actor
from providers.services._common import now
from providers.services.models import CapacityRise
from providers.tables import CapacityChange, Reservation


async def record_rise(
    service_id: int, kind: str, available: int, actor: Actor | int | None = None
) -> None:
    """One history row: the service's available capacity rose to ``available`` (inside the
    caller's write transaction, so a rolled-back change leaves no trace)."""
    await CapacityChange.insert(
        CapacityChange(
            service=service_id,
            at=now(),
            kind=kind,
            actor_user_id=actor.user_id if isinstance(actor, Actor) else actor,
            available=available,
        )
    )


async def capacity_rises(*, after: int, limit: int) -> list[CapacityRise]:
    """The rises of any service's available capacity from history id ``after`` on, oldest first
    (for matching, which decides itself whom to tell)."""
    rows = (
        await CapacityChange.select(
            CapacityChange.id, CapacityChange.service, CapacityChange.at, CapacityChange.available
        )
        .where(CapacityChange.id > after)
        .order_by(CapacityChange.id)
        .limit(limit)
    )
    return [CapacityRise(row["id"], row["service"], row["at"], row["available"]) for row in rows]


async def latest_capacity_change() -> int:
    """The id of the newest rise of any service's capacity (0 when there is none)."""
    row = (
        await CapacityChange.select(CapacityChange.id)
        .order_by(CapacityChange.id, ascending=False)
        .first()
    )
    return int(row["id"]) if row else 0


async def reserved_or_answered(service_id: int, *, since: datetime) -> set[int]:
    """The persons a rise of this service's capacity is no news to: those with a reservation of
    it still waiting, and those whose reservation of it the provider accepted or declined since
    ``since`` (a person just turned down is not offered the same service again)."""
    rows = await Reservation.select(Reservation.beneficiary).where(
        (Reservation.service == service_id)
        & (
            (Reservation.status == "pending")
            | (
                Reservation.status.is_in(["accepted", "declined"])
                & (Reservation.answered_at > since)
            )
        )
    )
    return {row["beneficiary"] for row in rows}
