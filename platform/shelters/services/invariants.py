"""The invariants of the counts, checked against the holds and placements (tests and probes)."""

from __future__ import annotations

from shelters.services.models import OperatorCategory
from shelters.tables import BedCategory, Hold, Placement


async def broken_invariants() -> list[int]:
    """Ids of categories whose counts do not add up, or whose held and occupied counts differ
    from their pending holds and active placements. Empty when all is well."""
    broken = []
    for row in await BedCategory.select():
        category = OperatorCategory.from_row(row)
        counts = category.counts
        held = await Hold.count().where((Hold.category == category.id) & (Hold.status == "pending"))
        occupied = await Placement.count().where(
            (Placement.category == category.id) & Placement.discharged_at.is_null()
        )
        if (
            not counts.is_valid()
            or counts.free != category.free
            or category.free < 0
            or held != category.held
            or occupied != category.occupied
        ):
            broken.append(category.id)
    return broken
