"""Case plan pages: the plan on the person's case (an action changes in its row by htmx, or by
a plain post without JavaScript), the minors' path forms, the overdue notices, and the
coordinator's region view (their start page)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

from accounts.domain import Actor
from accounts.policy import has_permission
from accounts.web import CurrentActor, permitted, signed_in
from fristad.errors import Conflict, InvalidInput, PermissionDenied
from fristad.i18n import gettext as _
from fristad.web import Id, flash, form_errors, page, parse_form, see_other, wants_fragment
from pathways import services
from pathways.plans_schemas import (
    ActionChangeIn,
    GuardianConsentIn,
    GuardianIn,
    SeedIn,
    SocialServicesIn,
)

Form = Body(media_type=RequestEncodingType.URL_ENCODED)


def _plan_path(beneficiary_id: int) -> str:
    return f"/beneficiaries/{beneficiary_id}/plan"


async def _plan_page(
    actor: Actor,
    beneficiary_id: int,
    errors: dict[str, str] | None = None,
    form: Any = None,
) -> Template:
    plan = await services.case_plan(actor, beneficiary_id)
    # The return programme is the owning organisation's to refer to (and its plan to open).
    may_refer = plan.owner and bool(has_permission(actor, "return.refer"))
    return_plan_id = (
        await services.return_plan_of_case(actor, beneficiary_id) if may_refer else None
    )
    return page(
        "pathways/plans/plan.html",
        plan=plan,
        errors=errors,
        form=form,
        may_refer=may_refer,
        return_plan_id=return_plan_id,
    )


class CasePlanController(Controller):
    """The plan of one case: for the organisations on the case (services decide)."""

    path = "/beneficiaries/{beneficiary_id:int}/plan"
    guards = [signed_in, permitted("case_plan.read")]
    include_in_schema = False

    @get("/", name="case_plan")
    async def plan(self, actor: CurrentActor, beneficiary_id: Id) -> Template:
        return await _plan_page(actor, beneficiary_id)

    @post("/seed", guards=[permitted("case_plan.write")])
    async def seed(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        beneficiary_id: Id,
        data: Annotated[SeedIn, Form],
    ) -> Template | Response[Any]:
        try:
            await services.seed_case_plan(actor, beneficiary_id, data.situation)
        except InvalidInput as error:
            return await _plan_page(actor, beneficiary_id, form_errors(error))
        flash(request, _("The template's actions have been added to the plan."))
        return see_other(request, _plan_path(beneficiary_id))

    @post("/minor/social-services", guards=[permitted("case_plan.write")])
    async def social_services(
        self, request: Request[Any, Any, Any], actor: CurrentActor, beneficiary_id: Id
    ) -> Template | Response[Any]:
        try:
            data = await parse_form(request, SocialServicesIn)
            if data.notified_on is None:
                raise InvalidInput({"notified_on": _("Enter the day social services were told.")})
            await services.record_social_services(
                actor, beneficiary_id, data.municipality, data.notified_on
            )
        except (InvalidInput, Conflict) as error:
            return await _plan_page(actor, beneficiary_id, form_errors(error))
        flash(request, _("The notification of social services is recorded."))
        return see_other(request, _plan_path(beneficiary_id))

    @post("/minor/guardian", guards=[permitted("case_plan.write")])
    async def guardian(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        beneficiary_id: Id,
        data: Annotated[GuardianIn, Form],
    ) -> Template | Response[Any]:
        try:
            await services.record_guardian(
                actor, beneficiary_id, data.guardian_name, data.guardian_contact
            )
        except (InvalidInput, Conflict, PermissionDenied) as error:
            return await _plan_page(actor, beneficiary_id, form_errors(error), form=data)
        flash(request, _("The guardian is recorded."))
        return see_other(request, _plan_path(beneficiary_id))

    @post("/minor/consent", guards=[permitted("case_plan.write")])
    async def consent(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        beneficiary_id: Id,
        data: Annotated[GuardianConsentIn, Form],
    ) -> Template | Response[Any]:
        try:
            await services.record_guardian_consent(actor, beneficiary_id, data.given_by)
        except (InvalidInput, Conflict) as error:
            return await _plan_page(actor, beneficiary_id, form_errors(error))
        flash(request, _("Who gave the consent is recorded."))
        return see_other(request, _plan_path(beneficiary_id))


class PlanActionController(Controller):
    path = "/pathways/plans"
    guards = [signed_in]
    include_in_schema = False

    @post("/actions/{action_id:int}", guards=[permitted("case_plan.write")])
    async def change(
        self, request: Request[Any, Any, Any], actor: CurrentActor, action_id: Id
    ) -> Template | Response[Any]:
        """One action changed: its row again for htmx, else back to the plan."""
        errors: dict[str, str] = {}
        action = None
        try:
            data = await parse_form(request, ActionChangeIn)
            action = await services.change_action(
                actor,
                action_id,
                services.ActionChange(data.state, data.outcome, data.due_on, data.owner),
            )
        except (InvalidInput, Conflict) as error:
            errors = form_errors(error)
        if action is None:
            action = await services.plan_action(actor, action_id)
        if wants_fragment(request):
            plan = await services.case_plan(actor, action.beneficiary_id)
            return page(
                "pathways/plans/partials/action_row.html",
                action=action,
                plan=plan,
                row_errors=errors,
                status_code=422 if errors else 200,
            )
        if errors:
            return await _plan_page(actor, action.beneficiary_id, errors)
        flash(request, _("The action is saved."))
        return see_other(request, _plan_path(action.beneficiary_id))

    @get("/notices", name="plan_notices", guards=[permitted("case_plan.read")])
    async def notices(self, actor: CurrentActor) -> Template:
        return page("pathways/plans/notices.html", notices=await services.plan_notices(actor))

    @get("/region", name="plan_region", guards=[permitted("case_plan.region")])
    async def region(self, actor: CurrentActor) -> Template:
        return page(
            "pathways/plans/region.html",
            view=await services.region_view(actor),
            notices=await services.plan_notices(actor),
        )
