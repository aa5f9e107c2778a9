"""Forms and API payloads of accounts (msgspec)."""

from __future__ import annotations

from datetime import datetime

import msgspec

from fristad.schemas import Code, DbId, Email, Int32, LocalPath, Name, Password, ShortName


class SignInForm(msgspec.Struct):
    email: Email = ""
    password: Password = ""
    next: LocalPath = "/"


class CodeForm(msgspec.Struct):
    code: Code = ""


class PasswordForm(msgspec.Struct):
    current_password: Password = ""
    password: Password = ""


class ConfirmPasswordForm(msgspec.Struct):
    password: Password = ""


class EmailForm(msgspec.Struct):
    email: Email = ""


class NewPasswordForm(msgspec.Struct):
    password: Password = ""


class LanguageForm(msgspec.Struct):
    locale: Code = "sv"


class ContextForm(msgspec.Struct):
    membership_id: DbId
    next: LocalPath = "/"


class TokenForm(msgspec.Struct):
    name: ShortName = ""
    scopes: list[Code] | Code = msgspec.field(default_factory=list)
    expires_in_days: Int32 = 90


class InviteForm(msgspec.Struct):
    email: Email = ""
    role: Code = "caseworker"
    region: Code = ""


class RoleForm(msgspec.Struct):
    role: Code = "caseworker"
    region: Code = ""


class AcceptInvitationForm(msgspec.Struct):
    name: Name = ""
    password: Password = ""


class OrganisationForm(msgspec.Struct):
    name: Name = ""
    org_number: Code = ""
    kinds: list[Code] | Code = msgspec.field(default_factory=list)
    region: Code = ""
    admin_email: Email = ""


class AuditFilterForm(msgspec.Struct):
    action: Code = ""
    actor: Email = ""
    object_type: Code = ""
    object_id: Code = ""


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


class InvitationIn(msgspec.Struct, kw_only=True):
    email: Email
    role: Code
    region: Code | None = None  # a coordinator's police region


class InvitationOut(msgspec.Struct):
    id: int
    email: str
    role: str
    expires_at: datetime


class RoleIn(msgspec.Struct, kw_only=True):
    role: Code
    region: Code | None = None
