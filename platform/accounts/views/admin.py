"""System administration pages: organisations, accounts and the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from accounts import audit, services
from accounts.domain import Actor, Role, role_label
from accounts.schemas import AuditFilterForm, OrganisationForm
from accounts.views._common import Form
from accounts.web import CurrentActor, system_admin
from fristad.errors import InvalidInput
from fristad.i18n import gettext as _
from fristad.regions import POLICE_REGIONS
from fristad.schemas import whole_number
from fristad.web import MAX_PAGE, AppSettings, Id, as_list, flash, page, see_other


class AdminController(Controller):
    """System administration: organisations, accounts and the audit log."""

    path = "/admin"
    guards = [system_admin]
    include_in_schema = False

    @get("/organisations", name="admin_organisations")
    async def organisations(self, actor: CurrentActor) -> Template:
        return await _organisations_page(actor)

    @post("/organisations")
    async def create_organisation(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        settings: AppSettings,
        data: Annotated[OrganisationForm, Form],
    ) -> Template | Response[Any]:
        kinds = set(as_list(data.kinds))
        try:
            organisation_id = await services.create_organisation(
                actor,
                services.NewOrganisation(
                    name=data.name,
                    org_number=data.org_number,
                    is_member_ngo="member_ngo" in kinds,
                    is_authority="authority" in kinds,
                    is_shelter_operator="shelter_operator" in kinds,
                    is_provider="provider" in kinds,
                    is_partner="partner" in kinds,
                    region=data.region or None,
                ),
            )
            if data.admin_email.strip():
                await services.invite(
                    actor, organisation_id, data.admin_email, Role.ORG_ADMIN, settings=settings
                )
        except InvalidInput as error:
            return await _organisations_page(actor, errors=error.errors, form=data)
        flash(request, _("The organisation has been created."))
        return see_other(request, "/admin/organisations")

    @get("/organisations/{organisation_id:int}")
    async def organisation(self, actor: CurrentActor, organisation_id: Id) -> Template:
        return page(
            "accounts/admin_organisation.html",
            organisation=await services.get_organisation(actor, organisation_id),
            members=await services.list_members(actor, organisation_id),
            role_label=role_label,
        )

    @post("/users/{user_id:int}/disable")
    async def disable_user(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        user_id: Id,
        organisation_id: FromQuery[int],
    ) -> Response[Any]:
        await services.set_user_active(actor, user_id, False)
        flash(request, _("The account has been disabled and signed out everywhere."))
        return see_other(request, f"/admin/organisations/{organisation_id}")

    @post("/users/{user_id:int}/enable")
    async def enable_user(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        user_id: Id,
        organisation_id: FromQuery[int],
    ) -> Response[Any]:
        await services.set_user_active(actor, user_id, True)
        flash(request, _("The account has been enabled."))
        return see_other(request, f"/admin/organisations/{organisation_id}")

    @get("/audit", name="audit")
    async def audit_log(
        self,
        action: FromQuery[str] = "",
        # "actor" in the query; the handler's own name is taken by the signed-in actor (DI).
        actor_filter: Annotated[str, QueryParameter(name="actor")] = "",
        object_type: FromQuery[str] = "",
        object_id: FromQuery[str] = "",
        page_index: Annotated[int, QueryParameter(name="page", ge=1, le=MAX_PAGE)] = 1,
    ) -> Template:
        query = AuditFilterForm(
            action=action, actor=actor_filter, object_type=object_type, object_id=object_id
        )
        events, has_next = await audit.list_events(
            audit.EventFilter(
                action=query.action.strip(),
                actor_user_id=whole_number(query.actor),
                object_type=query.object_type.strip(),
                object_id=query.object_id.strip(),
                page=page_index,
            )
        )
        return page(
            "accounts/audit.html",
            events=events,
            query=query,
            page_index=page_index,
            has_next=has_next,
        )


async def _organisations_page(
    actor: Actor, *, errors: dict[str, str] | None = None, form: OrganisationForm | None = None
) -> Template:
    return page(
        "accounts/admin_organisations.html",
        organisations=await services.list_organisations(actor),
        regions=POLICE_REGIONS,
        form=form or OrganisationForm(),
        errors=errors,
    )
