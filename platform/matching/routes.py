"""What matching hands the composition root (fristad.app): help now, the funding link, jobs."""

from fristad.web import AppParts
from matching import demo, jobs, policy
from matching.api import MatchingApi
from matching.explanations import RULE_GROUPS
from matching.views import FundingController, HelpNowController

PARTS = AppParts(
    name="matching",
    policy=policy,
    route_handlers=[HelpNowController, FundingController, MatchingApi],
    # The panel lists the best 25 fitting categories and 20 excluded ones per rule, and counts
    # the rest (the API lists them all).
    template_globals={"rule_groups": RULE_GROUPS, "listed_per_group": 20, "listed_eligible": 25},
    jobs=jobs.FUNCTIONS,
    cron_jobs=jobs.CRON_JOBS,
    demo=demo.populate,
)
