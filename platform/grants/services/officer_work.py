"""The officers' own work: taking a request ("assigned to me") and their in-app notices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from fristad.database import write_transaction
from fristad.errors import Conflict
from fristad.i18n import gettext as _
from grants.domain import QUEUE, State
from grants.services._common import now, read_support_request, support_request_in_reach
from grants.services.models import SupportRequestRecord
from grants.tables import GrantNotice, SupportRequest

# A request can be taken while officers still work on it.
TAKEABLE = (*QUEUE, State.INFO_REQUESTED)


@dataclass(frozen=True)
class OfficerNotice:
    id: int
    # acute, confirmation
    kind: str
    support_request_id: int
    created_at: datetime


async def take_request(actor: Actor, support_request_id: int) -> SupportRequestRecord:
    """The officer takes the request: it is assigned to them (from whoever had it)."""
    require(actor, "support_request.decide")
    await support_request_in_reach(actor, support_request_id)
    async with write_transaction():
        taken = (
            await SupportRequest.update({SupportRequest.assigned_to: actor.user_id})
            .where(
                (SupportRequest.id == support_request_id)
                & SupportRequest.state.is_in(list(TAKEABLE))
            )
            .returning(SupportRequest.id)
        )
        if not taken:
            raise Conflict(_("Only a request still waiting for a decision can be taken."))
        await audit.record(
            "support_request.taken",
            actor=actor,
            object_type="support_request",
            object_id=support_request_id,
        )
    return await read_support_request(support_request_id)


async def take_notices(actor: Actor) -> list[OfficerNotice]:
    """The officer's unread notices, newest first; shown once, so they are marked read."""
    require(actor, "support_request.queue")
    rows = (
        await GrantNotice.select()
        .where((GrantNotice.user == actor.user_id) & GrantNotice.read_at.is_null())
        .order_by(GrantNotice.id, ascending=False)
        .limit(20)
    )
    if rows:
        async with write_transaction():
            await GrantNotice.update({GrantNotice.read_at: now()}).where(
                GrantNotice.id.is_in([row["id"] for row in rows])
            )
    return [
        OfficerNotice(row["id"], row["kind"], row["request"], row["created_at"]) for row in rows
    ]
