"""What figures hands the composition root (fristad.app): pages, API, menu."""

from babel.numbers import format_percent

from accounts.policy import allows
from figures import jobs, policy
from figures.api import FiguresApi
from figures.views import FiguresController
from fristad.i18n import N_, active_locale
from fristad.web import AppParts, NavItem

PARTS = AppParts(
    name="figures",
    policy=policy,
    route_handlers=[FiguresController, FiguresApi],
    nav=[
        NavItem(N_("Figures"), "/figures", allows("figures.network")),
        NavItem(N_("Our figures"), "/figures/own", allows("figures.organisation")),
    ],
    jobs=jobs.FUNCTIONS,
    cron_jobs=jobs.CRON_JOBS,
    template_globals={
        "figure_percent": lambda share: format_percent(share, locale=active_locale()),
    },
)
