"""Accounts JSON API under /api/v1 (bearer tokens)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get

from accounts import services
from accounts.schemas import MemberOut, MeOut, OrganisationOut
from accounts.web import require_actor, signed_in
from fristad.web import Id


class AccountsApi(Controller):
    path = "/api/v1"
    guards = [signed_in]
    tags = ["accounts"]
    security = [{"BearerToken": []}]

    @get("/me", summary="The token's user, organisation, role and scopes")
    async def me(self, request: Request[Any, Any, Any]) -> MeOut:
        actor = require_actor(request)
        return MeOut(
            user_id=actor.user_id,
            name=actor.name,
            organisation_id=actor.organisation_id,
            role=str(actor.role) if actor.role else None,
            scopes=sorted(actor.scopes) if actor.scopes is not None else None,
        )

    @get("/organisations/{organisation_id:int}", summary="An organisation (only one's own)")
    async def organisation(
        self, request: Request[Any, Any, Any], organisation_id: Id
    ) -> OrganisationOut:
        row = await services.get_organisation(require_actor(request), organisation_id)
        return OrganisationOut(
            id=row["id"],
            name=row["name"],
            org_number=row["org_number"],
            is_member_ngo=row["is_member_ngo"],
            is_authority=row["is_authority"],
            is_shelter_operator=row["is_shelter_operator"],
            region=row["region"],
        )

    @get("/organisations/{organisation_id:int}/members", summary="An organisation's members")
    async def members(
        self, request: Request[Any, Any, Any], organisation_id: Id
    ) -> list[MemberOut]:
        rows = await services.list_members(require_actor(request), organisation_id)
        return [
            MemberOut(
                membership_id=row["id"],
                user_id=row["user.id"],
                name=row["user.name"],
                role=row["role"],
                region=row["region"],
                active=row["active"] and row["user.active"],
            )
            for row in rows
        ]
