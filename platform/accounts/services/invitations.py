"""Invitations: an e-mailed, single-use link to a role in an organisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from accounts import audit, notify
from accounts.domain import Actor, Role, looks_like_email, normalise_email
from accounts.policy import require
from accounts.services._common import check_role_for, in_reach, now
from accounts.services.members import add_membership
from accounts.services.users import create_user, find_user_id
from accounts.tables import Invitation, User
from fristad import crypto
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput, NotFound
from fristad.i18n import DEFAULT_LOCALE
from fristad.i18n import gettext as _
from fristad.settings import Settings, get_settings


@dataclass(frozen=True)
class PendingInvitation:
    """An invitation not yet accepted, withdrawn or expired."""

    id: int
    email: str
    role: Role
    expires_at: datetime


@dataclass(frozen=True)
class OpenInvitation:
    """The invitation behind a link, for the person who opened it."""

    id: int
    organisation_id: int
    organisation_name: str
    email: str
    role: Role
    region: str | None
    # Whether the invited address has an account already (then: sign in and accept).
    has_account: bool


def _not_open() -> Conflict:
    return Conflict(_("The invitation has expired or has been used."))


async def _recipient_locale(email: str) -> str:
    """The language to invite in: the invited user's own, if the address has an account.

    Nobody has told us the language of someone who is not a user yet, and the inviter's session
    says nothing about it, so a new address is invited in the organisations' default, Swedish.
    """
    row = await User.select(User.locale).where(User.email == email).first()
    return str(row["locale"]) if row else DEFAULT_LOCALE


async def invite(
    actor: Actor,
    organisation_id: int,
    email: str,
    role: Role,
    region: str | None = None,
    settings: Settings | None = None,
) -> PendingInvitation:
    """Invite someone by e-mail to a role, and send the link once the invitation is stored.

    The mail is in the invited person's language: their saved language when the address
    belongs to a user, otherwise the default (Swedish) — never the inviter's.
    """
    settings = settings or get_settings()
    in_reach(actor, organisation_id)
    require(actor, "members.manage", organisation_id)
    email = normalise_email(email)
    if not looks_like_email(email):
        raise InvalidInput({"email": _("Enter a valid e-mail address.")})
    await check_role_for(actor, organisation_id, role, region)
    token = crypto.new_token()
    async with write_transaction():
        invitation = Invitation(
            organisation=organisation_id,
            email=email,
            role=role,
            region=region if role == Role.COORDINATOR else None,
            token_hash=crypto.token_hash(token),
            invited_by=actor.user_id,
            created_at=now(),
            expires_at=now() + timedelta(days=settings.invitation_days),
        )
        await invitation.save()
        await audit.record(
            "invitation.created",
            actor=actor,
            object_type="invitation",
            object_id=invitation.id,
            detail={"role": str(role)},
        )
        await notify.invitation(
            settings, int(invitation.id), email, token, locale=await _recipient_locale(email)
        )
    return PendingInvitation(int(invitation.id), email, role, invitation.expires_at)


async def open_invitation(token: str) -> OpenInvitation:
    """The invitation behind a link, if it can still be accepted."""
    row = (
        await Invitation.select(
            *Invitation.all_columns(),
            Invitation.organisation.name.as_alias("organisation_name"),
        )
        .where(Invitation.token_hash == crypto.token_hash(token))
        .first()
    )
    if (
        row is None
        or row["accepted_at"] is not None
        or row["revoked_at"] is not None
        or row["expires_at"] < now()
    ):
        raise _not_open()
    return OpenInvitation(
        id=row["id"],
        organisation_id=row["organisation"],
        organisation_name=row["organisation_name"],
        email=row["email"],
        role=Role(row["role"]),
        region=row["region"],
        has_account=await User.exists().where(User.email == row["email"]),
    )


async def accept_invitation(
    token: str, *, name: str = "", password: str = "", signed_in_user_id: int | None = None
) -> int:
    """Accept an invitation: as the signed-in user with that e-mail, or by creating the account.

    The link works once: the claim is a conditional write.
    """
    invitation = await open_invitation(token)
    async with write_transaction():
        claimed = (
            await Invitation.update({Invitation.accepted_at: now()})
            .where((Invitation.id == invitation.id) & Invitation.accepted_at.is_null())
            .returning(Invitation.id)
        )
        if not claimed:
            raise _not_open()
        if invitation.has_account:
            user_id = await find_user_id(invitation.email)
            if user_id is None or signed_in_user_id != user_id:
                raise Conflict(_("Sign in with the invited e-mail address to accept."))
        else:
            user_id = await create_user(invitation.email, name, password)
        await add_membership(
            None, user_id, invitation.organisation_id, invitation.role, invitation.region
        )
        await audit.record(
            "invitation.accepted",
            user_id=user_id,
            object_type="invitation",
            object_id=invitation.id,
        )
    return user_id


async def pending_invitations(actor: Actor, organisation_id: int) -> list[PendingInvitation]:
    in_reach(actor, organisation_id)
    require(actor, "members.manage", organisation_id)
    rows = (
        await Invitation.select(
            Invitation.id, Invitation.email, Invitation.role, Invitation.expires_at
        )
        .where(
            (Invitation.organisation == organisation_id)
            & Invitation.accepted_at.is_null()
            & Invitation.revoked_at.is_null()
            & (Invitation.expires_at > now())
        )
        .order_by(Invitation.created_at, ascending=False)
    )
    return [
        PendingInvitation(row["id"], row["email"], Role(row["role"]), row["expires_at"])
        for row in rows
    ]


async def revoke_invitation(actor: Actor, invitation_id: int) -> None:
    """Withdraw an invitation: its link stops working."""
    invitation = await Invitation.objects().where(Invitation.id == invitation_id).first()
    if invitation is None or not (
        actor.is_admin or invitation.organisation == actor.organisation_id
    ):
        raise NotFound
    require(actor, "members.manage", invitation.organisation)
    async with write_transaction():
        await Invitation.update({Invitation.revoked_at: now()}).where(
            Invitation.id == invitation_id
        )
        await audit.record(
            "invitation.revoked", actor=actor, object_type="invitation", object_id=invitation_id
        )
