"""What pathways hands the composition root (fristad.app): pages, API, menu, jobs."""

from fristad.web import AppParts
from pathways import policy

PARTS = AppParts(
    name="pathways",
    policy=policy,
    route_handlers=[],
)
