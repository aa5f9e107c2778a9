"""What accounts adds to the web application (collected by fristad.app)."""

from accounts.api import AccountsApi
from accounts.views import (
    AdminController,
    InvitationController,
    MembersController,
    ProfileController,
    SignInController,
)

ROUTES = [
    SignInController,
    ProfileController,
    MembersController,
    InvitationController,
    AdminController,
    AccountsApi,
]
