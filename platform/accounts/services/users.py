"""Users and passwords: creating accounts, hashing and checking passwords, enabling accounts."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from accounts import audit
from accounts.domain import Actor, looks_like_email, normalise_email, password_problems
from accounts.policy import require
from accounts.services._common import now
from accounts.tables import User
from fristad.database import write_transaction
from fristad.errors import InvalidInput, NotFound
from fristad.i18n import DEFAULT_LOCALE
from fristad.i18n import gettext as _

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the e-mail is unknown, so both answers take the same time.
DUMMY_HASH = _hasher.hash("fristad-timing-equaliser-not-a-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def needs_rehash(password_hash: str) -> bool:
    """Whether a hash was made with weaker parameters than the library recommends now."""
    return _hasher.check_needs_rehash(password_hash)


async def password_matches(password_hash: str, password: str) -> bool:
    """argon2 takes tens of milliseconds of CPU: off the event loop, in a thread."""

    def check() -> bool:
        try:
            return bool(_hasher.verify(password_hash, password))
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)


def verify_password(user: User, password: str) -> None:
    """The signed-in user confirms with their password; a wrong one is the form's error."""
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise InvalidInput({"current_password": _("The password is not correct.")}) from None


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
    locale: str = DEFAULT_LOCALE,
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


async def find_user_id(email: str) -> int | None:
    row = await User.select(User.id).where(User.email == normalise_email(email)).first()
    return None if row is None else int(row["id"])


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
