"""Reverse matching for services: when a service's capacity rises, the open cases it fits, and a
word to their caseworkers, as for freed beds (matching.services.reverse).

Providers record every rise of a service's available capacity (a provider raising it, a
reservation declined, released or expired); this reads that history from a cursor, so no rise is
missed. The cases are those with a need the service meets that the service rules
(matching.service_rules, on providers' own hard rules) let it serve now, less those holding a
reservation of it or answered by its provider within the decline window; a case without consent
to share with the provider is told too, with the word that consent comes first. A case is told
at most once per rise (UNIQUE (event, beneficiary)) and not again about the same service within
the hold window; the rises of one reader are told under its cursor's lock, so runs at the same
time never tell more than the cap of one rise, nor anyone twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from accounts.domain import Actor
from beneficiaries import services as beneficiaries
from beneficiaries.services import CaseFacts
from fristad.database import write_transaction
from fristad.settings import Settings
from matching.notify import tell_of_free_service
from matching.service_rules import KIND_OF_NEED, evaluate_service
from matching.services import cursor
from matching.services.facts import now, service_person_of
from matching.services.reverse import waiting_order
from matching.tables import ServiceAlert
from providers import services as providers

CURSOR = "reverse_services"
BATCH = 200
# As for a bed: news for the most urgent few, not a race of every caseworker the service fits.
ALERTS_PER_SERVICE = 10


@dataclass(frozen=True)
class WaitingForServices:
    """The open cases with a need a service meets, most urgent first: read once per run."""

    cases: tuple[CaseFacts, ...]

    @classmethod
    async def now(cls) -> WaitingForServices:
        cases = await beneficiaries.cases_with_needs(sorted(KIND_OF_NEED))
        return cls(tuple(sorted(cases, key=waiting_order)))


def _needs_met_by(kind: str) -> list[str]:
    return [need for need, need_kind in KIND_OF_NEED.items() if need_kind == kind]


@dataclass(frozen=True)
class FittingCase:
    case: CaseFacts
    consent_needed: bool  # no consent to share with the provider yet


async def fitting_cases_for_service(
    service_id: int, settings: Settings, waiting: WaitingForServices | None = None
) -> list[FittingCase]:
    """The open cases this service fits now (its hard rules and capacity left), most urgent
    first, each with whether the person must first consent to sharing with the provider."""
    service = await providers.service_offer(service_id, settings)
    if service is None:
        return []
    needs = set(_needs_met_by(service.kind))
    waiting = waiting or await WaitingForServices.now()
    moment = now()
    no_news = await providers.reserved_or_answered(
        service_id, since=moment - timedelta(days=settings.match_decline_days)
    )
    fitting = [
        case
        for case in waiting.cases
        if needs & set(case.needs)
        and case.id not in no_news
        # Consent is asked below: without it the case is told, with the word to ask first.
        and evaluate_service(
            service,
            service_person_of(case),
            consented=True,
            now=moment,
            stale_hours=settings.stale_hours,
            budget_left=None,
        ).eligible
    ]
    without = await beneficiaries.without_valid_consent(
        [case.id for case in fitting], providers.CONSENT_SCOPE, service.provider_id
    )
    return [FittingCase(case, case.id in without) for case in fitting]


async def alert_for_service_event(
    event_id: int, service_id: int, settings: Settings, waiting: WaitingForServices | None = None
) -> int:
    """Tell the caseworkers of the cases a rise of the service's capacity fits; returns how
    many were told by this call."""
    fitting = await fitting_cases_for_service(service_id, settings, waiting)
    if not fitting:
        return 0
    await cursor.position(CURSOR, providers.latest_capacity_change)  # the row to lock
    window = now() - timedelta(hours=settings.hold_hours)
    told = 0
    async with write_transaction():
        # Under the reader's lock: another run may be telling of the same rise right now, and
        # the cases it told count against this rise's cap.
        await cursor.lock(CURSOR)
        left = ALERTS_PER_SERVICE - await ServiceAlert.count().where(ServiceAlert.event == event_id)
        for fit in fitting:
            if left <= 0:
                break
            case = fit.case
            if case.caseworker_id is None:
                continue
            if await ServiceAlert.exists().where(
                (ServiceAlert.beneficiary == case.id)
                & (
                    (ServiceAlert.event == event_id)
                    | ((ServiceAlert.service == service_id) & (ServiceAlert.created_at > window))
                )
            ):
                continue
            await ServiceAlert.insert(
                ServiceAlert(
                    event=event_id,
                    service=service_id,
                    beneficiary=case.id,
                    user=case.caseworker_id,
                    consent_needed=fit.consent_needed,
                    created_at=now(),
                )
            )
            await tell_of_free_service(
                case.caseworker_id,
                key=f"service-alert:{event_id}:{case.id}",
                consent_needed=fit.consent_needed,
            )
            left -= 1
            told += 1
    return told


async def match_freed_services(settings: Settings) -> int:
    """The job: every rise of a service's capacity since the last run, matched against the
    open cases."""
    told = 0
    position = await cursor.position(CURSOR, providers.latest_capacity_change)
    waiting: WaitingForServices | None = None
    while events := await providers.capacity_rises(after=position, limit=BATCH):
        waiting = waiting or await WaitingForServices.now()
        for event in events:
            told += await alert_for_service_event(
                event.event_id, event.service_id, settings, waiting
            )
            position = event.event_id
        await cursor.advance(CURSOR, position)
        if len(events) < BATCH:
            break
    return told


@dataclass(frozen=True)
class ServiceAlertView:
    """A service with room that a case was told of (shown on the person's help-now panel)."""

    created_at: datetime
    service_id: int
    service_name: str
    provider_name: str
    need: str  # the person's need it meets (help now lists the services under it)
    # Whether the person has still not consented to sharing with the provider (now).
    consent_needed: bool


async def service_alerts_of_case(
    actor: Actor, beneficiary_id: int, *, days: int = 7
) -> list[ServiceAlertView]:
    """The services with room this person's caseworkers were told of in the last ``days``
    days, of those still offered."""
    await beneficiaries.matching_facts(actor, beneficiary_id)
    rows = (
        await ServiceAlert.select(ServiceAlert.created_at, ServiceAlert.service)
        .where(
            (ServiceAlert.beneficiary == beneficiary_id)
            & (ServiceAlert.created_at > now() - timedelta(days=days))
        )
        .order_by(ServiceAlert.id, ascending=False)
        .limit(5)
    )
    alerts = []
    for row in rows:
        service = await providers.service_offer(row["service"])
        if service is None:
            continue
        consented = await beneficiaries.has_valid_consent(
            beneficiary_id, providers.CONSENT_SCOPE, service.provider_id
        )
        alerts.append(
            ServiceAlertView(
                created_at=row["created_at"],
                service_id=service.id,
                service_name=service.name,
                provider_name=service.provider_name,
                need=next(iter(_needs_met_by(service.kind)), ""),
                consent_needed=not consented,
            )
        )
    return alerts
