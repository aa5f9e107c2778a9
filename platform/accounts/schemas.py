"""Forms and API payloads of accounts (msgspec)."""

from __future__ import annotations

from datetime import datetime

import msgspec


class SignInForm(msgspec.Struct):
    email: str = ""
    password: str = ""
    next: str = "/"


class CodeForm(msgspec.Struct):
    code: str = ""


class PasswordForm(msgspec.Struct):
    current_password: str = ""
    password: str = ""


class ConfirmPasswordForm(msgspec.Struct):
    password: str = ""


class EmailForm(msgspec.Struct):
    email: str = ""


class NewPasswordForm(msgspec.Struct):
    password: str = ""


class LanguageForm(msgspec.Struct):
    locale: str = "sv"


class ContextForm(msgspec.Struct):
    membership_id: int
    next: str = "/"


class TokenForm(msgspec.Struct):
    name: str = ""
    scopes: list[str] | str = msgspec.field(default_factory=list)
    expires_in_days: int = 90


class InviteForm(msgspec.Struct):
    email: str = ""
    role: str = "caseworker"
    region: str = ""


class RoleForm(msgspec.Struct):
    role: str = "caseworker"
    region: str = ""


class AcceptInvitationForm(msgspec.Struct):
    name: str = ""
    password: str = ""


class OrganisationForm(msgspec.Struct):
    name: str = ""
    org_number: str = ""
    kinds: list[str] | str = msgspec.field(default_factory=list)
    region: str = ""
    admin_email: str = ""


class AuditFilterForm(msgspec.Struct):
    action: str = ""
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    page: int = 1


# --- API -----------------------------------------------------------------------------------


class MembershipOut(msgspec.Struct):
    id: int
    organisation_id: int
    organisation_name: str
    role: str
    region: str | None


class MeOut(msgspec.Struct):
    user_id: int
    name: str
    organisation_id: int | None
    role: str | None
    scopes: list[str] | None


class OrganisationOut(msgspec.Struct):
    id: int
    name: str
    org_number: str
    is_member_ngo: bool
    is_authority: bool
    is_shelter_operator: bool
    region: str | None


class MemberOut(msgspec.Struct):
    membership_id: int
    user_id: int
    name: str
    role: str
    region: str | None
    active: bool


class TokenOut(msgspec.Struct):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None


def as_list(value: list[str] | str) -> list[str]:
    """A checkbox group arrives as a string when one box is ticked."""
    return [value] if isinstance(value, str) else list(value)
