"""A case that closes: its support requests still running before payment end with it.

Matching calls these for beneficiaries (which may not import grants) inside the transaction of
the status change, after the case row is locked; a new request for the person locks the same row
first (``save_draft``), so none is made unseen while the case is closing.
"""

from __future__ import annotations

from collections.abc import Collection

from accounts import audit
from accounts.domain import Actor
from grants.domain import ENDED_WITH_CASE, FUNDED, OPEN_BEFORE_PAYMENT
from grants.services._common import move, read_support_request
from grants.services.decisions import release_funds
from grants.services.models import SupportRequestRecord, support_request_query, support_requests_of
from grants.tables import SupportRequest


async def requests_of_case(beneficiary_id: int) -> list[SupportRequestRecord]:
    """The person's support requests not yet paid, rejected, withdrawn or closed."""
    rows = (
        await support_request_query()
        .where(
            (SupportRequest.beneficiary == beneficiary_id)
            & SupportRequest.state.is_in(sorted(OPEN_BEFORE_PAYMENT))
        )
        .order_by(SupportRequest.id)
    )
    return await support_requests_of(rows)


def ends_with_case(support_request: SupportRequestRecord) -> bool:
    """A closing case can withdraw it (not a decision awaiting its second officer)."""
    return support_request.state in ENDED_WITH_CASE


async def withdraw_requests_of_case(
    actor: Actor, beneficiary_id: int, *, keep: Collection[int] = ()
) -> list[SupportRequestRecord]:
    """Inside the caller's write transaction: withdraw each request of the closing case that
    can be withdrawn, but those in ``keep`` (a stay they pay for is settled by its nights);
    money committed and unpaid goes back to the budget. Returns the withdrawn."""
    withdrawn = []
    for support_request in await requests_of_case(beneficiary_id):
        if support_request.id in keep or not ends_with_case(support_request):
            continue
        await move(actor, support_request, "withdraw")
        if support_request.state in FUNDED:
            unpaid = support_request.approved_amount - support_request.paid_amount
            await release_funds(support_request, unpaid, "withdrawal", actor)
        await audit.record(
            "support_request.withdrawn",
            actor=actor,
            object_type="support_request",
            object_id=support_request.id,
            detail={"why": "case_closed", "beneficiary_id": beneficiary_id},
        )
        withdrawn.append(await read_support_request(support_request.id))
    return withdrawn
