"""Matching's use cases: help now, holding through the rules, the funding link, reverse matching
of beds and services."""

from matching.services.case_end import CASE_ENDING
from matching.services.demand import record_unmet
from matching.services.funding import (
    Funding,
    funding_of_case,
    funding_of_placement,
    funding_of_request,
    nights_stayed,
    settle,
    settle_all,
)
from matching.services.help_now import DEFAULT_NIGHTS, MAX_NIGHTS, HelpNow, MatchFilters, help_now
from matching.services.holds import HOLD_GUARD, FundedHold, hold_and_apply
from matching.services.region import REGION_SUPPLY
from matching.services.reverse import (
    Alert,
    alert_for_event,
    alerts_of_case,
    fitting_cases,
    match_freed_beds,
)
from matching.services.reverse_services import (
    ALERTS_PER_SERVICE,
    FittingCase,
    ServiceAlertView,
    alert_for_service_event,
    fitting_cases_for_service,
    match_freed_services,
    service_alerts_of_case,
)
from matching.services.service_funding import (
    FundedReservation,
    ServiceFunding,
    reserve_and_apply,
    service_funding_of_case,
    service_funding_of_request,
    settle_service,
    settle_services,
)
from matching.services.services_now import services_now
from matching.services.situation import CASE_SITUATION

__all__ = [
    "ALERTS_PER_SERVICE",
    "CASE_ENDING",
    "CASE_SITUATION",
    "DEFAULT_NIGHTS",
    "HOLD_GUARD",
    "MAX_NIGHTS",
    "REGION_SUPPLY",
    "Alert",
    "FittingCase",
    "FundedHold",
    "FundedReservation",
    "Funding",
    "HelpNow",
    "MatchFilters",
    "ServiceAlertView",
    "ServiceFunding",
    "alert_for_event",
    "alert_for_service_event",
    "alerts_of_case",
    "fitting_cases",
    "fitting_cases_for_service",
    "funding_of_case",
    "funding_of_placement",
    "funding_of_request",
    "help_now",
    "hold_and_apply",
    "match_freed_beds",
    "match_freed_services",
    "nights_stayed",
    "record_unmet",
    "reserve_and_apply",
    "service_alerts_of_case",
    "service_funding_of_case",
    "service_funding_of_request",
    "services_now",
    "settle",
    "settle_all",
    "settle_service",
    "settle_services",
]
