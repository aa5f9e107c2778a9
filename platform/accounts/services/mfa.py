"""Two-factor sign-in: TOTP enrolment, the second step of sign-in, recovery codes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from redis.asyncio import Redis

from accounts import audit
from accounts.domain import (
    MFA_ROLES,
    Actor,
    matching_totp_step,
    new_recovery_codes,
    new_totp_secret,
    normalise_recovery_code,
)
from accounts.services._common import count_attempt, get_user, now
from accounts.services.users import verify_password
from accounts.tables import Membership, RecoveryCode, User
from fristad import crypto
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput, TooManyAttempts
from fristad.i18n import gettext as _
from fristad.settings import Settings, get_settings


async def mfa_required(user: User, settings: Settings) -> bool:
    """Officers and system admins always; everyone when configured; demo users never outside
    production."""
    if user.is_demo and settings.env != "production":
        return False
    if user.is_admin or settings.mfa_required_for_all:
        return True
    roles = await Membership.select(Membership.role).where(
        (Membership.user == user.id) & (Membership.active == True)  # noqa: E712
    )
    return mfa_required_for(
        is_demo=user.is_demo,
        is_admin=user.is_admin,
        roles=[row["role"] for row in roles],
        settings=settings,
    )


def mfa_required_for(
    *, is_demo: bool, is_admin: bool, roles: Iterable[str], settings: Settings
) -> bool:
    """``mfa_required`` from what is known already: the user's flags and the roles of their
    active memberships."""
    if is_demo and settings.env != "production":
        return False
    if is_admin or settings.mfa_required_for_all:
        return True
    return any(role in MFA_ROLES for role in roles)


@dataclass(frozen=True)
class MfaEnrolment:
    """What the authenticator app needs: the secret (for the QR code) and the account name."""

    secret: str
    email: str


async def mfa_enrolment(user_id: int) -> MfaEnrolment:
    """The TOTP secret being set up: the pending one, or a new one (stored encrypted, not yet
    active until ``confirm_mfa_enrolment``)."""
    user = await get_user(user_id)
    if user.mfa_enabled:
        raise Conflict(_("Two-factor sign-in is already on."))
    if user.totp_secret:
        return MfaEnrolment(crypto.decrypt(user.totp_secret), user.email)
    secret = new_totp_secret()
    async with write_transaction():
        await User.update({User.totp_secret: crypto.encrypt(secret)}).where(User.id == user_id)
    return MfaEnrolment(secret, user.email)


async def confirm_mfa_enrolment(user_id: int, code: str, *, ip: str | None) -> list[str]:
    """Turn MFA on once the user proves the authenticator works; returns new recovery codes."""
    user = await get_user(user_id)
    if user.mfa_enabled or not user.totp_secret:
        raise Conflict(_("Start the set-up again."))
    if not await _accept_totp(user, code):
        raise InvalidInput({"code": _("The code is not correct. Check the time on your phone.")})
    codes = new_recovery_codes()
    async with write_transaction():
        await User.update({User.mfa_enabled: True}).where(User.id == user_id)
        await _store_recovery_codes(user_id, codes)
        await audit.record(
            "mfa.enabled", user_id=user_id, object_type="user", object_id=user_id, ip=ip
        )
    return codes


async def verify_second_factor(
    redis: Redis, user_id: int, code: str, *, ip: str | None, settings: Settings | None = None
) -> str:
    """Check a TOTP or recovery code at sign-in; returns which kind was used.

    A TOTP code is accepted once only, and a recovery code once only, also when two requests
    race: both are single conditional writes. Guesses are limited like passwords: after too
    many, TooManyAttempts, and the caller drops the half-finished sign-in.
    """
    settings = settings or get_settings()
    window = settings.login_lockout_minutes * 60
    user = await get_user(user_id)
    if not user.mfa_enabled or not user.totp_secret:
        raise Conflict(_("Two-factor sign-in is not set up."))
    fail_key = f"fristad:mfa:fail:{user_id}"
    if await count_attempt(redis, fail_key, window) > settings.login_max_failures:
        async with write_transaction():
            await audit.record(
                "sign_in.mfa_locked", user_id=user_id, object_type="user", object_id=user_id, ip=ip
            )
        raise TooManyAttempts(window)
    if await _accept_totp(user, code):
        await redis.delete(fail_key)
        return "totp"
    if await _use_recovery_code(user_id, code):
        await redis.delete(fail_key)
        async with write_transaction():
            await audit.record(
                "mfa.recovery_code_used", user_id=user_id, object_type="user", object_id=user_id
            )
        return "recovery_code"
    async with write_transaction():
        await audit.record(
            "sign_in.mfa_failed", user_id=user_id, object_type="user", object_id=user_id, ip=ip
        )
    raise InvalidInput({"code": _("The code is not correct, or it has been used already.")})


async def _accept_totp(user: User, code: str) -> bool:
    step = matching_totp_step(crypto.decrypt(user.totp_secret), code)
    if step is None:
        return False
    async with write_transaction():
        accepted = (
            await User.update({User.totp_last_step: step})
            .where((User.id == user.id) & (User.totp_last_step < step))
            .returning(User.id)
        )
    return bool(accepted)


def _recovery_hash(user_id: int, code: str) -> str:
    return crypto.token_hash(f"{user_id}:{normalise_recovery_code(code)}")


async def _store_recovery_codes(user_id: int, codes: list[str]) -> None:
    await RecoveryCode.delete().where(RecoveryCode.user == user_id)
    await RecoveryCode.insert(
        *(RecoveryCode(user=user_id, code_hash=_recovery_hash(user_id, code)) for code in codes)
    )


async def _use_recovery_code(user_id: int, code: str) -> bool:
    async with write_transaction():
        used = (
            await RecoveryCode.update({RecoveryCode.used_at: now()})
            .where(
                (RecoveryCode.user == user_id)
                & (RecoveryCode.code_hash == _recovery_hash(user_id, code))
                & RecoveryCode.used_at.is_null()
            )
            .returning(RecoveryCode.id)
        )
    return bool(used)


async def new_recovery_codes_for(actor: Actor) -> list[str]:
    """Replace the actor's recovery codes (the old ones stop working)."""
    codes = new_recovery_codes()
    async with write_transaction():
        await _store_recovery_codes(actor.user_id, codes)
        await audit.record(
            "mfa.recovery_codes_renewed", actor=actor, object_type="user", object_id=actor.user_id
        )
    return codes


async def disable_mfa(actor: Actor, password: str, settings: Settings | None = None) -> None:
    """Turn MFA off (not allowed where it is required), confirmed with the password."""
    settings = settings or get_settings()
    user = await get_user(actor.user_id)
    if await mfa_required(user, settings):
        raise Conflict(_("Your role requires two-factor sign-in."))
    verify_password(user, password)
    async with write_transaction():
        await User.update(
            {User.mfa_enabled: False, User.totp_secret: None, User.totp_last_step: 0}
        ).where(User.id == actor.user_id)
        await RecoveryCode.delete().where(RecoveryCode.user == actor.user_id)
        await audit.record("mfa.disabled", actor=actor, object_type="user", object_id=actor.user_id)


@dataclass(frozen=True)
class MfaStatus:
    enabled: bool
    recovery_codes_left: int


async def mfa_status(user_id: int) -> MfaStatus:
    """Whether the user has MFA on, and how many unused recovery codes are left."""
    user = await get_user(user_id)
    return MfaStatus(bool(user.mfa_enabled), await recovery_codes_left(user_id))


async def recovery_codes_left(user_id: int) -> int:
    return int(
        await RecoveryCode.count().where(
            (RecoveryCode.user == user_id) & RecoveryCode.used_at.is_null()
        )
    )
