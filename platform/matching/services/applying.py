"""What holding a bed and reserving a service from a match share: the support request opened
pre-filled in the matching budget category, and the link matching keeps between the two.

The scarce thing (the bed, the service's units) is taken first and committed; the request and
its link are then written in one transaction, and if that fails the hold or reservation is
given back, so a failure leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from piccolo.table import Table

from accounts import audit
from accounts.domain import Actor
from fristad.database import write_transaction
from fristad.errors import Conflict
from fristad.i18n import gettext as _
from grants import services as grants
from grants.domain import category_label
from grants.schemas import RequestIn
from grants.services import BudgetLeft


async def budget_for(category: str) -> BudgetLeft:
    """The open programme's budget in the category, or a Conflict saying there is none."""
    budget = await grants.budget_left(category)
    if budget is None:
        if category == "shelter":
            raise Conflict(_("No open programme has a shelter budget."))
        raise Conflict(
            _("No open programme has a budget for %(category)s: apply by hand.")
            % {"category": category_label(category).lower()}
        )
    return budget


def period_problem(budget: BudgetLeft, start: date, days: int) -> str | None:
    """A request's period must lie within the programme's: how many days are left, if too few."""
    if start + timedelta(days=days) <= budget.ends_on:
        return None
    return _("%(programme)s ends on %(date)s: at most %(nights)s nights.") % {
        "programme": budget.programme_name,
        "date": budget.ends_on.isoformat(),
        "nights": max((budget.ends_on - start).days, 0),
    }


async def open_linked_request(
    actor: Actor,
    draft: RequestIn,
    link_for: Callable[[int], Table],
    *,
    event: str,
    detail: dict[str, Any],
    undo: Callable[[], Awaitable[object]],
) -> tuple[int, int]:
    """Open the draft request and its link (``link_for(request_id)``) in one transaction and
    audit ``event``; on any failure ``undo()`` gives the held thing back. Returns (request id,
    link id)."""
    try:
        async with write_transaction():
            request_id = await grants.create_request(actor, draft)
            link = link_for(request_id)
            await link.save()
            await audit.record(
                event,
                actor=actor,
                object_type="beneficiary",
                object_id=draft.beneficiary_id,
                detail={**detail, "support_request": request_id},
            )
    except Exception:
        await undo()
        raise
    return request_id, int(link.id)  # type: ignore[attr-defined]  # every link has a Serial id
