"""Accounts JSON API under /api/v1 (bearer tokens)."""

from __future__ import annotations

from litestar import Controller, get

from accounts import services
from accounts.schemas import MemberOut, MeOut
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
        # Not the Member read model as it is: the API shows no e-mail addresses, and one
        # "active" (the role and the account both).
        return [
            MemberOut(
                membership_id=member.id,
                user_id=member.user_id,
                name=member.name,
                role=member.role,
                region=member.region,
                active=member.active and member.user_active,
            )
            for member in await services.list_members(actor, organisation_id)
        ]
