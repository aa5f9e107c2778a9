"""The return's cost (travel, escort, reintegration grant) as a pre-filled draft support
request in the programme's return category: the referring organisation checks and submits it
in grants, like any request."""

from __future__ import annotations

import datetime as dt

from accounts import audit
from accounts.domain import Actor
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput
from fristad.i18n import gettext as _
from fristad.schemas import MAX_AMOUNT
from grants import services as grants
from grants.schemas import CostLineIn, RequestIn
from pathways.returns_schemas import CostIn
from pathways.services.return_plans import now, plan_in_reach
from pathways.tables import ReturnPlan


async def draft_return_cost(actor: Actor, plan_id: int, data: CostIn) -> int:
    """Draft the support request for the return's cost (the referring organisation, once the
    plan is accepted); returns its id. Only amounts above zero become cost lines."""
    plan = await plan_in_reach(actor, plan_id, "return.cost")
    if plan["referrer"] != actor.organisation_id:
        raise Conflict(_("The referring organisation applies for the return's cost."))
    if plan["state"] not in ("accepted", "departed"):
        raise Conflict(_("The return's cost is applied for once the referral is accepted."))
    if plan["cost_request_id"] is not None:
        raise Conflict(_("The return's cost has been applied for already."))
    lines = [
        CostLineIn(description=description, quantity=1, unit="item", unit_price=amount)
        for description, amount in (
            (_("Travel home"), data.travel),
            (_("Escort on the journey"), data.escort),
            (_("Reintegration grant"), data.reintegration),
        )
        if amount > 0
    ]
    amounts = (data.travel, data.escort, data.reintegration)
    if not lines or any(not 0 <= amount <= MAX_AMOUNT for amount in amounts):
        raise InvalidInput({"travel": _("Enter the cost of the travel, escort or grant.")})
    programme = next(
        (item for item in await grants.open_programmes() if item.id == data.programme_id), None
    )
    if programme is None:
        raise InvalidInput({"programme_id": _("Choose a programme that takes applications.")})
    # Within the programme's period: from today (or its start) to the travel, or 60 days.
    start = max(now().date(), programme.starts_on)
    wanted = plan["travel_date"] if plan["travel_date"] and plan["travel_date"] > start else None
    end = min(wanted or start + dt.timedelta(days=60), programme.ends_on)
    support_request_id = await grants.create_request(
        actor,
        RequestIn(
            programme_id=data.programme_id,
            beneficiary_id=plan["beneficiary"],
            category="return",
            period_start=start,
            period_end=end,
            justification=_(
                "A voluntary return home through the return programme with IOM: travel, "
                "escort and a reintegration grant, as in the return plan."
            ),
            lines=lines,
        ),
    )
    async with write_transaction():
        await ReturnPlan.update({ReturnPlan.cost_request_id: support_request_id}).where(
            ReturnPlan.id == plan_id
        )
        await audit.record(
            "return.cost_drafted",
            actor=actor,
            object_type="beneficiary",
            object_id=plan["beneficiary"],
            detail={"plan_id": plan_id, "support_request_id": support_request_id},
        )
    return support_request_id
