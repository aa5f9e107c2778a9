"""The return programme's JSON API under /api/v1: the pages' twins (the same services and rules)."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts.web import CurrentActor, signed_in
from fristad.web import PROBLEMS, Id
from pathways import services
from pathways.returns_schemas import AcceptIn, CostIn, CostRequestOut, ReferralApiIn, TaskIn


class ReturnsApi(Controller):
    path = "/api/v1/return-plans"
    guards = [signed_in]
    tags = ["pathways"]
    security = [{"BearerToken": []}]

    @get(
        "/",
        summary="The return plans in the token's reach",
        responses=PROBLEMS,
        operation_id="listReturnPlans",
    )
    async def plans(self, actor: CurrentActor) -> list[services.ReturnPlanRow]:
        return await services.list_return_plans(actor)

    @post(
        "/",
        summary="Refer one of the organisation's cases to the return programme (needs share_iom)",
        status_code=HTTP_201_CREATED,
        responses=PROBLEMS,
        operation_id="referToReturnProgramme",
    )
    async def refer(
        self, actor: CurrentActor, data: JSONBody[ReferralApiIn]
    ) -> services.ReturnPlanView:
        return await services.refer_to_return(
            actor,
            services.ReferralIn(
                beneficiary_id=data.beneficiary_id,
                authority_id=data.authority_id,
                country=data.country,
                language=data.language,
                interpreter_present=data.interpreter_present,
            ),
        )

    @get(
        "/{plan_id:int}",
        summary="One return plan (the partner: the minimal profile and the plan)",
        responses=PROBLEMS,
        operation_id="getReturnPlan",
    )
    async def plan(self, actor: CurrentActor, plan_id: Id) -> services.ReturnPlanView:
        return await services.get_return_plan(actor, plan_id)

    @post(
        "/{plan_id:int}/accept",
        summary="Accept a referral and bring in the partner (return officers)",
        status_code=HTTP_200_OK,
        responses=PROBLEMS,
        operation_id="acceptReturnReferral",
    )
    async def accept(
        self, actor: CurrentActor, plan_id: Id, data: JSONBody[AcceptIn]
    ) -> services.ReturnPlanView:
        return await services.accept_referral(actor, plan_id, data.partner_id)

    @post(
        "/{plan_id:int}/decline",
        summary="Decline a referral (return officers)",
        status_code=HTTP_200_OK,
        responses=PROBLEMS,
        operation_id="declineReturnReferral",
    )
    async def decline(self, actor: CurrentActor, plan_id: Id) -> services.ReturnPlanView:
        return await services.decline_referral(actor, plan_id)

    @post(
        "/{plan_id:int}/depart",
        summary="Record the departure: the case becomes returned",
        status_code=HTTP_200_OK,
        responses=PROBLEMS,
        operation_id="recordReturnDeparture",
    )
    async def depart(self, actor: CurrentActor, plan_id: Id) -> services.ReturnPlanView:
        return await services.record_departure(actor, plan_id)

    @post(
        "/{plan_id:int}/tasks/{task_id:int}",
        summary="Move a task of the plan by its transition table (a follow-up done: its outcome)",
        status_code=HTTP_200_OK,
        responses=PROBLEMS,
        operation_id="moveReturnTask",
    )
    async def move_task(
        self, actor: CurrentActor, plan_id: Id, task_id: Id, data: JSONBody[TaskIn]
    ) -> services.ReturnPlanView:
        return await services.move_task(
            actor, plan_id, task_id, data.action, outcome=data.outcome, due_on=data.due_on
        )

    @post(
        "/{plan_id:int}/cost",
        summary="Draft the support request for the return's cost (amounts in öre)",
        status_code=HTTP_201_CREATED,
        responses=PROBLEMS,
        operation_id="draftReturnCost",
    )
    async def cost(
        self, actor: CurrentActor, plan_id: Id, data: JSONBody[CostIn]
    ) -> CostRequestOut:
        return CostRequestOut(
            support_request_id=await services.draft_return_cost(actor, plan_id, data)
        )

    @get(
        "/{plan_id:int}/summary",
        summary="The consent text and plan summary in a language (English when untranslated)",
        responses=PROBLEMS,
        operation_id="getReturnPlanSummary",
    )
    async def summary(
        self, actor: CurrentActor, plan_id: Id, language: FromQuery[str] = "en"
    ) -> services.PrintedSummary:
        return await services.printed_summary(actor, plan_id, language[:8])
