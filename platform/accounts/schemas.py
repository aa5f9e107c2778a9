"""Forms and API payloads of accounts (msgspec)."""

from __future__ import annotations

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


# --- API -----------------------------------------------------------------------------------


class MeOut(msgspec.Struct):
    user_id: int
    name: str
    organisation_id: int | None
    role: str | None
    scopes: list[str] | None


class MemberOut(msgspec.Struct):
    membership_id: int
    user_id: int
    name: str
    role: str
    region: str | None
    active: bool
