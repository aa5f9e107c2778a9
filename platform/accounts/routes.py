"""What accounts hands the composition root (fristad.app): pages, API, menu, template helpers."""

from accounts import demo, jobs, policy
from accounts.api import AccountsApi
from accounts.domain import role_label
from accounts.views import (
    AdminController,
    InvitationController,
    MembersController,
    ProfileController,
    SignInController,
)
from fristad.i18n import N_
from fristad.web import AppParts, NavItem

PARTS = AppParts(
    name="accounts",
    policy=policy,
    route_handlers=[
        SignInController,
        ProfileController,
        MembersController,
        InvitationController,
        AdminController,
        AccountsApi,
    ],
    nav=[
        NavItem(N_("Members"), "/organisation/members", policy.allows("members.page")),
        NavItem(N_("Organisations"), "/admin/organisations", policy.allows("organisation.create")),
        NavItem(N_("Audit log"), "/admin/audit", policy.allows("audit.read")),
    ],
    template_globals={"role_label": role_label, "may": policy.may},
    jobs=jobs.FUNCTIONS,
    cron_jobs=jobs.CRON_JOBS,
    demo=demo.populate,
)
