"""The decision's reference (diarienummer): the programme's next number in its format."""

from __future__ import annotations

from datetime import datetime

from fristad.i18n import TIMEZONE
from grants.domain import format_reference
from grants.tables import Decision, Programme


async def give_reference(programme_id: int, decision_id: int) -> str:
    """Number the decision that takes effect, in the caller's transaction: one conditional
    write takes the programme's next number (so concurrent decisions never share one; the
    reference is UNIQUE as the backstop)."""
    (row,) = await Programme.raw(
        "UPDATE programme SET reference_seq = reference_seq + 1 WHERE id = {} "
        "RETURNING reference_seq, reference_format",
        programme_id,
    )
    year = datetime.now(TIMEZONE).year
    reference = format_reference(row["reference_format"], year, row["reference_seq"])
    await Decision.update({Decision.reference: reference}).where(Decision.id == decision_id)
    return reference
