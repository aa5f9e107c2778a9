"""Accounts use cases: sign-in, MFA, passwords, organisations, members, invitations, tokens.

Each function authorises against the Actor, writes inside ``write_transaction()`` together with
its audit event, and enqueues e-mail only after the transaction has committed.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from redis.asyncio import Redis

from accounts import audit
from accounts.domain import (
    MFA_ROLES,
    Actor,
    MembershipRef,
    Role,
    looks_like_email,
    matching_totp_step,
    new_recovery_codes,
    new_totp_secret,
    normalise_email,
    normalise_org_number,
    normalise_recovery_code,
    password_problems,
    role_fits,
)
from accounts.policy import require
from accounts.tables import (
    ApiToken,
    Invitation,
    Membership,
    Organisation,
    PasswordReset,
    RecoveryCode,
    User,
)
from fristad import crypto
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput, NotFound, PermissionDenied, TooManyAttempts
from fristad.i18n import gettext as _
from fristad.settings import Settings, get_settings

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the e-mail is unknown, so both answers take the same time.
_DUMMY_HASH = _hasher.hash("fristad-timing-equaliser-not-a-password")
IP_ATTEMPTS_PER_WINDOW = 50
TOKEN_PREFIX = "fri_"  # noqa: S105 - a marker, not a secret
TOKEN_SCOPES = ("read", "write", "admin")
MAX_TOKEN_DAYS = 3650


def now() -> datetime:
    return datetime.now(UTC)


# --- users and passwords -------------------------------------------------------------------


def hash_password(password: str) -> str:
    return _hasher.hash(password)


async def _password_matches(password_hash: str, password: str) -> bool:
    """argon2 takes tens of milliseconds of CPU: off the event loop, in a thread."""

    def check() -> bool:
        try:
            return bool(_hasher.verify(password_hash, password))
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)


async def _count_attempt(redis: Redis, key: str, window: int) -> int:
    """Count one attempt in Redis (shared by all processes); returns the count in the window.

    Each attempt restarts the window, so someone who keeps guessing stays locked out.
    """
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, window)
        count, _expiry = await pipe.execute()
    return int(count)


def check_new_password(password: str, *, email: str, name: str) -> None:
    problems = password_problems(password, user_inputs=[email, name, *email.split("@")])
    if problems:
        raise InvalidInput({"password": problems[0]})


async def create_user(
    email: str,
    name: str,
    password: str,
    *,
    is_admin: bool = False,
    is_demo: bool = False,
    locale: str = "sv",
    check_strength: bool = True,
) -> int:
    """Create a user (CLI, demo, invitations); the e-mail is unique case-insensitively."""
    email = normalise_email(email)
    errors = {}
    if not looks_like_email(email):
        errors["email"] = _("Enter a valid e-mail address.")
    if not name.strip():
        errors["name"] = _("Enter a name.")
    if errors:
        raise InvalidInput(errors)
    if check_strength:
        check_new_password(password, email=email, name=name)
    async with write_transaction():
        if await User.exists().where(User.email == email):
            raise InvalidInput({"email": _("There is already an account with this e-mail.")})
        user = User(
            email=email,
            name=name.strip(),
            locale=locale,
            password_hash=hash_password(password),
            is_admin=is_admin,
            is_demo=is_demo,
            created_at=now(),
            password_changed_at=now(),
        )
        await user.save()
        await audit.record("user.created", user_id=user.id, object_type="user", object_id=user.id)
    return int(user.id)


# --- sign-in -------------------------------------------------------------------------------


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
    attempts = await _count_attempt(redis, fail_key, window)
    locked = attempts > settings.login_max_failures
    user = await User.objects().where(User.email == normalise_email(email)).first()
    password_ok = await _password_matches(user.password_hash if user else _DUMMY_HASH, password)
    valid = password_ok and user is not None and user.active and not locked
    if not valid:
        await _count_attempt(redis, ip_key, window)
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
    if _hasher.check_needs_rehash(user.password_hash):
        await User.update({User.password_hash: hash_password(password)}).where(User.id == user.id)
    return SignIn(
        user_id=int(user.id),
        session_epoch=int(user.session_epoch),
        mfa_enabled=bool(user.mfa_enabled),
        mfa_required=await mfa_required(user, settings),
    )


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
    return any(row["role"] in MFA_ROLES for row in roles)


async def record_sign_in(user_id: int, *, ip: str | None, method: str) -> None:
    async with write_transaction():
        await audit.record(
            "sign_in.succeeded",
            user_id=user_id,
            object_type="user",
            object_id=user_id,
            detail={"method": method},
            ip=ip,
        )


async def record_sign_out(actor: Actor) -> None:
    await audit.record("sign_out", actor=actor, object_type="user", object_id=actor.user_id)


# --- the actor of a request ----------------------------------------------------------------


async def memberships_of(user_id: int) -> tuple[MembershipRef, ...]:
    rows = (
        await Membership.select(
            Membership.id,
            Membership.organisation.id,
            Membership.organisation.name,
            Membership.role,
            Membership.region,
            Membership.organisation.is_member_ngo,
            Membership.organisation.is_authority,
            Membership.organisation.is_shelter_operator,
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
            is_member_ngo=row["organisation.is_member_ngo"],
            is_authority=row["organisation.is_authority"],
            is_shelter_operator=row["organisation.is_shelter_operator"],
        )
        for row in rows
    )


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
    user = await User.objects().where(User.id == user_id).first()
    if user is None or not user.active:
        return None
    if session_epoch is not None and session_epoch != user.session_epoch:
        return None
    # A session signed in with the password alone ends once the user needs a second factor
    # (e.g. was made an officer meanwhile): the next sign-in asks for it.
    if mfa_verified is False and await mfa_required(user, get_settings()):
        return None
    memberships = await memberships_of(user_id)
    chosen = next((m for m in memberships if m.id == membership_id), None)
    if chosen is None and memberships:
        chosen = memberships[0]
    return Actor(
        user_id=int(user.id),
        name=user.name,
        email=user.email,
        locale=user.locale,
        is_admin=bool(user.is_admin),
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


# --- MFA -----------------------------------------------------------------------------------


async def start_mfa_enrolment(user_id: int) -> str:
    """A new TOTP secret for the user (stored encrypted, not yet active); returns it for the QR."""
    user = await _user(user_id)
    if user.mfa_enabled:
        raise Conflict(_("Two-factor sign-in is already on."))
    secret = new_totp_secret()
    async with write_transaction():
        await User.update({User.totp_secret: crypto.encrypt(secret)}).where(User.id == user_id)
    return secret


async def pending_totp_secret(user_id: int) -> str | None:
    user = await _user(user_id)
    if user.mfa_enabled or not user.totp_secret:
        return None
    return crypto.decrypt(user.totp_secret)


async def confirm_mfa_enrolment(user_id: int, code: str, *, ip: str | None) -> list[str]:
    """Turn MFA on once the user proves the authenticator works; returns new recovery codes."""
    user = await _user(user_id)
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
    user = await _user(user_id)
    if not user.mfa_enabled or not user.totp_secret:
        raise Conflict(_("Two-factor sign-in is not set up."))
    fail_key = f"fristad:mfa:fail:{user_id}"
    if await _count_attempt(redis, fail_key, window) > settings.login_max_failures:
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
    user = await _user(actor.user_id)
    if await mfa_required(user, settings):
        raise Conflict(_("Your role requires two-factor sign-in."))
    _verify_password(user, password)
    async with write_transaction():
        await User.update(
            {User.mfa_enabled: False, User.totp_secret: None, User.totp_last_step: 0}
        ).where(User.id == actor.user_id)
        await RecoveryCode.delete().where(RecoveryCode.user == actor.user_id)
        await audit.record("mfa.disabled", actor=actor, object_type="user", object_id=actor.user_id)


async def mfa_status(user_id: int) -> tuple[bool, int]:
    """Whether the user has MFA on, and how many unused recovery codes are left."""
    user = await _user(user_id)
    return bool(user.mfa_enabled), await recovery_codes_left(user_id)


async def recovery_codes_left(user_id: int) -> int:
    return int(
        await RecoveryCode.count().where(
            (RecoveryCode.user == user_id) & RecoveryCode.used_at.is_null()
        )
    )


# --- profile -------------------------------------------------------------------------------


def _verify_password(user: User, password: str) -> None:
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise InvalidInput({"current_password": _("The password is not correct.")}) from None


async def change_password(actor: Actor, current: str, new: str) -> int:
    """Change the actor's password; every other session of the user ends. Returns the new epoch."""
    user = await _user(actor.user_id)
    _verify_password(user, current)
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
    if locale not in ("sv", "en"):
        raise InvalidInput({"locale": _("Choose Swedish or English.")})
    async with write_transaction():
        await User.update({User.locale: locale}).where(User.id == actor.user_id)


async def request_password_reset(
    email: str, settings: Settings | None = None
) -> tuple[int, str, str] | None:
    """Create a single-use reset link for an active account: (id, address, token), or None.

    The caller answers the same whether or not the account exists, and e-mails the link.
    """
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
    return int(reset.id), user.email, token


async def reset_password(token: str, new: str) -> int:
    """Set a new password with a reset link; the link works once and only until it expires."""
    reset = (
        await PasswordReset.select()
        .where(PasswordReset.token_hash == crypto.token_hash(token))
        .first()
    )
    if reset is None or reset["used_at"] is not None or reset["expires_at"] < now():
        raise Conflict(_("The link has expired or has been used. Ask for a new one."))
    user = await _user(reset["user"])
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


# --- organisations, members, invitations ---------------------------------------------------


@dataclass(frozen=True)
class NewOrganisation:
    name: str
    org_number: str
    is_member_ngo: bool = False
    is_authority: bool = False
    is_shelter_operator: bool = False
    region: str | None = None


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
    if not (data.is_member_ngo or data.is_authority or data.is_shelter_operator):
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
    await _check_role_for(actor, organisation_id, role, region)
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


async def _check_role_for(
    actor: Actor | None, organisation_id: int, role: Role, region: str | None
) -> None:
    """A role must fit the organisation; coordinators (who see other organisations' shared
    cases) are appointed by system administrators only."""
    organisation = (
        await Organisation.select(
            Organisation.is_member_ngo, Organisation.is_authority, Organisation.is_shelter_operator
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


async def _membership_in_reach(actor: Actor, membership_id: int) -> Membership:
    membership = await Membership.objects().where(Membership.id == membership_id).first()
    if membership is None or not (
        actor.is_admin or membership.organisation == actor.organisation_id
    ):
        raise NotFound
    return membership


async def change_role(
    actor: Actor, membership_id: int, role: Role, region: str | None = None
) -> None:
    membership = await _membership_in_reach(actor, membership_id)
    require(actor, "members.manage", membership.organisation)
    await _check_role_for(actor, membership.organisation, role, region)
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


async def deactivate_membership(actor: Actor, membership_id: int) -> None:
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


async def set_user_active(actor: Actor, user_id: int, active: bool) -> None:
    """System admins enable or disable an account; disabling ends all its sessions at once."""
    require(actor, "user.manage")
    async with write_transaction():
        updated = (
            await User.update({User.active: active, User.session_epoch: User.session_epoch + 1})
            .where(User.id == user_id)
            .returning(User.id)
        )
        if not updated:
            raise NotFound
        await audit.record(
            "user.enabled" if active else "user.disabled",
            actor=actor,
            object_type="user",
            object_id=user_id,
        )


async def list_members(actor: Actor, organisation_id: int) -> list[dict[str, Any]]:
    if not (actor.is_admin or actor.organisation_id == organisation_id):
        raise NotFound
    require(actor, "members.read", organisation_id)
    return list(
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
        .where(Membership.organisation == organisation_id)
        .order_by(Membership.user.name)
    )


async def get_organisation(actor: Actor, organisation_id: int) -> dict[str, Any]:
    if not (actor.is_admin or actor.organisation_id == organisation_id):
        raise NotFound
    require(actor, "organisation.read", organisation_id)
    organisation = await Organisation.select().where(Organisation.id == organisation_id).first()
    if organisation is None:
        raise NotFound
    return dict(organisation)


async def list_organisations(actor: Actor) -> list[dict[str, Any]]:
    require(actor, "organisation.create")
    return list(await Organisation.select().order_by(Organisation.name))


async def invite(
    actor: Actor,
    organisation_id: int,
    email: str,
    role: Role,
    region: str | None = None,
    settings: Settings | None = None,
) -> tuple[int, str]:
    """Invite someone by e-mail to a role; returns (invitation id, the single-use token)."""
    settings = settings or get_settings()
    if not (actor.is_admin or actor.organisation_id == organisation_id):
        raise NotFound
    require(actor, "members.manage", organisation_id)
    email = normalise_email(email)
    if not looks_like_email(email):
        raise InvalidInput({"email": _("Enter a valid e-mail address.")})
    await _check_role_for(actor, organisation_id, role, region)
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
    return int(invitation.id), token


async def open_invitation(token: str) -> dict[str, Any]:
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
        raise Conflict(_("The invitation has expired or has been used."))
    row["has_account"] = await User.exists().where(User.email == row["email"])
    return dict(row)


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
            .where((Invitation.id == invitation["id"]) & Invitation.accepted_at.is_null())
            .returning(Invitation.id)
        )
        if not claimed:
            raise Conflict(_("The invitation has expired or has been used."))
        if invitation["has_account"]:
            user_id = await find_user_id(invitation["email"])
            if user_id is None or signed_in_user_id != user_id:
                raise Conflict(_("Sign in with the invited e-mail address to accept."))
        else:
            user_id = await create_user(invitation["email"], name, password)
        await add_membership(
            None,
            user_id,
            invitation["organisation"],
            Role(invitation["role"]),
            invitation["region"],
        )
        await audit.record(
            "invitation.accepted",
            user_id=user_id,
            object_type="invitation",
            object_id=invitation["id"],
        )
    return user_id


async def pending_invitations(actor: Actor, organisation_id: int) -> list[dict[str, Any]]:
    if not (actor.is_admin or actor.organisation_id == organisation_id):
        raise NotFound
    require(actor, "members.manage", organisation_id)
    return list(
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


async def revoke_invitation(actor: Actor, invitation_id: int) -> None:
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


# --- API tokens ----------------------------------------------------------------------------


async def create_token(
    actor: Actor, name: str, scopes: list[str], *, expires_in_days: int | None = 90
) -> tuple[int, str]:
    """Create an API token acting as the actor in the current organisation and role.

    Returns (id, token); the token is shown once and stored only as a hash.
    """
    if actor.token_id is not None:
        raise PermissionDenied(_("A token cannot create tokens."))
    if actor.membership is None:
        raise Conflict(_("Choose an organisation before creating a token."))
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the token a name.")
    if not scopes or any(scope not in TOKEN_SCOPES for scope in scopes):
        errors["scopes"] = _("Choose what the token may do.")
    if "admin" in scopes and not actor.has_role(Role.ORG_ADMIN):
        errors["scopes"] = _("Only organisation administrators can create admin tokens.")
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        errors["expires_in_days"] = _("Choose how long the token is valid.")
    if errors:
        raise InvalidInput(errors)
    token = TOKEN_PREFIX + crypto.new_token()
    async with write_transaction():
        row = ApiToken(
            user=actor.user_id,
            membership=actor.membership.id,
            name=name.strip()[:100],
            prefix=token[:12],
            token_hash=crypto.token_hash(token),
            scopes=" ".join(sorted(set(scopes))),
            created_at=now(),
            expires_at=now() + timedelta(days=expires_in_days) if expires_in_days else None,
        )
        await row.save()
        await audit.record(
            "token.created",
            actor=actor,
            object_type="api_token",
            object_id=row.id,
            detail={"scopes": sorted(set(scopes))},
        )
    return int(row.id), token


async def list_tokens(actor: Actor) -> list[dict[str, Any]]:
    return list(
        await ApiToken.select(
            ApiToken.id,
            ApiToken.name,
            ApiToken.prefix,
            ApiToken.scopes,
            ApiToken.created_at,
            ApiToken.expires_at,
            ApiToken.last_used_at,
            ApiToken.membership.organisation.name.as_alias("organisation_name"),  # type: ignore[union-attr]
        )
        .where((ApiToken.user == actor.user_id) & ApiToken.revoked_at.is_null())
        .order_by(ApiToken.created_at, ascending=False)
    )


async def revoke_token(actor: Actor, token_id: int) -> None:
    async with write_transaction():
        revoked = (
            await ApiToken.update({ApiToken.revoked_at: now()})
            .where(
                (ApiToken.id == token_id)
                & (ApiToken.user == actor.user_id)
                & ApiToken.revoked_at.is_null()
            )
            .returning(ApiToken.id)
        )
        if not revoked:
            raise NotFound
        await audit.record(
            "token.revoked", actor=actor, object_type="api_token", object_id=token_id
        )


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
    if last_used is None or now() - last_used > timedelta(minutes=5):
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


async def rotate_keys() -> int:
    """Re-encrypt the TOTP secrets under the newest data key; returns how many."""
    rows = await User.select(User.id, User.totp_secret).where(User.totp_secret.is_not_null())
    for row in rows:
        async with write_transaction():
            await User.update({User.totp_secret: crypto.rotate(row["totp_secret"])}).where(
                User.id == row["id"]
            )
    return len(rows)


# --- helpers -------------------------------------------------------------------------------


async def _user(user_id: int) -> User:
    user = await User.objects().where(User.id == user_id).first()
    if user is None:
        raise NotFound
    return user


async def find_user_id(email: str) -> int | None:
    row = await User.select(User.id).where(User.email == normalise_email(email)).first()
    return None if row is None else int(row["id"])
