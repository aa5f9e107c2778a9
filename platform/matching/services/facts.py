"""From the other apps' read models to matching's pure facts (matching.domain)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from beneficiaries.services import CaseFacts
from fristad.settings import Settings
from matching.domain import BedOffer, Context, Decline, Person
from providers.domain import PersonFacts
from shelters import services as shelters
from shelters.domain import OfferFacts


def now() -> datetime:
    return datetime.now(UTC)


def person_of(case: CaseFacts) -> Person:
    return Person(
        gender=case.gender,
        is_minor=case.is_minor,
        age_known=case.age_known,
        children_count=case.children_count,
        languages=frozenset(case.languages),
        requirements=frozenset(case.shelter_requirements),
        protected_identity=case.protected_identity,
        avoid_regions=frozenset(case.avoid_regions),
        region=case.region,
        municipality=case.municipality,
        interpreter_arranged=case.interpreter_arranged,
        exploitation_types=frozenset(case.exploitation_types),
        consents_to_shelter=case.consents_to_shelter,
    )


def service_person_of(case: CaseFacts) -> PersonFacts:
    """What the service rules (providers.domain) read of the person."""
    return PersonFacts(
        region=case.region,
        languages=case.languages,
        is_minor=case.is_minor,
        age_known=case.age_known,
        gender=case.gender,
        children_count=case.children_count,
        interpreter_language=case.interpreter_language,
    )


def offer_of(facts: OfferFacts) -> BedOffer:
    return BedOffer(
        category_id=facts.category_id,
        shelter_id=facts.shelter_id,
        shelter_name=facts.shelter_name,
        category_name=facts.category_name,
        region=facts.region,
        municipality=facts.municipality,
        target_groups=frozenset(facts.target_groups),
        children_allowed=facts.children_allowed,
        max_children=facts.max_children,
        accessible=facts.accessible,
        security_level=facts.security_level,
        languages=frozenset(facts.languages),
        experience=frozenset(facts.experience),
        price_per_night=facts.price_per_night,
        free=facts.free,
        confirmed_at=facts.confirmed_at,
    )


async def context_for(
    beneficiary_id: int,
    settings: Settings,
    *,
    nights: int = 30,
    budget_left: int | None = None,
    at: datetime | None = None,
) -> Context:
    """What a match of this person depends on: their recent refusals by shelters, freshness."""
    moment = at or now()
    since = moment - timedelta(days=settings.match_decline_days)
    declines = tuple(
        Decline(shelter_id=decline.shelter_id, reason=decline.reason, at=decline.at)
        for decline in await shelters.declines_of(beneficiary_id, since)
    )
    return Context(
        now=moment,
        stale_hours=settings.stale_hours,
        declines=declines,
        decline_days=settings.match_decline_days,
        nights=nights,
        budget_left=budget_left,
    )
