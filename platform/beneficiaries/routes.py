"""What beneficiaries adds to the web application (collected by fristad.app)."""

from accounts.domain import Role
from beneficiaries.api import BeneficiariesApi
from beneficiaries.views import BeneficiaryController
from fristad.i18n import N_
from fristad.web import NavItem

NAV = [
    NavItem(
        N_("People"),
        "/beneficiaries/",
        lambda actor: actor.has_role(
            Role.CASEWORKER, Role.COORDINATOR, Role.ORG_ADMIN, Role.OFFICER
        ),
    ),
]

ROUTES = [BeneficiaryController, BeneficiariesApi]
