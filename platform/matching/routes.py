"""What matching hands the composition root (fristad.app): help now, the funding link, jobs."""

from accounts.policy import allows
from fristad.i18n import N_
from fristad.web import AppParts, NavItem, StartPage
from matching import demo, jobs, policy
from matching.api import MatchingApi
from matching.explanations import RULE_GROUPS
from matching.today import TodayApi, TodayController
from matching.views import FundingController, HelpNowController

PARTS = AppParts(
    name="matching",
    policy=policy,
    route_handlers=[HelpNowController, FundingController, MatchingApi, TodayController, TodayApi],
    # Those who act for people start on what waits for them (``today``).
    nav=[NavItem(N_("Today"), "/today", allows("match.read"))],
    start_pages=[StartPage("/today", allows("match.read"))],
    # The panel lists the best 25 fitting categories and 20 excluded ones per rule, and counts
    # the rest (the API lists them all).
    template_globals={"rule_groups": RULE_GROUPS, "listed_per_group": 20, "listed_eligible": 25},
    jobs=jobs.FUNCTIONS,
    cron_jobs=jobs.CRON_JOBS,
    demo=demo.populate,
)
