"""What providers hands the composition root (fristad.app): pages, API, menu, jobs, demo."""

from accounts.policy import allows
from fristad.web import AppParts, NavItem
from providers import jobs, policy

PARTS = AppParts(
    name="providers",
    policy=policy,
    route_handlers=[],
    nav=[],
    jobs=jobs.FUNCTIONS,
    cron_jobs=jobs.CRON_JOBS,
)
