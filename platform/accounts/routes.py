"""What accounts adds to the web application (collected by fristad.app)."""

from accounts.api import AccountsApi
from accounts.domain import Role
from accounts.views import (
    AdminController,
    InvitationController,
    MembersController,
    ProfileController,
    SignInController,
)
from fristad.i18n import N_
from fristad.web import NavItem

NAV = [
    NavItem(N_("Members"), "/organisation/members", lambda actor: actor.role == Role.ORG_ADMIN),
    NavItem(N_("Organisations"), "/admin/organisations", lambda actor: actor.is_admin),
    NavItem(N_("Audit log"), "/admin/audit", lambda actor: actor.is_admin),
]

ROUTES = [
    SignInController,
    ProfileController,
    MembersController,
    InvitationController,
    AdminController,
    AccountsApi,
]
