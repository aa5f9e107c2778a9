"""The actor of a request: who a session or an API token acts as, in which membership."""

from __future__ import annotations

from datetime import timedelta

from accounts import audit
from accounts.domain import TOKEN_PREFIX, Actor, MembershipRef, Role
from accounts.services._common import now
from accounts.services.mfa import mfa_required_for
from accounts.tables import ApiToken, Membership, Organisation, User
from fristad import crypto
from fristad.database import write_transaction
from fristad.errors import NotFound
from fristad.settings import get_settings

# How often a token's last use is written down: not on every request.
TOKEN_USE_RESOLUTION = timedelta(minutes=5)

# The organisation's capability flags a membership carries; both reads below take them all.
CAPABILITIES = ("is_member_ngo", "is_authority", "is_shelter_operator", "is_provider", "is_partner")


async def memberships_of(user_id: int) -> tuple[MembershipRef, ...]:
    rows = (
        await Membership.select(
            Membership.id,
            Membership.organisation.id,
            Membership.organisation.name,
            Membership.role,
            Membership.region,
            *(getattr(Membership.organisation, flag) for flag in CAPABILITIES),
        )
        .where(
            (Membership.user == user_id)
            & (Membership.active == True)  # noqa: E712
            & (Membership.organisation.active == True)  # noqa: E712
        )
        .order_by(Membership.organisation.name)
        .order_by(Membership.role)
    )
    return tuple(
        MembershipRef(
            id=row["id"],
            organisation_id=row["organisation.id"],
            organisation_name=row["organisation.name"],
            role=Role(row["role"]),
            region=row["region"],
            **{flag: bool(row[f"organisation.{flag}"]) for flag in CAPABILITIES},
        )
        for row in rows
    )


# The user and their active memberships (with the organisation), in one query: every request
# of a signed-in session asks it. Ordered as memberships_of orders them.
_ACTOR_SQL = f"""
SELECT u.id, u.name, u.email, u.locale, u.is_admin, u.is_demo, u.active, u.session_epoch,
       m.id AS membership_id, m.role, m.region,
       o.id AS organisation_id, o.name AS organisation_name, o.active AS organisation_active,
       {", ".join(f"o.{flag}" for flag in CAPABILITIES)}
FROM {User._meta.tablename} u
LEFT JOIN {Membership._meta.tablename} m ON m."user" = u.id AND m.active = {{}}
LEFT JOIN {Organisation._meta.tablename} o ON o.id = m.organisation
WHERE u.id = {{}}
ORDER BY o.name, m.role
"""  # noqa: S608 - table names from our own classes; values are parameters  # nosec B608


async def load_actor(
    user_id: int,
    *,
    session_epoch: int | None,
    membership_id: int | None,
    ip: str | None = None,
    mfa_verified: bool | None = None,
) -> Actor | None:
    """The actor for a signed-in session, or None when the session no longer holds.

    A session holds while the user is active and its epoch matches (a password change or
    disabling the account raises the epoch and so ends every older session).
    """
    rows = await User.raw(_ACTOR_SQL, True, user_id)
    if not rows or not rows[0]["active"]:
        return None
    user = rows[0]
    if session_epoch is not None and session_epoch != user["session_epoch"]:
        return None
    # A session signed in with the password alone ends once the user needs a second factor
    # (e.g. was made an officer meanwhile): the next sign-in asks for it.
    if mfa_verified is False and mfa_required_for(
        is_demo=bool(user["is_demo"]),
        is_admin=bool(user["is_admin"]),
        roles=[row["role"] for row in rows if row["membership_id"] is not None],
        settings=get_settings(),
    ):
        return None
    memberships = tuple(
        MembershipRef(
            id=row["membership_id"],
            organisation_id=row["organisation_id"],
            organisation_name=row["organisation_name"],
            role=Role(row["role"]),
            region=row["region"],
            **{flag: bool(row[flag]) for flag in CAPABILITIES},
        )
        for row in rows
        if row["membership_id"] is not None and row["organisation_active"]
    )
    chosen = next((m for m in memberships if m.id == membership_id), None)
    if chosen is None and memberships:
        chosen = memberships[0]
    return Actor(
        user_id=int(user["id"]),
        name=user["name"],
        email=user["email"],
        locale=user["locale"],
        is_admin=bool(user["is_admin"]),
        membership=chosen,
        memberships=memberships,
        ip=ip,
    )


async def switch_membership(actor: Actor, membership_id: int) -> MembershipRef:
    """Choose the organisation and role to act in; only the actor's own memberships."""
    chosen = next((m for m in actor.memberships if m.id == membership_id), None)
    if chosen is None:
        raise NotFound
    async with write_transaction():
        await audit.record(
            "session.organisation_switched",
            actor=actor,
            object_type="membership",
            object_id=chosen.id,
        )
    return chosen


async def actor_for_token(token: str, *, ip: str | None = None) -> Actor | None:
    """The actor an API token acts as, or None if it is unknown, revoked, expired or its user
    or membership is no longer active."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = await ApiToken.select().where(ApiToken.token_hash == crypto.token_hash(token)).first()
    if row is None or row["revoked_at"] is not None:
        return None
    if row["expires_at"] is not None and row["expires_at"] < now():
        return None
    actor = await load_actor(
        row["user"], session_epoch=None, membership_id=row["membership"], ip=ip
    )
    if actor is None or actor.membership is None or actor.membership.id != row["membership"]:
        return None
    last_used = row["last_used_at"]
    if last_used is None or now() - last_used > TOKEN_USE_RESOLUTION:
        await ApiToken.update({ApiToken.last_used_at: now()}).where(ApiToken.id == row["id"])
    return Actor(
        user_id=actor.user_id,
        name=actor.name,
        email=actor.email,
        locale=actor.locale,
        is_admin=False,  # a token never carries system-admin power
        membership=actor.membership,
        memberships=(actor.membership,),
        scopes=frozenset(row["scopes"].split()),
        token_id=int(row["id"]),
        ip=ip,
    )
