"""Organisations and their members: creating organisations, giving, changing and removing roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from piccolo.custom_types import Combinable

from accounts import audit
from accounts.domain import Actor, Role, normalise_org_number
from accounts.policy import require
from accounts.services._common import check_role_for, in_reach, now
from accounts.tables import Membership, Organisation
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput, NotFound
from fristad.i18n import gettext as _


@dataclass(frozen=True)
class NewOrganisation:
    name: str
    org_number: str
    is_member_ngo: bool = False
    is_authority: bool = False
    is_shelter_operator: bool = False
    is_provider: bool = False
    region: str | None = None
    is_partner: bool = False


@dataclass(frozen=True)
class OrganisationDetails:
    """An organisation as pages and the API show it."""

    id: int
    name: str
    org_number: str
    is_member_ngo: bool
    is_authority: bool
    is_shelter_operator: bool
    is_provider: bool
    region: str | None
    is_partner: bool = False


@dataclass(frozen=True)
class Member:
    """One membership of an organisation: the person and the role."""

    id: int
    role: Role
    region: str | None
    active: bool
    user_id: int
    name: str
    email: str
    user_active: bool


_ORGANISATION_COLUMNS = (
    Organisation.id,
    Organisation.name,
    Organisation.org_number,
    Organisation.is_member_ngo,
    Organisation.is_authority,
    Organisation.is_shelter_operator,
    Organisation.is_provider,
    Organisation.region,
    Organisation.is_partner,
)


def _organisation(row: dict[str, Any]) -> OrganisationDetails:
    return OrganisationDetails(
        id=row["id"],
        name=row["name"],
        org_number=row["org_number"],
        is_member_ngo=row["is_member_ngo"],
        is_authority=row["is_authority"],
        is_shelter_operator=row["is_shelter_operator"],
        is_provider=row["is_provider"],
        region=row["region"],
        is_partner=row["is_partner"],
    )


async def create_organisation(actor: Actor | None, data: NewOrganisation) -> int:
    """Create an organisation (system admins; ``actor`` None for the CLI and the demo)."""
    if actor is not None:
        require(actor, "organisation.create")
    errors: dict[str, str] = {}
    number = normalise_org_number(data.org_number)
    if not data.name.strip():
        errors["name"] = _("Enter the organisation's name.")
    if number is None:
        errors["org_number"] = _("Enter a valid Swedish organisation number (NNNNNN-NNNN).")
    kinds = (
        data.is_member_ngo,
        data.is_authority,
        data.is_shelter_operator,
        data.is_provider,
        data.is_partner,
    )
    if not any(kinds):
        errors["capabilities"] = _("Choose at least one kind of organisation.")
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        if await Organisation.exists().where(Organisation.org_number == number):
            raise InvalidInput({"org_number": _("This organisation is registered already.")})
        organisation = Organisation(
            name=data.name.strip(),
            org_number=number,
            is_member_ngo=data.is_member_ngo,
            is_authority=data.is_authority,
            is_shelter_operator=data.is_shelter_operator,
            is_provider=data.is_provider,
            is_partner=data.is_partner,
            region=data.region,
            created_at=now(),
        )
        await organisation.save()
        await audit.record(
            "organisation.created",
            actor=actor,
            object_type="organisation",
            object_id=organisation.id,
        )
    return int(organisation.id)


async def get_organisation(actor: Actor, organisation_id: int) -> OrganisationDetails:
    in_reach(actor, organisation_id)
    require(actor, "organisation.read", organisation_id)
    row = (
        await Organisation.select(*_ORGANISATION_COLUMNS)
        .where(Organisation.id == organisation_id)
        .first()
    )
    if row is None:
        raise NotFound
    return _organisation(row)


async def list_organisations(actor: Actor) -> list[OrganisationDetails]:
    require(actor, "organisation.create")
    rows = await Organisation.select(*_ORGANISATION_COLUMNS).order_by(Organisation.name)
    return [_organisation(row) for row in rows]


async def add_membership(
    actor: Actor | None,
    user_id: int,
    organisation_id: int,
    role: Role,
    region: str | None = None,
) -> int:
    """Give a user a role in an organisation (org admins of it, system admins, CLI, demo)."""
    if actor is not None:
        require(actor, "members.manage", organisation_id)
    await check_role_for(actor, organisation_id, role, region)
    async with write_transaction():
        existing = (
            await Membership.objects()
            .where(
                (Membership.user == user_id)
                & (Membership.organisation == organisation_id)
                & (Membership.role == role)
            )
            .first()
        )
        if existing is not None:
            await Membership.update({Membership.active: True, Membership.region: region}).where(
                Membership.id == existing.id
            )
            membership_id = int(existing.id)
        else:
            membership = Membership(
                user=user_id,
                organisation=organisation_id,
                role=role,
                region=region if role == Role.COORDINATOR else None,
                created_at=now(),
            )
            await membership.save()
            membership_id = int(membership.id)
        await audit.record(
            "membership.granted",
            actor=actor,
            object_type="membership",
            object_id=membership_id,
            detail={"role": str(role), "organisation_id": organisation_id, "user_id": user_id},
        )
    return membership_id


async def _members(where: Combinable) -> list[Member]:
    rows = (
        await Membership.select(
            Membership.id,
            Membership.role,
            Membership.region,
            Membership.active,
            Membership.user.id,
            Membership.user.name,
            Membership.user.email,
            Membership.user.active,
        )
        .where(where)
        .order_by(Membership.user.name)
    )
    return [
        Member(
            id=row["id"],
            role=Role(row["role"]),
            region=row["region"],
            active=row["active"],
            user_id=row["user.id"],
            name=row["user.name"],
            email=row["user.email"],
            user_active=row["user.active"],
        )
        for row in rows
    ]


async def list_members(actor: Actor, organisation_id: int) -> list[Member]:
    in_reach(actor, organisation_id)
    require(actor, "members.read", organisation_id)
    return await _members(Membership.organisation == organisation_id)


async def get_member(actor: Actor, organisation_id: int, membership_id: int) -> Member:
    """One member of the organisation; a membership elsewhere is not found."""
    in_reach(actor, organisation_id)
    require(actor, "members.read", organisation_id)
    members = await _members(
        (Membership.organisation == organisation_id) & (Membership.id == membership_id)
    )
    if not members:
        raise NotFound
    return members[0]


async def _membership_in_reach(actor: Actor, membership_id: int) -> Membership:
    membership = await Membership.objects().where(Membership.id == membership_id).first()
    if membership is None or not (
        actor.is_admin or membership.organisation == actor.organisation_id
    ):
        raise NotFound
    return membership


async def change_role(
    actor: Actor, membership_id: int, role: Role, region: str | None = None
) -> Member:
    """Give a member another role (a coordinator keeps a region); returns the member."""
    membership = await _membership_in_reach(actor, membership_id)
    require(actor, "members.manage", membership.organisation)
    await check_role_for(actor, membership.organisation, role, region)
    async with write_transaction():
        clash = await Membership.exists().where(
            (Membership.user == membership.user)
            & (Membership.organisation == membership.organisation)
            & (Membership.role == role)
            & (Membership.id != membership_id)
        )
        if clash:
            raise InvalidInput({"role": _("The person has this role already.")})
        await Membership.update(
            {Membership.role: role, Membership.region: region if role == Role.COORDINATOR else None}
        ).where(Membership.id == membership_id)
        await audit.record(
            "membership.role_changed",
            actor=actor,
            object_type="membership",
            object_id=membership_id,
            detail={"from": membership.role, "to": str(role)},
        )
    return (await _members(Membership.id == membership_id))[0]


async def deactivate_membership(actor: Actor, membership_id: int) -> Member:
    """Take a member's role away; the person's sessions in that role end at the next request."""
    membership = await _membership_in_reach(actor, membership_id)
    require(actor, "members.manage", membership.organisation)
    if membership.user == actor.user_id and membership.id == (
        actor.membership.id if actor.membership else None
    ):
        raise Conflict(_("You cannot remove your own administrator role here."))
    async with write_transaction():
        await Membership.update({Membership.active: False}).where(Membership.id == membership_id)
        await audit.record(
            "membership.deactivated",
            actor=actor,
            object_type="membership",
            object_id=membership_id,
        )
    return (await _members(Membership.id == membership_id))[0]
