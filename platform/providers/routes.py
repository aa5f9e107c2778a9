"""What providers hands the composition root (fristad.app): pages, API, menu, jobs, demo."""

from accounts.policy import allows
from beneficiaries.codes import language_name
from beneficiaries.domain import GENDERS, label, options
from fristad.i18n import N_
from fristad.regions import POLICE_REGIONS
from fristad.web import AppParts, NavItem, StartPage
from providers import demo, jobs, policy
from providers.api import ProvidersApi
from providers.domain import (
    CAPACITY_UNITS,
    DECLINE_REASONS,
    EXCLUSIONS,
    LEGAL_MATTERS,
    PRICE_UNITS,
    RESERVATION_STATUSES,
    SERVICE_KINDS,
    TARGET_GROUPS,
)
from providers.views import DirectoryController, ProviderController


def matter_options(codes: list[str]) -> list[tuple[str, str]]:
    """The legal matters a service takes, as a select's options."""
    return [(code, label(LEGAL_MATTERS, code)) for code in codes]


PARTS = AppParts(
    name="providers",
    policy=policy,
    route_handlers=[DirectoryController, ProviderController, ProvidersApi],
    nav=[
        NavItem(N_("Services"), "/providers/", allows("service.directory")),
        NavItem(N_("Our services"), "/providers/operate/", allows("provider.operate")),
    ],
    # Provider staff start on their services: capacity and reservations right after sign-in.
    start_pages=[StartPage("/providers/operate/", allows("provider.operate"))],
    template_globals={
        "provider_vocabularies": {
            "kinds": SERVICE_KINDS,
            "matters": LEGAL_MATTERS,
            "target_groups": TARGET_GROUPS,
            "price_units": PRICE_UNITS,
            "capacity_units": CAPACITY_UNITS,
            "statuses": RESERVATION_STATUSES,
            "decline_reasons": DECLINE_REASONS,
            "exclusions": EXCLUSIONS,
        },
        "provider_label": label,
        "provider_options": options,
        "provider_matters": matter_options,
        "provider_regions": POLICE_REGIONS,
        "provider_gender": lambda code: label(GENDERS, code),
        "language_name": language_name,
    },
    jobs=jobs.FUNCTIONS,
    cron_jobs=jobs.CRON_JOBS,
    demo=demo.populate,
)
