"""The user's own account: password, language, and a forgotten password reset by e-mail."""

from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

from accounts import audit, notify
from accounts.domain import Actor, normalise_email
from accounts.services._common import get_user, now
from accounts.services.users import check_new_password, hash_password, verify_password
from accounts.tables import PasswordReset, User
from fristad import crypto
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput
from fristad.i18n import LOCALES
from fristad.i18n import gettext as _
from fristad.settings import Settings, get_settings


class PasswordResetLink(NamedTuple):
    """A reset link just made: the token is only in the e-mail, the database keeps its hash."""

    id: int
    email: str
    token: str
    locale: str


async def change_password(actor: Actor, current: str, new: str) -> int:
    """Change the actor's password; every other session of the user ends. Returns the new epoch."""
    user = await get_user(actor.user_id)
    verify_password(user, current)
    check_new_password(new, email=user.email, name=user.name)
    async with write_transaction():
        rows = (
            await User.update(
                {
                    User.password_hash: hash_password(new),
                    User.password_changed_at: now(),
                    User.session_epoch: User.session_epoch + 1,
                }
            )
            .where(User.id == actor.user_id)
            .returning(User.session_epoch)
        )
        await audit.record(
            "user.password_changed", actor=actor, object_type="user", object_id=actor.user_id
        )
    return int(rows[0]["session_epoch"])


async def set_locale(actor: Actor, locale: str) -> None:
    """The language of the actor's pages and of the e-mails sent to them."""
    if locale not in LOCALES:
        raise InvalidInput({"locale": _("Choose Swedish or English.")})
    async with write_transaction():
        await User.update({User.locale: locale}).where(User.id == actor.user_id)


async def request_password_reset(
    email: str, settings: Settings | None = None
) -> PasswordResetLink | None:
    """Create a single-use reset link for an active account, or None when there is none."""
    settings = settings or get_settings()
    user = await User.objects().where(User.email == normalise_email(email)).first()
    if user is None or not user.active:
        return None
    token = crypto.new_token()
    async with write_transaction():
        reset = PasswordReset(
            user=user.id,
            token_hash=crypto.token_hash(token),
            created_at=now(),
            expires_at=now() + timedelta(minutes=settings.password_reset_minutes),
        )
        await reset.save()
        await audit.record(
            "user.password_reset_requested", user_id=user.id, object_type="user", object_id=user.id
        )
    return PasswordResetLink(int(reset.id), user.email, token, user.locale)


async def send_password_reset_link(email: str, settings: Settings | None = None) -> None:
    """E-mail a reset link to an active account, in the account's language (not the language of
    the page it was asked from). Nothing is sent for an unknown address; the caller answers the
    same either way, so the answer does not tell whether an account exists."""
    settings = settings or get_settings()
    async with write_transaction():  # the link and its mail commit together, or neither
        link = await request_password_reset(email, settings)
        if link is not None:
            await notify.password_reset(
                settings, link.id, link.email, link.token, locale=link.locale
            )


async def reset_password(token: str, new: str) -> int:
    """Set a new password with a reset link; the link works once and only until it expires."""
    reset = (
        await PasswordReset.select()
        .where(PasswordReset.token_hash == crypto.token_hash(token))
        .first()
    )
    if reset is None or reset["used_at"] is not None or reset["expires_at"] < now():
        raise Conflict(_("The link has expired or has been used. Ask for a new one."))
    user = await get_user(reset["user"])
    check_new_password(new, email=user.email, name=user.name)
    async with write_transaction():
        claimed = (
            await PasswordReset.update({PasswordReset.used_at: now()})
            .where((PasswordReset.id == reset["id"]) & PasswordReset.used_at.is_null())
            .returning(PasswordReset.id)
        )
        if not claimed:
            raise Conflict(_("The link has expired or has been used. Ask for a new one."))
        await User.update(
            {
                User.password_hash: hash_password(new),
                User.password_changed_at: now(),
                User.session_epoch: User.session_epoch + 1,
            }
        ).where(User.id == user.id)
        await audit.record(
            "user.password_reset", user_id=user.id, object_type="user", object_id=user.id
        )
    return int(user.id)
