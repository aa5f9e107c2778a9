"""What beneficiaries hands the composition root (fristad.app): pages, API, menu, jobs, demo."""

from accounts.policy import allows
from beneficiaries import codes, demo, domain, jobs, policy
from beneficiaries.api import BeneficiariesApi
from beneficiaries.views import BeneficiaryController
from fristad.i18n import N_
from fristad.regions import POLICE_REGIONS, municipality_name
from fristad.web import AppParts, NavItem

PARTS = AppParts(
    name="beneficiaries",
    policy=policy,
    route_handlers=[BeneficiaryController, BeneficiariesApi],
    nav=[NavItem(N_("People"), "/beneficiaries/", allows("beneficiary.read"))],
    template_globals={
        "vocab": domain,
        "country_name": codes.country_name,
        "language_name": codes.language_name,
        "region_names": POLICE_REGIONS,
        "municipality_name": municipality_name,
    },
    jobs=jobs.FUNCTIONS,
    cron_jobs=jobs.CRON_JOBS,
    demo=demo.populate,
)
