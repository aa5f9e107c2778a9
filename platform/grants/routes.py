"""What grants hands the composition root (fristad.app): pages, API, menu, jobs, demo."""

from accounts.policy import allows
from beneficiaries import codes
from beneficiaries import domain as person
from fristad.i18n import N_
from fristad.web import AppParts, NavItem, StartPage
from grants import demo, domain, jobs, policy
from grants.api import GrantsApi
from grants.views import GrantsController
from grants.views.budgets import BudgetsController

PARTS = AppParts(
    name="grants",
    policy=policy,
    route_handlers=[GrantsController, BudgetsController, GrantsApi],
    nav=[
        NavItem(N_("Support requests"), "/grants/requests", allows("support_request.create")),
        NavItem(N_("Decide"), "/grants/queue", allows("support_request.decide")),
        NavItem(N_("Budgets"), "/grants/programmes", allows("programme.manage")),
    ],
    # Officers start on the queue: deadlines, decisions awaiting a second officer.
    start_pages=[StartPage("/grants/queue", allows("support_request.decide"))],
    template_globals={
        "grant_gender": lambda code: person.label(person.GENDERS, code),
        "grant_language": codes.language_name,
        "grant_state": domain.state_label,
        "grant_category": domain.category_label,
        "grant_ledger_kind": domain.ledger_kind_label,
        "kronor_input": domain.kronor_input,
    },
    jobs=jobs.FUNCTIONS,
    cron_jobs=jobs.CRON_JOBS,
    demo=demo.populate,
)
