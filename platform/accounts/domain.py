"""Accounts rules without I/O: who an actor is, roles, passwords, TOTP, organisation numbers."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

import pyotp
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr
from zxcvbn import zxcvbn

from fristad.errors import InvalidInput
from fristad.i18n import gettext as _

PASSWORD_MIN_LENGTH: Final = 12
PASSWORD_MAX_LENGTH: Final = 256
PASSWORD_MIN_SCORE: Final = 3  # zxcvbn: 3 = "safely unguessable: moderate protection"
TOTP_PERIOD_SECONDS: Final = 30
RECOVERY_CODE_COUNT: Final = 10
RECOVERY_ALPHABET: Final = "23456789abcdefghjkmnpqrstuvwxyz"
TOKEN_PREFIX: Final = "fri_"  # noqa: S105 - a marker, not a secret
TOKEN_SCOPES: Final = ("read", "write", "admin")
MAX_TOKEN_DAYS: Final = 3650


class Role(StrEnum):
    CASEWORKER = "caseworker"
    COORDINATOR = "coordinator"
    OFFICER = "officer"
    SHELTER_STAFF = "shelter_staff"
    PROVIDER_STAFF = "provider_staff"
    ORG_ADMIN = "org_admin"
    # Länsstyrelsen's return programme, and the staff of its partner (IOM): issue 14.
    RETURN_OFFICER = "return_officer"
    PARTNER_STAFF = "partner_staff"


def role_label(role: str) -> str:
    labels = {
        Role.CASEWORKER: _("Caseworker"),
        Role.COORDINATOR: _("Regional coordinator"),
        Role.OFFICER: _("Officer (Länsstyrelsen)"),
        Role.SHELTER_STAFF: _("Shelter staff"),
        Role.PROVIDER_STAFF: _("Service provider staff"),
        Role.ORG_ADMIN: _("Organisation administrator"),
        Role.RETURN_OFFICER: _("Return officer (Länsstyrelsen)"),
        Role.PARTNER_STAFF: _("Partner staff (IOM)"),
    }
    try:
        return labels[Role(role)]
    except ValueError:
        return role


def parse_role(value: str) -> Role:
    """The role a form names; an unknown one is the form's error."""
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput({"role": _("Choose a role.")}) from None


# Roles that must sign in with a second factor, whatever the configuration says.
MFA_ROLES: Final = frozenset({Role.OFFICER, Role.RETURN_OFFICER, Role.COORDINATOR})


@dataclass(frozen=True)
class MembershipRef:
    """One of the user's memberships, as offered by the organisation switcher."""

    id: int
    organisation_id: int
    organisation_name: str
    role: Role
    region: str | None
    # What the organisation is (capabilities decide which roles make sense there).
    is_member_ngo: bool = False
    is_authority: bool = False
    is_shelter_operator: bool = False
    is_provider: bool = False
    is_partner: bool = False


def role_fits(
    role: Role,
    *,
    is_member_ngo: bool,
    is_authority: bool,
    is_shelter_operator: bool,
    is_provider: bool = False,
    is_partner: bool = False,
) -> bool:
    """Officers work for an authority, shelter staff for a shelter operator, provider staff for
    a service provider, caseworkers and coordinators for a member organisation, return officers
    for an authority, partner staff for a partner (IOM); any organisation has administrators."""
    return {
        Role.OFFICER: is_authority,
        Role.SHELTER_STAFF: is_shelter_operator,
        Role.PROVIDER_STAFF: is_provider,
        Role.CASEWORKER: is_member_ngo,
        Role.COORDINATOR: is_member_ngo,
        Role.ORG_ADMIN: True,
        Role.RETURN_OFFICER: is_authority,
        Role.PARTNER_STAFF: is_partner,
    }[role]


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user, in one organisation and role (or a system admin without one).

    Every service takes an Actor and authorises against it; it is built per request from the
    session or the API token, never trusted from the client.
    """

    user_id: int
    name: str
    email: str
    locale: str
    is_admin: bool
    membership: MembershipRef | None
    memberships: tuple[MembershipRef, ...] = ()
    # Set when the request came with an API token: what the token may do.
    scopes: frozenset[str] | None = None
    token_id: int | None = None
    ip: str | None = field(default=None, compare=False)

    @property
    def organisation_id(self) -> int | None:
        return self.membership.organisation_id if self.membership else None

    @property
    def role(self) -> Role | None:
        return self.membership.role if self.membership else None

    @property
    def region(self) -> str | None:
        return self.membership.region if self.membership else None

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


def normalise_email(email: str) -> str:
    return email.strip().lower()


def looks_like_email(email: str) -> bool:
    local, _at, domain = email.partition("@")
    return bool(local) and "." in domain and " " not in email and len(email) <= 320


def password_problems(password: str, *, user_inputs: list[str]) -> list[str]:
    """Why a new password is refused (translated), or [] when it is acceptable.

    Length is checked in characters; strength by zxcvbn, which knows common and breached-style
    passwords, keyboard walks and the user's own name and e-mail.
    """
    if len(password) < PASSWORD_MIN_LENGTH:
        return [_("Use at least 12 characters.")]
    if len(password) > PASSWORD_MAX_LENGTH:
        return [_("Use at most 256 characters.")]
    # zxcvbn refuses more than 72 characters; the first 72 decide the strength anyway.
    result = zxcvbn(password[:72], user_inputs=[value for value in user_inputs if value])
    if result["score"] < PASSWORD_MIN_SCORE:
        return [_("This password is too easy to guess. Try a longer phrase of unrelated words.")]
    return []


def token_problems(name: str, scopes: list[str], expires_in_days: int | None) -> dict[str, str]:
    """What is wrong with a new API token's form, by field (translated), or {}."""
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the token a name.")
    if not scopes or any(scope not in TOKEN_SCOPES for scope in scopes):
        errors["scopes"] = _("Choose what the token may do.")
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        errors["expires_in_days"] = _("Choose how long the token is valid.")
    return errors


def normalise_org_number(value: str) -> str | None:
    """A valid Swedish organisation number as NNNNNN-NNNN, or None."""
    try:
        return str(orgnr.format(orgnr.validate(value)))
    except StdnumError:
        return None


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name="Fristad")


def matching_totp_step(secret: str, code: str, *, now: float | None = None) -> int | None:
    """The time step a code belongs to (this one, or one either side for clock drift), or None.

    The caller accepts the code only if the step is newer than the last accepted one, so a code
    is never accepted twice.
    """
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int((now if now is not None else time.time()) // TOTP_PERIOD_SECONDS)
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.at(step * TOTP_PERIOD_SECONDS), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten single-use codes like ``k7qm-3x2p-9rta``, shown once."""
    return [
        "-".join("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(4)) for _ in range(3))
        for _ in range(RECOVERY_CODE_COUNT)
    ]


def normalise_recovery_code(code: str) -> str:
    compact = "".join(character for character in code.lower() if character.isalnum())
    return "-".join(compact[index : index + 4] for index in range(0, len(compact), 4))
