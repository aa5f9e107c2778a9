"""Help now for the person's other needs: the services that fit each, ranked, and why not the
others (matching.service_rules). A handful of queries, whatever the number of services."""

from __future__ import annotations

from datetime import UTC, datetime

from accounts.domain import Actor
from accounts.policy import require
from beneficiaries import services as beneficiaries
from fristad.settings import Settings
from grants import services as grants
from matching.service_rules import BUDGET_CATEGORY, KIND_OF_NEED, NeedMatches, rank_services
from matching.services.facts import service_person_of
from providers import services as providers


async def services_now(actor: Actor, beneficiary_id: int, settings: Settings) -> list[NeedMatches]:
    """Rank the services for each need of the person (a caseworker or coordinator acting for
    them); the bed search that shows them next to it is the audited one."""
    require(actor, "match.read")
    case = await beneficiaries.matching_facts(actor, beneficiary_id)
    kinds = sorted({KIND_OF_NEED[need] for need in case.needs if need in KIND_OF_NEED})
    offers = await providers.service_offers(kinds, settings)
    consented = frozenset(
        [
            provider_id
            for provider_id in {offer.provider_id for offer in offers}
            if await beneficiaries.has_valid_consent(
                beneficiary_id, providers.CONSENT_SCOPE, provider_id
            )
        ]
    )
    budgets: dict[str, int | None] = {}
    for category in {BUDGET_CATEGORY[kind] for kind in kinds}:
        budget = await grants.budget_left(category)
        budgets[category] = budget.remaining if budget else None
    return rank_services(
        case.needs,
        offers,
        service_person_of(case),
        consented_providers=consented,
        now=datetime.now(UTC),
        stale_hours=settings.stale_hours,
        budget_left=budgets,
    )
