"""Accounts tables: organisations, users, memberships, credentials, invitations, audit log."""

from __future__ import annotations

from piccolo.columns import (
    BigInt,
    Boolean,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table


class Organisation(Table):
    id: Serial
    name = Varchar(length=200)
    # Swedish organisation number, normalised as NNNNNN-NNNN.
    org_number = Varchar(length=11, unique=True)
    is_member_ngo = Boolean(default=False)
    is_authority = Boolean(default=False)
    is_shelter_operator = Boolean(default=False)
    # Offers services (legal aid, rehabilitation, interpreting...): see the providers app.
    is_provider = Boolean(default=False)
    # A partner of a programme (IOM in the return programme): see the pathways app.
    is_partner = Boolean(default=False)
    # One of the seven police regions (fristad.regions); None for national bodies.
    region = Varchar(length=20, null=True, default=None)
    active = Boolean(default=True)
    created_at = Timestamptz()


class User(Table, tablename="account_user"):
    id: Serial
    # Stored lower-cased, so uniqueness is case-insensitive.
    email = Varchar(length=320, unique=True)
    name = Varchar(length=200)
    locale = Varchar(length=2, default="sv")
    password_hash = Text()
    # Fernet-encrypted base32 TOTP secret; None until MFA is enrolled.
    totp_secret = Text(null=True, default=None)
    mfa_enabled = Boolean(default=False)
    # The last TOTP time step accepted: a code is never accepted twice.
    totp_last_step = BigInt(default=0)
    is_admin = Boolean(default=False)
    # Demo users may skip MFA outside production.
    is_demo = Boolean(default=False)
    active = Boolean(default=True)
    # Raised when the password changes or the account is disabled: older sessions end.
    session_epoch = Integer(default=0)
    created_at = Timestamptz()
    password_changed_at = Timestamptz()


ROLES = (
    "caseworker",
    "coordinator",
    "officer",
    "shelter_staff",
    "provider_staff",
    "org_admin",
    "return_officer",
    "partner_staff",
)


class Membership(Table):
    id: Serial
    user = ForeignKey(references=User, index=True)
    organisation = ForeignKey(references=Organisation, index=True)
    role = Varchar(length=20)
    # Coordinators work for one police region.
    region = Varchar(length=20, null=True, default=None)
    active = Boolean(default=True)
    created_at = Timestamptz()
    # In the migration (fristad.database.add_unique/add_check): UNIQUE (user, organisation,
    # role) and CHECK (role IN ROLES).


class RecoveryCode(Table):
    id: Serial
    user = ForeignKey(references=User, index=True)
    code_hash = Varchar(length=64, unique=True)
    used_at = Timestamptz(null=True, default=None)


class ApiToken(Table):
    id: Serial
    user = ForeignKey(references=User, index=True)
    membership = ForeignKey(references=Membership)
    name = Varchar(length=100)
    # The first characters of the token, shown so a user can tell tokens apart.
    prefix = Varchar(length=16)
    token_hash = Varchar(length=64, unique=True)
    # Space-separated scope names.
    scopes = Text()
    created_at = Timestamptz()
    expires_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class Invitation(Table):
    id: Serial
    organisation = ForeignKey(references=Organisation, index=True)
    email = Varchar(length=320)
    role = Varchar(length=20)
    region = Varchar(length=20, null=True, default=None)
    token_hash = Varchar(length=64, unique=True)
    invited_by = ForeignKey(references=User, null=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class PasswordReset(Table):
    id: Serial
    user = ForeignKey(references=User, index=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class AuditEvent(Table):
    """One entry of the append-only, hash-chained audit log.

    ``hash`` is the SHA-256 of the event's content and ``prev_hash``; ``prev_hash`` is unique, so
    the chain cannot fork. Text fields hold identifiers and codes, never personal data.
    """

    id: Serial
    at = Timestamptz(index=True)
    actor_user_id = Integer(null=True, default=None, index=True)
    organisation_id = Integer(null=True, default=None)
    role = Varchar(length=20, null=True, default=None)
    action = Varchar(length=60, index=True)
    object_type = Varchar(length=40, null=True, default=None)
    object_id = Varchar(length=40, null=True, default=None, index=True)
    ip = Varchar(length=45, null=True, default=None)
    reason = Text(null=True, default=None)
    # JSON object of non-personal detail (codes, counts, ids).
    detail = Text(default="{}")
    prev_hash = Varchar(length=64, unique=True)
    hash = Varchar(length=64, unique=True)
