"""Services matched like beds (pure, no I/O): for each of the person's needs, every service of
that kind either excluded by a named hard rule or eligible with its points, explained in the
same kind of sentences as beds. The hard rules are providers' own (providers.domain), so
nothing can be reserved that matching would exclude; matching adds consent, capacity left,
freshness and price against the budget left in the matching category."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from fristad.i18n import N_
from fristad.i18n import gettext as _
from matching.domain import Reason
from providers.domain import PersonFacts, cost_of, exclusion_text, exclusions, is_stale
from providers.services.models import ServiceView

# The person's need -> the kind of service that meets it, and the budget category that pays.
KIND_OF_NEED: Final = {
    "legal_aid": "legal_aid",
    "rehabilitation": "rehabilitation",
    "healthcare": "healthcare",
    "interpreter": "interpreting",
}
BUDGET_CATEGORY: Final = {
    "legal_aid": "legal_aid",
    "rehabilitation": "rehabilitation",
    "healthcare": "other",
    "interpreting": "other",
}
# What one reservation takes when matching estimates the cost: a case or place, or these hours.
DEFAULT_HOURS: Final = 10
SERVICE_RULES: Final = {
    "no_consent": N_("The person has not consented to sharing with this provider."),
    "none_free": N_("Nothing is left of this service's capacity."),
}
POINTS: Final = {
    "speaks": (3, N_("Given in a language the person speaks.")),
    "in_region": (2, N_("Given in person in the person's region.")),
    "remote": (1, N_("Given remotely.")),
    "fresh": (1, N_("Capacity confirmed recently.")),
    "stale": (-2, N_("Capacity not confirmed for %(hours)s hours: call first.")),
    "fits_budget": (1, N_("The cost fits the budget left.")),
    "over_budget": (-3, N_("The cost is more than the budget left in the category.")),
}


@dataclass(frozen=True)
class ServiceMatch:
    service: ServiceView
    excluded_by: Reason | None = None
    points: tuple[Reason, ...] = ()
    units: int = 1
    expected_cost: int = 0

    @property
    def eligible(self) -> bool:
        return self.excluded_by is None

    @property
    def score(self) -> int:
        return sum(reason.points for reason in self.points)


def _point(code: str, **facts: object) -> Reason:
    points, template = POINTS[code]
    text = _(template)
    return Reason(code, text % facts if facts else text, points)


def evaluate_service(
    service: ServiceView,
    person: PersonFacts,
    *,
    consented: bool,
    now: datetime,
    stale_hours: int,
    budget_left: int | None,
) -> ServiceMatch:
    """One service for one person: the first hard rule that excludes it, or its points."""
    units = DEFAULT_HOURS if service.capacity_unit == "hours" else 1
    cost = cost_of(service.price, service.price_unit, units)
    found = exclusions(service.facts, person)
    if found:
        return ServiceMatch(service, Reason(found[0], exclusion_text(found[0])), units=units)
    if not consented:
        return ServiceMatch(service, Reason("no_consent", _(SERVICE_RULES["no_consent"])))
    capacity = service.capacity
    if capacity is None or capacity.available < units:
        return ServiceMatch(service, Reason("none_free", _(SERVICE_RULES["none_free"])))
    points = []
    if set(person.languages) & set(service.languages):
        points.append(_point("speaks"))
    points.append(_point("in_region" if person.region in service.regions else "remote"))
    if is_stale(capacity.confirmed_at, now, stale_hours):
        points.append(_point("stale", hours=stale_hours))
    else:
        points.append(_point("fresh"))
    if budget_left is not None and cost:
        points.append(_point("fits_budget" if cost <= budget_left else "over_budget"))
    return ServiceMatch(service, None, tuple(points), units=units, expected_cost=cost)


@dataclass(frozen=True)
class NeedMatches:
    need: str
    kind: str
    eligible: tuple[ServiceMatch, ...]
    excluded: tuple[ServiceMatch, ...]


def rank_services(
    needs: Sequence[str],
    services: Sequence[ServiceView],
    person: PersonFacts,
    *,
    consented_providers: frozenset[int],
    now: datetime,
    stale_hours: int,
    budget_left: dict[str, int | None],
) -> list[NeedMatches]:
    """For each need a service meets: the fitting services best first, then the others."""
    answer = []
    for need in needs:
        kind = KIND_OF_NEED.get(need)
        if kind is None:
            continue
        matches = [
            evaluate_service(
                service,
                person,
                consented=service.provider_id in consented_providers,
                now=now,
                stale_hours=stale_hours,
                budget_left=budget_left.get(BUDGET_CATEGORY[kind]),
            )
            for service in services
            if service.kind == kind
        ]
        eligible = sorted(
            (match for match in matches if match.eligible),
            key=lambda match: (-match.score, match.expected_cost, match.service.name),
        )
        excluded = [match for match in matches if not match.eligible]
        answer.append(NeedMatches(need, kind, tuple(eligible), tuple(excluded)))
    return answer
