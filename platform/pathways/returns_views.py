"""Return programme pages: the plans in reach with the referral form, one plan with its stages
and tasks (each task's buttons read the transition table), and the printable summary."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Template

from accounts.domain import Actor
from accounts.policy import has_permission
from accounts.web import CurrentActor, permitted, signed_in
from beneficiaries import services as beneficiaries
from beneficiaries.codes import common_languages, countries
from fristad.errors import Conflict, InvalidInput, PermissionDenied
from fristad.i18n import gettext as _
from fristad.web import Id, flash, form_errors, page, see_other
from grants import services as grants
from grants.domain import parse_kronor
from pathways import services
from pathways.returns_schemas import AcceptForm, CostForm, CostIn, ReferralForm, TaskForm

Form = Body(media_type=RequestEncodingType.URL_ENCODED)
BASE = "/pathways/returns"


def _ore(kronor: str) -> int:
    """Typed kronor as öre; empty is nothing, unreadable is -1 (the service refuses it)."""
    if not kronor.strip():
        return 0
    amount = parse_kronor(kronor)
    return -1 if amount is None else amount


async def _list_page(
    actor: Actor, form: ReferralForm | None = None, errors: dict[str, str] | None = None
) -> Template:
    return page(
        "pathways/returns/list.html",
        plans=await services.list_return_plans(actor),
        may_refer=bool(has_permission(actor, "return.refer")),
        form=form or ReferralForm(),
        authorities=await services.authorities(),
        countries=countries(),
        languages=common_languages(),
        errors=errors,
    )


async def _plan_page(actor: Actor, plan_id: int, errors: dict[str, str] | None = None) -> Template:
    plan = await services.get_return_plan(actor, plan_id)
    may_cost = bool(has_permission(actor, "return.cost")) and plan.referrer_id == (
        actor.organisation_id
    )
    return page(
        "pathways/returns/plan.html",
        plan=plan,
        may_decide=bool(has_permission(actor, "return.decide")),
        may_depart=bool(has_permission(actor, "return.depart")),
        may_cost=may_cost,
        partners=await services.partners(),
        programmes=[(item.id, item.name) for item in await grants.open_programmes()]
        if may_cost
        else [],
        errors=errors,
    )


class ReturnsController(Controller):
    path = BASE
    guards = [signed_in, permitted("return.read")]
    include_in_schema = False

    @get("/", name="return_plans")
    async def plans(self, actor: CurrentActor) -> Template:
        return await _list_page(actor)

    @post("/", guards=[permitted("return.refer")])
    async def refer(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        data: Annotated[ReferralForm, Form],
    ) -> Template | Response[Any]:
        try:
            if data.authority_id is None:
                raise InvalidInput({"authority_id": _("Choose the authority.")})
            beneficiary_id = await beneficiaries.case_id_by_code(actor, data.code)
            plan = await services.refer_to_return(
                actor,
                services.ReferralIn(
                    beneficiary_id=beneficiary_id,
                    authority_id=data.authority_id,
                    country=data.country,
                    language=data.language,
                    interpreter_present=bool(data.interpreter_present),
                ),
            )
        except (InvalidInput, Conflict) as error:
            return await _list_page(actor, data, form_errors(error))
        flash(request, _("The person has been referred to the return programme."))
        return see_other(request, f"{BASE}/{plan.id}")

    @get("/{plan_id:int}", name="return_plan")
    async def plan(self, actor: CurrentActor, plan_id: Id) -> Template:
        return await _plan_page(actor, plan_id)

    @post("/{plan_id:int}/accept", guards=[permitted("return.decide")])
    async def accept(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        plan_id: Id,
        data: Annotated[AcceptForm, Form],
    ) -> Template | Response[Any]:
        try:
            await services.accept_referral(actor, plan_id, data.partner_id or 0)
        except (InvalidInput, Conflict) as error:
            return await _plan_page(actor, plan_id, form_errors(error))
        flash(request, _("The referral is accepted and the partner brought in."))
        return see_other(request, f"{BASE}/{plan_id}")

    @post("/{plan_id:int}/decline", guards=[permitted("return.decide")])
    async def decline(
        self, request: Request[Any, Any, Any], actor: CurrentActor, plan_id: Id
    ) -> Template | Response[Any]:
        try:
            await services.decline_referral(actor, plan_id)
        except Conflict as error:
            return await _plan_page(actor, plan_id, form_errors(error))
        flash(request, _("The referral has been declined."))
        return see_other(request, f"{BASE}/{plan_id}")

    @post("/{plan_id:int}/depart", guards=[permitted("return.depart")])
    async def depart(
        self, request: Request[Any, Any, Any], actor: CurrentActor, plan_id: Id
    ) -> Template | Response[Any]:
        try:
            await services.record_departure(actor, plan_id)
        except Conflict as error:
            return await _plan_page(actor, plan_id, form_errors(error))
        flash(request, _("The departure is recorded; the case is now returned home."))
        return see_other(request, f"{BASE}/{plan_id}")

    @post("/{plan_id:int}/tasks/{task_id:int}", guards=[permitted("return.task")])
    async def move_task(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        plan_id: Id,
        task_id: Id,
        data: Annotated[TaskForm, Form],
    ) -> Template | Response[Any]:
        try:
            await services.move_task(
                actor,
                plan_id,
                task_id,
                data.action,
                outcome=data.outcome or None,
                due_on=data.due_on,
            )
        except (InvalidInput, Conflict, PermissionDenied) as error:
            return await _plan_page(actor, plan_id, form_errors(error))
        flash(request, _("The task has been updated."))
        return see_other(request, f"{BASE}/{plan_id}#task-{task_id}")

    @post("/{plan_id:int}/cost", guards=[permitted("return.cost")])
    async def cost(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        plan_id: Id,
        data: Annotated[CostForm, Form],
    ) -> Template | Response[Any]:
        try:
            if data.programme_id is None:
                raise InvalidInput({"programme_id": _("Choose the programme.")})
            support_request_id = await services.draft_return_cost(
                actor,
                plan_id,
                CostIn(
                    programme_id=data.programme_id,
                    travel=_ore(data.travel),
                    escort=_ore(data.escort),
                    reintegration=_ore(data.reintegration),
                ),
            )
        except (InvalidInput, Conflict) as error:
            return await _plan_page(actor, plan_id, form_errors(error))
        flash(request, _("A draft support request for the return's cost has been made."))
        return see_other(request, f"/grants/requests/{support_request_id}")

    @get("/{plan_id:int}/print", name="return_plan_print")
    async def printable(
        self, actor: CurrentActor, plan_id: Id, language: FromQuery[str] = "en"
    ) -> Template:
        return page(
            "pathways/returns/print.html",
            summary=await services.printed_summary(actor, plan_id, language[:8]),
            plan_id=plan_id,
        )
