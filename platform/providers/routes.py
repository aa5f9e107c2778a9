"""What providers hands the composition root (fristad.app): pages, API, menu, jobs, demo."""

from fristad.web import AppParts
from providers import jobs, policy

PARTS = AppParts(
    name="providers",
    policy=policy,
    route_handlers=[],
    nav=[],
    jobs=jobs.FUNCTIONS,
    cron_jobs=jobs.CRON_JOBS,
)
