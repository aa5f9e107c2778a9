"""Helpers shared by the accounts service modules."""

from __future__ import annotations

from datetime import UTC, datetime

from redis.asyncio import Redis

from accounts.domain import Actor, Role, role_fits
from accounts.tables import Organisation, User
from fristad.errors import InvalidInput, NotFound
from fristad.i18n import gettext as _


def now() -> datetime:
    return datetime.now(UTC)


async def get_user(user_id: int) -> User:
    user = await User.objects().where(User.id == user_id).first()
    if user is None:
        raise NotFound
    return user


async def count_attempt(redis: Redis, key: str, window: int) -> int:
    """Count one attempt in Redis (shared by all processes); returns the count in the window.

    Each attempt restarts the window, so someone who keeps guessing stays locked out.
    """
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, window)
        count, _expiry = await pipe.execute()
    return int(count)


def in_reach(actor: Actor, organisation_id: int) -> None:
    """Another organisation's members and invitations are not found (system admins reach all)."""
    if not (actor.is_admin or actor.organisation_id == organisation_id):
        raise NotFound


async def check_role_for(
    actor: Actor | None, organisation_id: int, role: Role, region: str | None
) -> None:
    """A role must fit the organisation; coordinators (who see other organisations' shared
    cases) are appointed by system administrators only."""
    organisation = (
        await Organisation.select(
            Organisation.is_member_ngo,
            Organisation.is_authority,
            Organisation.is_shelter_operator,
            Organisation.is_provider,
            Organisation.is_partner,
        )
        .where(Organisation.id == organisation_id)
        .first()
    )
    if organisation is None:
        raise NotFound
    if not role_fits(role, **organisation):
        raise InvalidInput({"role": _("This role does not fit this kind of organisation.")})
    if role == Role.COORDINATOR:
        if actor is not None and not actor.is_admin:
            raise InvalidInput({"role": _("Only system administrators appoint coordinators.")})
        if not region:
            raise InvalidInput({"region": _("A coordinator works for a region: choose one.")})
