"""Everything a person's page shows, read with one reach check instead of one per part."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.domain import Actor
from beneficiaries.services.consent import recorded_consents
from beneficiaries.services.models import (
    Access,
    BeneficiaryView,
    ConsentEntry,
    ShareEntry,
    StatusEntry,
    TrailEvent,
)
from beneficiaries.services.records import get_beneficiary, trail_events
from beneficiaries.services.sharing import offered_shares
from beneficiaries.services.situation import SituationItem, current_situation
from beneficiaries.services.status import status_changes


@dataclass(frozen=True)
class RecordPage:
    """The record as the actor may see it; the rest only for the owning organisation."""

    view: BeneficiaryView
    history: list[StatusEntry]
    situation: list[SituationItem]
    consents: list[ConsentEntry]
    shares: list[ShareEntry]
    trail: list[TrailEvent]


async def record_page(actor: Actor, beneficiary_id: int, *, trail_limit: int) -> RecordPage:
    """Open the record (audited, as ``get_beneficiary``) and read what its page shows: what
    ``status_history`` gives whoever may read it, and for the owning organisation what
    ``situation_of``, ``consents_of``, ``shares_of`` and ``trail`` give (the newest
    ``trail_limit`` events)."""
    view = await get_beneficiary(actor, beneficiary_id)
    history = await status_changes(beneficiary_id)
    if view.access != Access.OWNER:
        return RecordPage(view, history, situation=[], consents=[], shares=[], trail=[])
    record = view.record
    return RecordPage(
        view,
        history,
        situation=await current_situation(beneficiary_id, record.status, record.anonymised_at),
        consents=await recorded_consents(beneficiary_id),
        shares=await offered_shares(beneficiary_id),
        trail=await trail_events(beneficiary_id, limit=trail_limit),
    )
