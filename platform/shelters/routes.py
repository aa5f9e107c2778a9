"""What shelters adds to the web application (collected by fristad.app)."""

from accounts.domain import Role
from fristad.i18n import N_
from fristad.web import NavItem
from shelters.api import SheltersApi
from shelters.views import BoardController, OperatorController

NAV = [
    NavItem(
        N_("Bed board"),
        "/shelters/",
        lambda actor: (
            actor.is_admin or actor.has_role(Role.CASEWORKER, Role.COORDINATOR, Role.OFFICER)
        ),
    ),
    NavItem(
        N_("Bed holds"),
        "/shelters/holds",
        lambda actor: actor.has_role(Role.CASEWORKER, Role.COORDINATOR),
    ),
    NavItem(
        N_("My shelters"),
        "/shelters/operate/",
        lambda actor: actor.has_role(Role.SHELTER_STAFF),
    ),
]

ROUTES = [BoardController, OperatorController, SheltersApi]
