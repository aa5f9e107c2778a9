"""Accounts pages, one module per page group; routes.py hands these controllers to the app."""

from accounts.views.admin import AdminController
from accounts.views.members import InvitationController, MembersController
from accounts.views.profile import ProfileController
from accounts.views.sign_in import SignInController

__all__ = [
    "AdminController",
    "InvitationController",
    "MembersController",
    "ProfileController",
    "SignInController",
]
