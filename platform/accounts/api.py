"""Accounts JSON API under /api/v1 (bearer tokens)."""

from __future__ import annotations

from litestar import Controller, get, post, put
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from accounts import services
from accounts.domain import parse_role
from accounts.schemas import InvitationIn, InvitationOut, MemberOut, MeOut, RoleIn
from accounts.web import CurrentActor, signed_in
from fristad.web import PROBLEMS, Id


class AccountsApi(Controller):
    path = "/api/v1"
    guards = [signed_in]
    tags = ["accounts"]
    security = [{"BearerToken": []}]

    @get(
        "/me",
        responses=PROBLEMS,
        operation_id="getMe",
        summary="The token's user, organisation, role and scopes",
    )
    async def me(self, actor: CurrentActor) -> MeOut:
        return MeOut(
            user_id=actor.user_id,
            name=actor.name,
            organisation_id=actor.organisation_id,
            role=str(actor.role) if actor.role else None,
            scopes=sorted(actor.scopes) if actor.scopes is not None else None,
        )

    @get(
        "/organisations/{organisation_id:int}",
        responses=PROBLEMS,
        operation_id="getOrganisation",
        summary="An organisation (only one's own)",
    )
    async def organisation(
        self, actor: CurrentActor, organisation_id: Id
    ) -> services.OrganisationDetails:
        return await services.get_organisation(actor, organisation_id)

    @get(
        "/organisations/{organisation_id:int}/members",
        responses=PROBLEMS,
        operation_id="listMembers",
        summary="An organisation's members",
    )
    async def members(self, actor: CurrentActor, organisation_id: Id) -> list[MemberOut]:
        return [
            _member_out(member) for member in await services.list_members(actor, organisation_id)
        ]

    @post(
        "/organisations/{organisation_id:int}/invitations",
        responses=PROBLEMS,
        operation_id="inviteMember",
        status_code=HTTP_201_CREATED,
        summary="Invite someone by e-mail to a role (the organisation's administrators)",
        description="The link goes by e-mail in the invited person's language, not in the answer.",
    )
    async def invite(
        self, actor: CurrentActor, organisation_id: Id, data: JSONBody[InvitationIn]
    ) -> InvitationOut:
        invitation = await services.invite(
            actor, organisation_id, data.email, parse_role(data.role), data.region
        )
        return InvitationOut(
            id=invitation.id,
            email=invitation.email,
            role=str(invitation.role),
            expires_at=invitation.expires_at,
        )

    @post(
        "/invitations/{invitation_id:int}/revoke",
        responses=PROBLEMS,
        operation_id="revokeInvitation",
        status_code=HTTP_204_NO_CONTENT,
        summary="Withdraw an invitation: its link stops working",
    )
    async def revoke_invitation(self, actor: CurrentActor, invitation_id: Id) -> None:
        await services.revoke_invitation(actor, invitation_id)

    @put(
        "/memberships/{membership_id:int}/role",
        responses=PROBLEMS,
        operation_id="changeRole",
        status_code=HTTP_200_OK,
        summary="Give a member another role (a coordinator with a region)",
    )
    async def change_role(
        self, actor: CurrentActor, membership_id: Id, data: JSONBody[RoleIn]
    ) -> MemberOut:
        member = await services.change_role(
            actor, membership_id, parse_role(data.role), data.region
        )
        return _member_out(member)

    @post(
        "/memberships/{membership_id:int}/deactivate",
        responses=PROBLEMS,
        operation_id="deactivateMember",
        status_code=HTTP_200_OK,
        summary="Take a member's role away (their sessions in it end)",
    )
    async def deactivate(self, actor: CurrentActor, membership_id: Id) -> MemberOut:
        return _member_out(await services.deactivate_membership(actor, membership_id))


def _member_out(member: services.Member) -> MemberOut:
    """Not the Member read model as it is: the API shows no e-mail addresses, and one "active"
    (the role and the account both)."""
    return MemberOut(
        membership_id=member.id,
        user_id=member.user_id,
        name=member.name,
        role=member.role,
        region=member.region,
        active=member.active and member.user_active,
    )
