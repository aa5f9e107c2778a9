"""Pathways' services: every read and change of return plans and case plans, authorised here."""

from pathways.services.return_costs import draft_return_cost
from pathways.services.return_plans import (
    PrintedSummary,
    ReferralIn,
    ReturnPlanRow,
    ReturnPlanView,
    ReturnTaskView,
    authorities,
    get_return_plan,
    list_return_plans,
    partners,
    printed_summary,
    return_plan_of_case,
    returns_by_country,
)
from pathways.services.returns import (
    accept_referral,
    decline_referral,
    move_task,
    record_departure,
    refer_to_return,
    stop_on_consent_withdrawn,
)

__all__ = [
    "PrintedSummary",
    "ReferralIn",
    "ReturnPlanRow",
    "ReturnPlanView",
    "ReturnTaskView",
    "accept_referral",
    "authorities",
    "decline_referral",
    "draft_return_cost",
    "get_return_plan",
    "list_return_plans",
    "move_task",
    "partners",
    "printed_summary",
    "record_departure",
    "refer_to_return",
    "return_plan_of_case",
    "returns_by_country",
    "stop_on_consent_withdrawn",
]
