"""What shelters hands the composition root (fristad.app): pages, API, menu, jobs, demo."""

from datetime import UTC, datetime
from typing import Any

from accounts.policy import allows
from beneficiaries.codes import language_name
from beneficiaries.domain import GENDERS, SHELTER_REQUIREMENTS
from beneficiaries.domain import label as vocabulary_label
from fristad.i18n import N_
from fristad.regions import municipality_name
from fristad.web import AppParts, NavItem, StartPage
from shelters import demo, jobs, policy
from shelters.api import SheltersApi
from shelters.domain import (
    DECLINE_REASONS,
    DISCHARGE_REASONS,
    HOLD_STATUSES,
    NOTICES,
    SECURITY_LEVELS,
    TARGET_GROUPS,
    is_stale,
)
from shelters.views import BoardController, OperatorController


def category_stale(category: Any, stale_hours: int) -> bool:
    """Whether a category's numbers were not confirmed lately (its row says so)."""
    return is_stale(category.confirmed_at, datetime.now(UTC), stale_hours)


PARTS = AppParts(
    name="shelters",
    policy=policy,
    route_handlers=[BoardController, OperatorController, SheltersApi],
    nav=[
        NavItem(N_("Bed board"), "/shelters/", allows("shelter.board")),
        NavItem(N_("Bed holds"), "/shelters/holds", allows("hold.list")),
        NavItem(N_("My shelters"), "/shelters/operate/", allows("shelter.operate")),
    ],
    # Shelter staff start on their beds: −/+ and "still correct" right after sign-in.
    start_pages=[StartPage("/shelters/operate/", allows("shelter.operate"))],
    template_globals={
        "shelter_vocabularies": {
            "target_groups": TARGET_GROUPS,
            "security_levels": SECURITY_LEVELS,
            "decline_reasons": DECLINE_REASONS,
            "discharge_reasons": DISCHARGE_REASONS,
            "hold_statuses": HOLD_STATUSES,
            "notices": NOTICES,
            "genders": GENDERS,
            "shelter_requirements": SHELTER_REQUIREMENTS,
        },
        "shelter_label": vocabulary_label,
        "municipality_name": municipality_name,
        "language_name": language_name,
        "category_stale": category_stale,
    },
    jobs=jobs.FUNCTIONS,
    cron_jobs=jobs.CRON_JOBS,
    demo=demo.populate,
)
