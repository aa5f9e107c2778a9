"""Accounts use cases: sign-in, MFA, passwords, organisations, members, invitations, tokens.

Each function authorises against the Actor, writes inside ``write_transaction()`` together with
its audit event and its e-mail (a row of the job outbox, relayed once the transaction committed).
Callers import this package (``from accounts import services``); the modules hold one use case
each.
"""

from accounts.services.actors import (
    actor_for_token,
    load_actor,
    memberships_of,
    switch_membership,
)
from accounts.services.invitations import (
    OpenInvitation,
    PendingInvitation,
    accept_invitation,
    invite,
    open_invitation,
    pending_invitations,
    revoke_invitation,
)
from accounts.services.keys import rotate_keys
from accounts.services.members import (
    Member,
    NewOrganisation,
    OrganisationDetails,
    add_membership,
    change_role,
    create_organisation,
    deactivate_membership,
    get_member,
    get_organisation,
    list_members,
    list_organisations,
)
from accounts.services.mfa import (
    MfaEnrolment,
    MfaStatus,
    confirm_mfa_enrolment,
    disable_mfa,
    mfa_enrolment,
    mfa_status,
    new_recovery_codes_for,
    recovery_codes_left,
    verify_second_factor,
)
from accounts.services.profile import (
    PasswordResetLink,
    change_password,
    request_password_reset,
    reset_password,
    send_password_reset_link,
    set_locale,
)
from accounts.services.sign_in import SignIn, authenticate, record_sign_in, record_sign_out
from accounts.services.tokens import NewToken, TokenSummary, create_token, list_tokens, revoke_token
from accounts.services.users import (
    create_user,
    find_user_id,
    set_user_active,
)

__all__ = [
    "Member",
    "MfaEnrolment",
    "MfaStatus",
    "NewOrganisation",
    "NewToken",
    "OpenInvitation",
    "OrganisationDetails",
    "PasswordResetLink",
    "PendingInvitation",
    "SignIn",
    "TokenSummary",
    "accept_invitation",
    "actor_for_token",
    "add_membership",
    "authenticate",
    "change_password",
    "change_role",
    "confirm_mfa_enrolment",
    "create_organisation",
    "create_token",
    "create_user",
    "deactivate_membership",
    "disable_mfa",
    "find_user_id",
    "get_member",
    "get_organisation",
    "invite",
    "list_members",
    "list_organisations",
    "list_tokens",
    "load_actor",
    "memberships_of",
    "mfa_enrolment",
    "mfa_status",
    "new_recovery_codes_for",
    "open_invitation",
    "pending_invitations",
    "record_sign_in",
    "record_sign_out",
    "recovery_codes_left",
    "request_password_reset",
    "reset_password",
    "revoke_invitation",
    "revoke_token",
    "rotate_keys",
    "send_password_reset_link",
    "set_locale",
    "set_user_active",
    "switch_membership",
    "verify_second_factor",
]
