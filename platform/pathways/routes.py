"""What pathways hands the composition root (fristad.app): pages, API, menu, jobs."""

from accounts.policy import allows
from beneficiaries.domain import label, options
from fristad.i18n import N_
from fristad.regions import municipalities_in
from fristad.web import AppParts, NavItem, StartPage
from pathways import plan_jobs, plans, policy, returns, returns_demo
from pathways.plans_api import CasePlanApi
from pathways.plans_views import CasePlanController, PlanActionController
from pathways.returns_api import ReturnsApi
from pathways.returns_views import ReturnsController

PARTS = AppParts(
    name="pathways",
    policy=policy,
    route_handlers=[
        CasePlanController,
        PlanActionController,
        CasePlanApi,
        ReturnsController,
        ReturnsApi,
    ],
    nav=[
        NavItem(N_("My region"), "/pathways/plans/region", allows("case_plan.region")),
        # Where the overdue notices of one's organisation are told in the app.
        NavItem(N_("Overdue actions"), "/pathways/plans/notices", allows("case_plan.read")),
        NavItem(N_("Returns"), "/pathways/returns/", allows("return.read")),
    ],
    # Coordinators start on their region (before matching's "Today", which they may also see).
    start_pages=[StartPage("/pathways/plans/region", allows("case_plan.region"), rank=-1)],
    template_globals={
        "returns": returns,
        "plan_vocab": plans,
        "plan_label": label,
        "plan_options": options,
        "plan_municipalities": lambda region: [(m.code, m.name) for m in municipalities_in(region)],
    },
    jobs=plan_jobs.FUNCTIONS,
    cron_jobs=plan_jobs.CRON_JOBS,
    demo=returns_demo.populate,
)
