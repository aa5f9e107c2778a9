"""The organisation's members and invitations (org admins), and accepting an invitation."""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from accounts import services
from accounts.domain import Actor, parse_role, role_label
from accounts.policy import has_permission
from accounts.schemas import AcceptInvitationForm, InviteForm, RoleForm
from accounts.views._common import Form, roles
from accounts.web import CurrentActor, Viewer, signed_in
from fristad.errors import Conflict, InvalidInput
from fristad.i18n import gettext as _
from fristad.regions import POLICE_REGIONS
from fristad.web import AppSettings, Id, flash, form_errors, page, see_other

MEMBERS = "/organisation/members"


class MembersController(Controller):
    """The organisation's own members and invitations (org admins)."""

    path = "/organisation"
    guards = [signed_in]
    include_in_schema = False

    @get("/members", name="members")
    async def members(self, actor: CurrentActor) -> Template:
        return await _members_page(actor)

    @post("/members/invite")
    async def invite(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        settings: AppSettings,
        data: Annotated[InviteForm, Form],
    ) -> Template | Response[Any]:
        organisation_id = _organisation_of(actor)
        try:
            await services.invite(
                actor,
                organisation_id,
                data.email,
                parse_role(data.role),
                data.region or None,
                settings,
            )
        except InvalidInput as error:
            return await _members_page(actor, errors=error.errors, form=data)
        flash(request, _("The invitation has been sent."))
        return see_other(request, MEMBERS)

    @post("/invitations/{invitation_id:int}/revoke")
    async def revoke_invitation(
        self, request: Request[Any, Any, Any], actor: CurrentActor, invitation_id: Id
    ) -> Response[Any]:
        await services.revoke_invitation(actor, invitation_id)
        flash(request, _("The invitation has been withdrawn."))
        return see_other(request, MEMBERS)

    @post("/members/{membership_id:int}/role")
    async def change_role(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        membership_id: Id,
        data: Annotated[RoleForm, Form],
    ) -> Template | Response[Any]:
        try:
            await services.change_role(
                actor, membership_id, parse_role(data.role), data.region or None
            )
        except InvalidInput as error:
            return await _members_page(actor, errors=error.errors)
        flash(request, _("The role has been changed."))
        return see_other(request, MEMBERS)

    @get("/members/{membership_id:int}/deactivate")
    async def confirm_deactivate(self, actor: CurrentActor, membership_id: Id) -> Template:
        member = await services.get_member(actor, actor.organisation_id or 0, membership_id)
        return page("accounts/confirm_deactivate.html", member=member, role_label=role_label)

    @post("/members/{membership_id:int}/deactivate")
    async def deactivate(
        self, request: Request[Any, Any, Any], actor: CurrentActor, membership_id: Id
    ) -> Response[Any]:
        await services.deactivate_membership(actor, membership_id)
        flash(request, _("The member's role has been removed."))
        return see_other(request, MEMBERS)


def _organisation_of(actor: Actor) -> int:
    if actor.organisation_id is None:
        raise Conflict(_("Choose an organisation first."))
    return actor.organisation_id


async def _members_page(
    actor: Actor, *, errors: dict[str, str] | None = None, form: InviteForm | None = None
) -> Template:
    organisation_id = _organisation_of(actor)
    manage = bool(has_permission(actor, "members.manage", organisation_id))
    return page(
        "accounts/members.html",
        members=await services.list_members(actor, organisation_id),
        invitations=(await services.pending_invitations(actor, organisation_id) if manage else []),
        manage=manage,
        roles=roles(),
        role_label=role_label,
        regions=POLICE_REGIONS,
        form=form or InviteForm(),
        errors=errors,
    )


class InvitationController(Controller):
    path = "/invitations"
    include_in_schema = False

    @get("/{token:str}")
    async def invitation(self, viewer: Viewer, token: FromPath[str]) -> Template:
        try:
            invitation = await services.open_invitation(token)
        except Conflict as error:
            return page(
                "accounts/invitation.html", invitation=None, message=error.message, token=token
            )
        return page(
            "accounts/invitation.html",
            invitation=invitation,
            token=token,
            message="",
            role_label=role_label,
            signed_in=viewer is not None,
        )

    @post("/{token:str}")
    async def accept(
        self,
        request: Request[Any, Any, Any],
        viewer: Viewer,
        token: FromPath[str],
        data: Annotated[AcceptInvitationForm, Form],
    ) -> Template | Response[Any]:
        try:
            await services.accept_invitation(
                token,
                name=data.name,
                password=data.password,
                signed_in_user_id=viewer.user_id if viewer else None,
            )
        except (InvalidInput, Conflict) as error:
            invitation = None
            with contextlib.suppress(Conflict):
                invitation = await services.open_invitation(token)
            return page(
                "accounts/invitation.html",
                invitation=invitation,
                token=token,
                message="",
                role_label=role_label,
                signed_in=viewer is not None,
                errors=form_errors(error),
            )
        flash(request, _("Welcome to Fristad. You can now sign in."))
        return see_other(request, "/account" if viewer else "/sign-in")
