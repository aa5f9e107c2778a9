"""What the ``fristad createuser`` and ``fristad token create`` commands do."""

from __future__ import annotations

from accounts import services
from accounts.domain import Role, normalise_org_number
from accounts.tables import Membership, Organisation
from fristad.errors import InvalidInput, NotFound


async def _organisation_id(number: str) -> int:
    normalised = normalise_org_number(number)
    row = (
        await Organisation.select(Organisation.id)
        .where(Organisation.org_number == (normalised or number))
        .first()
    )
    if row is None:
        raise NotFound(f"no organisation with number {number}")
    return int(row["id"])


async def create_user(
    email: str,
    name: str,
    organisation: str | None,
    role: str | None,
    region: str | None,
    admin: bool,
    password: str,
) -> str:
    if (organisation is None) != (role is None):
        raise InvalidInput({"role": "give --org and --role together"})
    organisation_id = await _organisation_id(organisation) if organisation else None
    user_id = await services.create_user(
        email, name or email.split("@", 1)[0], password, is_admin=admin
    )
    if organisation_id is not None and role is not None:
        await services.add_membership(None, user_id, organisation_id, Role(role), region)
        return f"user {user_id} created: {role} in organisation {organisation_id}"
    return f"user {user_id} created" + (" (system administrator)" if admin else "")


async def create_token(
    email: str,
    organisation: str | None,
    role: str | None,
    scopes: list[str],
    name: str,
    days: int,
) -> str:
    user_id = await services.find_user_id(email)
    if user_id is None:
        raise NotFound(f"no user {email}")
    query = Membership.select(Membership.id).where(
        (Membership.user == user_id) & (Membership.active == True)  # noqa: E712
    )
    if organisation:
        query = query.where(Membership.organisation == await _organisation_id(organisation))
    if role:
        query = query.where(Membership.role == role)
    rows = await query
    if len(rows) != 1:
        raise InvalidInput(
            {"org": f"the user has {len(rows)} matching roles: name one with --org and --role"}
        )
    actor = await services.load_actor(user_id, session_epoch=None, membership_id=rows[0]["id"])
    assert actor is not None
    created = await services.create_token(actor, name, scopes, expires_in_days=days or None)
    return created.token
