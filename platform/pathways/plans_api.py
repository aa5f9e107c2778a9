"""Case plans' JSON API under /api/v1: the twins of the plan page, the minors' path, the
notices and the region view (bearer tokens; the same services and rules as the pages)."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK

from accounts.web import CurrentActor, signed_in
from fristad.errors import InvalidInput
from fristad.i18n import gettext as _
from fristad.web import PROBLEMS, Id
from pathways import services
from pathways.plans_schemas import (
    ActionChangeIn,
    CasePlanOut,
    GuardianConsentIn,
    GuardianIn,
    PlanActionOut,
    PlanNoticeOut,
    RegionOut,
    SeedIn,
    SocialServicesIn,
)

Out = TypeVar("Out", bound=msgspec.Struct)


def _out(model: Any, struct: type[Out]) -> Out:
    """The API's view of a read model: the fields ``struct`` names (the guardian's contact is
    never among them)."""
    return msgspec.convert(model, struct, from_attributes=True)


class CasePlanApi(Controller):
    path = "/api/v1"
    guards = [signed_in]
    tags = ["case plans"]
    security = [{"BearerToken": []}]

    @get(
        "/beneficiaries/{beneficiary_id:int}/plan",
        summary="The case's shared plan (for the organisations on the case)",
        responses=PROBLEMS,
        operation_id="getCasePlan",
    )
    async def plan(self, actor: CurrentActor, beneficiary_id: Id) -> CasePlanOut:
        return _out(await services.case_plan(actor, beneficiary_id), CasePlanOut)

    @post(
        "/beneficiaries/{beneficiary_id:int}/plan/seed",
        summary="Add a situation's template to the plan (actions on it already stay)",
        status_code=HTTP_200_OK,
        responses=PROBLEMS,
        operation_id="seedCasePlan",
    )
    async def seed(
        self, actor: CurrentActor, beneficiary_id: Id, data: JSONBody[SeedIn]
    ) -> CasePlanOut:
        plan = await services.seed_case_plan(actor, beneficiary_id, data.situation)
        return _out(plan, CasePlanOut)

    @patch(
        "/plan-actions/{action_id:int}",
        summary="Move an action by the transition table; its outcome, due day or owner",
        responses=PROBLEMS,
        operation_id="changePlanAction",
    )
    async def change(
        self, actor: CurrentActor, action_id: Id, data: JSONBody[ActionChangeIn]
    ) -> PlanActionOut:
        change = services.ActionChange(data.state, data.outcome, data.due_on, data.owner)
        return _out(await services.change_action(actor, action_id, change), PlanActionOut)

    @post(
        "/beneficiaries/{beneficiary_id:int}/plan/minor/social-services",
        summary="Record that social services of the municipality were notified of the child",
        status_code=HTTP_200_OK,
        responses=PROBLEMS,
        operation_id="recordSocialServicesNotified",
    )
    async def social_services(
        self, actor: CurrentActor, beneficiary_id: Id, data: JSONBody[SocialServicesIn]
    ) -> CasePlanOut:
        if data.notified_on is None:
            raise InvalidInput({"notified_on": _("Enter the day social services were told.")})
        plan = await services.record_social_services(
            actor, beneficiary_id, data.municipality, data.notified_on
        )
        return _out(plan, CasePlanOut)

    @post(
        "/beneficiaries/{beneficiary_id:int}/plan/minor/guardian",
        summary="Record the child's guardian (god man) as an encrypted contact of the case",
        status_code=HTTP_200_OK,
        responses=PROBLEMS,
        operation_id="recordGuardian",
    )
    async def guardian(
        self, actor: CurrentActor, beneficiary_id: Id, data: JSONBody[GuardianIn]
    ) -> CasePlanOut:
        plan = await services.record_guardian(
            actor, beneficiary_id, data.guardian_name, data.guardian_contact
        )
        return _out(plan, CasePlanOut)

    @post(
        "/beneficiaries/{beneficiary_id:int}/plan/minor/consent",
        summary="Record who gave the child's consent (with the guardian)",
        status_code=HTTP_200_OK,
        responses=PROBLEMS,
        operation_id="recordGuardianConsent",
    )
    async def consent(
        self, actor: CurrentActor, beneficiary_id: Id, data: JSONBody[GuardianConsentIn]
    ) -> CasePlanOut:
        plan = await services.record_guardian_consent(actor, beneficiary_id, data.given_by)
        return _out(plan, CasePlanOut)

    @get(
        "/plan-notices",
        summary="Overdue actions the token's organisation must act on",
        responses=PROBLEMS,
        operation_id="listPlanNotices",
    )
    async def notices(self, actor: CurrentActor) -> list[PlanNoticeOut]:
        return [_out(notice, PlanNoticeOut) for notice in await services.plan_notices(actor)]

    @get(
        "/region",
        summary="The coordinator's region: cases and their actions, acute requests, holds, beds",
        responses=PROBLEMS,
        operation_id="getRegionView",
    )
    async def region(self, actor: CurrentActor) -> RegionOut:
        return _out(await services.region_view(actor), RegionOut)
