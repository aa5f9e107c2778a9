"""What pathways hands the composition root (fristad.app): pages, API, menu, jobs."""

from accounts.policy import allows
from fristad.i18n import N_
from fristad.web import AppParts, NavItem
from pathways import policy, returns, returns_demo
from pathways.returns_api import ReturnsApi
from pathways.returns_views import ReturnsController

PARTS = AppParts(
    name="pathways",
    policy=policy,
    route_handlers=[ReturnsController, ReturnsApi],
    nav=[NavItem(N_("Returns"), "/pathways/returns/", allows("return.read"))],
    template_globals={"returns": returns},
    demo=returns_demo.populate,
)
