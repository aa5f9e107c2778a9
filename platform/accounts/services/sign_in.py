"""Signing in with a password (lockout and rate limit shared through Redis), and out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from redis.asyncio import Redis

from accounts import audit
from accounts.domain import Actor, normalise_email
from accounts.services._common import count_attempt
from accounts.services.actors import load_actor
from accounts.services.mfa import mfa_required
from accounts.services.users import DUMMY_HASH, hash_password, needs_rehash, password_matches
from accounts.tables import User
from fristad.database import write_transaction
from fristad.errors import InvalidInput, TooManyAttempts
from fristad.i18n import gettext as _
from fristad.settings import Settings, get_settings

IP_ATTEMPTS_PER_WINDOW = 50


@dataclass(frozen=True)
class SignIn:
    """The outcome of a correct password: who, and what the second step must be."""

    user_id: int
    session_epoch: int
    mfa_enabled: bool
    mfa_required: bool


def _email_key(email: str) -> str:
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()


async def authenticate(
    redis: Redis, email: str, password: str, *, ip: str | None, settings: Settings | None = None
) -> SignIn:
    """Check e-mail and password, with lockout shared through Redis.

    An unknown e-mail, a wrong password and a locked account give the same error, in the same
    time, so the answer does not tell whether an account exists. Failures are counted per
    e-mail (lockout) and per address (rate limit) across all processes. Every attempt is
    counted before the password is checked (a success resets the count), so simultaneous
    guesses cannot slip past the limit.
    """
    settings = settings or get_settings()
    window = settings.login_lockout_minutes * 60
    ip_key = f"fristad:login:ip:{ip or 'unknown'}"
    if int(await redis.get(ip_key) or 0) >= IP_ATTEMPTS_PER_WINDOW:
        raise TooManyAttempts(int(await redis.ttl(ip_key)) or window)
    fail_key = f"fristad:login:fail:{_email_key(email)}"
    attempts = await count_attempt(redis, fail_key, window)
    locked = attempts > settings.login_max_failures
    user = await User.objects().where(User.email == normalise_email(email)).first()
    password_ok = await password_matches(user.password_hash if user else DUMMY_HASH, password)
    valid = password_ok and user is not None and user.active and not locked
    if not valid:
        await count_attempt(redis, ip_key, window)
        reason = "locked" if locked else ("unknown" if user is None else "wrong_password")
        if user is not None and not user.active:
            reason = "disabled"
        await audit.record(
            "sign_in.failed",
            user_id=user.id if user else None,
            object_type="user" if user else None,
            object_id=user.id if user else None,
            detail={"reason": reason},
            ip=ip,
        )
        raise InvalidInput(
            {
                "": _(
                    "Wrong e-mail or password. After several failed attempts, sign-in is "
                    "paused for a while."
                )
            }
        )
    assert user is not None
    await redis.delete(fail_key)
    if needs_rehash(user.password_hash):
        await User.update({User.password_hash: hash_password(password)}).where(User.id == user.id)
    return SignIn(
        user_id=int(user.id),
        session_epoch=int(user.session_epoch),
        mfa_enabled=bool(user.mfa_enabled),
        mfa_required=await mfa_required(user, settings),
    )


async def record_sign_in(
    user_id: int, *, session_epoch: int, ip: str | None, method: str
) -> Actor | None:
    """Write down a completed sign-in; returns the actor it starts (for the user's language),
    None if the account changed meanwhile."""
    async with write_transaction():
        await audit.record(
            "sign_in.succeeded",
            user_id=user_id,
            object_type="user",
            object_id=user_id,
            detail={"method": method},
            ip=ip,
        )
    return await load_actor(user_id, session_epoch=session_epoch, membership_id=None)


async def record_sign_out(actor: Actor) -> None:
    await audit.record("sign_out", actor=actor, object_type="user", object_id=actor.user_id)
