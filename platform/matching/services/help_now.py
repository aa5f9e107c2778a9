"""Help now: every bed that fits the person, ranked, and why the others do not."""

from __future__ import annotations

from dataclasses import dataclass

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from beneficiaries import services as beneficiaries
from fristad.database import write_transaction
from fristad.settings import Settings
from grants import services as grants
from grants.services import BudgetLeft
from matching.domain import Ranking, rank
from matching.services.demand import record_unmet
from matching.services.facts import context_for, offer_of, person_of
from shelters import services as shelters

DEFAULT_NIGHTS = 30
MAX_NIGHTS = 365


@dataclass(frozen=True)
class MatchFilters:
    region: str = ""  # a police region code; "" for all
    include_stale: bool = True
    nights: int = DEFAULT_NIGHTS


@dataclass(frozen=True)
class HelpNow:
    """The answer for one person: ranked offers, grouped exclusions, the budget they draw on."""

    beneficiary_id: int
    code: str
    filters: MatchFilters
    ranking: Ranking
    budget: BudgetLeft | None
    considered: int
    # Categories with no bed free: counted in SQL, not loaded or ranked (at national scale most
    # categories are full at any moment).
    full_categories: int


async def help_now(
    actor: Actor, beneficiary_id: int, filters: MatchFilters, settings: Settings
) -> HelpNow:
    """Rank every bed category for the person (a caseworker or coordinator acting for them).

    The search is audited; a search with no eligible offer is recorded as unmet demand.
    """
    require(actor, "match.read")
    case = await beneficiaries.matching_facts(actor, beneficiary_id)
    nights = min(max(filters.nights, 1), MAX_NIGHTS)
    budget = await grants.budget_left("shelter")
    context = await context_for(
        beneficiary_id,
        settings,
        nights=nights,
        budget_left=budget.remaining if budget else None,
    )
    region = filters.region or None
    offers = [offer_of(facts) for facts in await shelters.offers(region=region, with_free_bed=True)]
    full = await shelters.count_full_categories(region=region)
    ranking = rank(person_of(case), offers, context, include_stale=filters.include_stale)
    async with write_transaction():
        await audit.record(
            "match.searched",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            detail={"offers": len(offers) + full, "eligible": len(ranking.eligible)},
        )
        if ranking.none_eligible:
            await record_unmet(case, "no_offer")
    return HelpNow(
        beneficiary_id=beneficiary_id,
        code=case.code,
        filters=MatchFilters(filters.region, filters.include_stale, nights),
        ranking=ranking,
        budget=budget,
        considered=len(offers) + full,
        full_categories=full,
    )
