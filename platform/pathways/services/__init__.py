"""Pathways' services: every read and change of return plans and case plans, authorised here."""

# --- case plans, the minors' path, the region view ---------------------------------------------
from pathways.services.plan_overdue import PlanNotice, notify_overdue, plan_notices
from pathways.services.plan_region import RegionSupply, RegionView, region_supply_with, region_view
from pathways.services.plans import (
    ActionChange,
    CasePlan,
    MinorPathView,
    PlanAction,
    case_plan,
    change_action,
    plan_action,
    record_guardian,
    record_guardian_consent,
    record_social_services,
    seed_case_plan,
    start_minor_path,
)

__all__ = [
    "ActionChange",
    "CasePlan",
    "MinorPathView",
    "PlanAction",
    "PlanNotice",
    "RegionSupply",
    "RegionView",
    "case_plan",
    "change_action",
    "notify_overdue",
    "plan_action",
    "plan_notices",
    "record_guardian",
    "record_guardian_consent",
    "record_social_services",
    "region_supply_with",
    "region_view",
    "seed_case_plan",
    "start_minor_path",
]
