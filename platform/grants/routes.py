"""What grants adds to the web application (collected by fristad.app)."""

from accounts.domain import Role
from fristad.i18n import N_
from fristad.web import NavItem
from grants.api import GrantsApi
from grants.views import GrantsController

NAV = [
    NavItem(
        N_("Support requests"),
        "/grants/requests",
        lambda actor: actor.has_role(Role.CASEWORKER, Role.COORDINATOR, Role.ORG_ADMIN),
    ),
    NavItem(N_("Decide"), "/grants/queue", lambda actor: actor.has_role(Role.OFFICER)),
    NavItem(N_("Budgets"), "/grants/programmes", lambda actor: actor.has_role(Role.OFFICER)),
]

ROUTES = [GrantsController, GrantsApi]
