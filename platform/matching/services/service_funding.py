"""Reserving a matched service with the support request that pays for it, and what follows.

The bed path's twin (matching.services.holds and .funding), through the same helpers
(matching.services.applying): the units are reserved first by providers' single conditional
write, then a pre-filled request in the matching budget category (hours × rate, or the
programme's price per place or case) is opened and linked. The provider's acceptance and the
officer's approval confirm it; a refused request gives the units back; a reservation that ends
unused lapses the link. Each step is a conditional write on the link's outcome, so the sweep
may run twice (or in two workers) and change nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from accounts.domain import Actor
from accounts.policy import require
from beneficiaries import services as beneficiaries
from fristad.errors import Conflict, InvalidInput
from fristad.i18n import gettext as _
from fristad.settings import Settings
from grants import services as grants
from grants.schemas import CostLineIn, RequestIn
from matching.notify import tell_caseworker
from matching.service_rules import BUDGET_CATEGORY, DEFAULT_HOURS
from matching.services.applying import budget_for, open_linked_request
from matching.services.demand import record_unmet
from matching.services.facts import now
from matching.services.funding import FUNDED_STATES, REFUSED_STATES
from matching.tables import ServiceFundingLink
from providers import services as providers
from providers.domain import cost_of

log = logging.getLogger("fristad.matching")

# How long a request for a service runs when the service does not say (within the programme).
DEFAULT_PERIOD_DAYS = 90
UNIT_OF_PRICE = {"hour": "hour", "place": "place", "case": "case"}


@dataclass(frozen=True)
class FundedReservation:
    """A service reserved from a match and the draft support request opened to pay for it."""

    link_id: int
    reservation_id: int
    support_request_id: int
    units: int
    expected_cost: int


def _unit_label(price_unit: str) -> str:
    labels = {"hour": _("hour"), "place": _("place"), "case": _("case")}
    return labels.get(price_unit, price_unit)


def _period_days(service: providers.ServiceView) -> int:
    if service.kind == "rehabilitation" and service.length_months:
        return service.length_months * 30
    return DEFAULT_PERIOD_DAYS


def _period_end(start: date, days: int, ends_on: date) -> date:
    return min(start + timedelta(days=days), ends_on)


async def reserve_and_apply(
    actor: Actor,
    beneficiary_id: int,
    service_id: int,
    settings: Settings,
    *,
    units: int | None = None,
    matter: str | None = None,
    idempotency_key: str | None = None,
) -> FundedReservation:
    """Reserve the service for the person and open a pre-filled request in the matching budget
    category for the caseworker to check and submit; matching keeps the link. A service with
    nothing left is counted as unmet demand."""
    require(actor, "match.act")
    case = await beneficiaries.matching_facts(actor, beneficiary_id)
    service = await providers.get_service(actor, service_id, settings)
    category = BUDGET_CATEGORY.get(service.kind)
    if category is None:
        raise Conflict(
            _("Services of this kind are not paid from a budget category: apply by hand.")
        )
    if not service.price:
        raise Conflict(_("The provider has not stated a price: apply by hand."))
    units = units or (DEFAULT_HOURS if service.capacity_unit == "hours" else 1)
    budget = await budget_for(category)
    start = now().date()
    if budget.ends_on <= start:
        raise InvalidInput(
            {
                "": _("%(programme)s ends today: apply by hand.")
                % {"programme": budget.programme_name}
            }
        )
    try:
        reserved = await providers.reserve_service(
            actor,
            service_id,
            beneficiary_id,
            units=units,
            matter=matter,
            idempotency_key=idempotency_key,
            settings=settings,
        )
    except providers.NoCapacity:
        await record_unmet(case, "no_bed", help=service.kind)
        raise
    reservation = reserved.reservation
    if not reserved.created:  # the same form sent twice: the first one opened the request
        found = (
            await ServiceFundingLink.select()
            .where(ServiceFundingLink.reservation == reservation.id)
            .first()
        )
        if found is not None:
            return _funded(found)
    cost = cost_of(service.price, service.price_unit, units)
    quantity = units if service.price_unit == "hour" else 1
    draft = RequestIn(
        programme_id=budget.programme_id,
        beneficiary_id=beneficiary_id,
        category=category,
        period_start=start,
        period_end=_period_end(start, _period_days(service), budget.ends_on),
        justification=_("%(service)s at %(provider)s, reserved from a match.")
        % {"service": service.name, "provider": service.provider_name},
        lines=[
            CostLineIn(
                description=f"{service.provider_name}: {service.name}",
                quantity=quantity,
                unit=_unit_label(service.price_unit),
                unit_price=service.price,
            )
        ],
    )
    request_id, link_id = await open_linked_request(
        actor,
        draft,
        lambda request_id: ServiceFundingLink(
            reservation=reservation.id,
            support_request=request_id,
            beneficiary=beneficiary_id,
            units=units,
            unit_price=service.price,
            price_unit=service.price_unit,
            expected_cost=cost,
            created_by=actor.user_id,
            created_at=now(),
        ),
        event="match.reserved_and_applied",
        detail={"reservation": reservation.id},
        undo=lambda: providers.release_reservation(actor, reservation.id),
    )
    return FundedReservation(link_id, reservation.id, request_id, units, cost)


def _funded(row: dict[str, Any]) -> FundedReservation:
    return FundedReservation(
        link_id=int(row["id"]),
        reservation_id=int(row["reservation"]),
        support_request_id=int(row["support_request"]),
        units=int(row["units"]),
        expected_cost=int(row["expected_cost"]),
    )


# --- the link as pages show it ---------------------------------------------------------------


@dataclass(frozen=True)
class ServiceFunding:
    """One service link as the person's page and the request page show it."""

    link_id: int
    beneficiary_id: int
    reservation_id: int
    support_request_id: int
    service_name: str
    provider_name: str
    units: int
    unit: str
    unit_price: int
    price_unit: str
    expected_cost: int
    outcome: str
    reservation_status: str
    request_state: str
    approved_amount: int
    created_at: datetime

    @property
    def funded(self) -> bool:
        """Confirmed: the provider accepted and the request is approved."""
        return self.reservation_status == "accepted" and self.request_state in FUNDED_STATES


async def _service_funding(row: dict[str, Any]) -> ServiceFunding:
    reservation = await providers.reservation_facts(int(row["reservation"]))
    money = await grants.funding_state(int(row["support_request"]))
    return ServiceFunding(
        link_id=int(row["id"]),
        beneficiary_id=int(row["beneficiary"]),
        reservation_id=reservation.id,
        support_request_id=money.support_request_id,
        service_name=reservation.service_name,
        provider_name=reservation.provider_name,
        units=int(row["units"]),
        unit=reservation.unit,
        unit_price=int(row["unit_price"]),
        price_unit=str(row["price_unit"]),
        expected_cost=int(row["expected_cost"]),
        outcome=str(row["outcome"]),
        reservation_status=reservation.status,
        request_state=money.state,
        approved_amount=money.approved_amount,
        created_at=row["created_at"],
    )


async def service_funding_of_case(actor: Actor, beneficiary_id: int) -> list[ServiceFunding]:
    """The service links of a person the actor may act for, newest first."""
    await beneficiaries.matching_facts(actor, beneficiary_id)
    rows = (
        await ServiceFundingLink.select()
        .where(ServiceFundingLink.beneficiary == beneficiary_id)
        .order_by(ServiceFundingLink.id, ascending=False)
    )
    return [await _service_funding(row) for row in rows]


async def service_funding_of_request(actor: Actor, request_id: int) -> ServiceFunding | None:
    """The service link of a support request the actor may see (grants decides who may)."""
    await grants.get_request(actor, request_id)
    row = (
        await ServiceFundingLink.select()
        .where(ServiceFundingLink.support_request == request_id)
        .first()
    )
    return await _service_funding(row) if row else None


# --- settling -------------------------------------------------------------------------------


async def _close(link_id: int, outcome: str) -> bool:
    """Close an open link once; False when another run closed it first."""
    closed = (
        await ServiceFundingLink.update(
            {ServiceFundingLink.outcome: outcome, ServiceFundingLink.closed_at: now()}
        )
        .where((ServiceFundingLink.id == link_id) & (ServiceFundingLink.outcome == "open"))
        .returning(ServiceFundingLink.id)
    )
    return bool(closed)


async def settle_service(link_id: int) -> str:
    """Do what the link's reservation and request call for now; returns the outcome."""
    row = await ServiceFundingLink.select().where(ServiceFundingLink.id == link_id).first()
    if row is None or row["outcome"] != "open":
        return row["outcome"] if row else "missing"
    funding = await _service_funding(row)
    if funding.funded and await _close(link_id, "confirmed"):
        return "confirmed"
    if funding.request_state in REFUSED_STATES and funding.reservation_status == "pending":
        await providers.release_unfunded_reservation(funding.reservation_id)
        if await _close(link_id, "released"):
            await tell_caseworker(funding.beneficiary_id, link_id, "service_released")
            return "released"
    if funding.reservation_status in ("declined", "expired", "released") and await _close(
        link_id, "lapsed"
    ):
        await tell_caseworker(funding.beneficiary_id, link_id, "reservation_lapsed")
        return "lapsed"
    return "open"


async def settle_services() -> dict[str, int]:
    """The sweep's half for services: every open link, settled where its events call for it."""
    counts: dict[str, int] = {}
    rows = await ServiceFundingLink.select(ServiceFundingLink.id).where(
        ServiceFundingLink.outcome == "open"
    )
    for row in rows:
        try:
            outcome = await settle_service(int(row["id"]))
        except Exception:
            log.exception("service funding link %s not settled", row["id"])
            continue
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
