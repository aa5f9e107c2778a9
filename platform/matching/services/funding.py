"""The funding link: placement ↔ hold ↔ support request ↔ decision ↔ payments.

Grants and shelters never import each other; matching reads both and settles what follows from
their events in one idempotent sweep (a cron job, also run after a discharge): a stay is paid by
the nights actually stayed and the rest released; a refused request gives the bed back; a hold
that lapsed ends the link. Each step is a conditional write on the link's outcome, so running
the sweep twice (or in two workers) changes nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from accounts.domain import Actor
from beneficiaries import services as beneficiaries
from fristad.database import write_transaction
from fristad.errors import Conflict
from grants import services as grants
from grants.domain import State
from matching.notify import tell_caseworker
from matching.services.facts import now
from matching.tables import FundingLink
from shelters import services as shelters

log = logging.getLogger("fristad.matching")

FUNDED_STATES = frozenset({State.APPROVED, State.PARTIALLY_APPROVED, State.PAID, State.REPORTED})
REFUSED_STATES = frozenset({State.REJECTED, State.WITHDRAWN})


@dataclass(frozen=True)
class Funding:
    """One link as the person's page, the request page and the shelter's placement show it."""

    link_id: int
    beneficiary_id: int
    hold_id: int
    support_request_id: int
    shelter_name: str
    nights: int
    price_per_night: int
    outcome: str
    hold_status: str
    placement_id: int | None
    admitted_at: datetime | None
    discharged_at: datetime | None
    request_state: str
    approved_amount: int
    paid_amount: int
    released_amount: int

    @property
    def funded(self) -> bool:
        """A placement confirmed as funded: admitted, and the request approved."""
        return self.placement_id is not None and self.request_state in FUNDED_STATES


async def _funding(row: dict[str, Any]) -> Funding:
    stay = await shelters.hold_outcome(int(row["hold"]))
    money = await grants.funding_state(int(row["support_request"]))
    return Funding(
        link_id=int(row["id"]),
        beneficiary_id=int(row["beneficiary"]),
        hold_id=stay.hold_id,
        support_request_id=money.support_request_id,
        shelter_name=stay.shelter_name,
        nights=int(row["nights"]),
        price_per_night=int(row["price_per_night"]),
        outcome=str(row["outcome"]),
        hold_status=stay.hold_status,
        placement_id=stay.placement_id,
        admitted_at=stay.admitted_at,
        discharged_at=stay.discharged_at,
        request_state=money.state,
        approved_amount=money.approved_amount,
        paid_amount=money.paid_amount,
        released_amount=int(row["released_amount"]),
    )


async def funding_of_case(actor: Actor, beneficiary_id: int) -> list[Funding]:
    """The funding links of a person the actor may act for, newest first."""
    await beneficiaries.matching_facts(actor, beneficiary_id)
    rows = (
        await FundingLink.select()
        .where(FundingLink.beneficiary == beneficiary_id)
        .order_by(FundingLink.id, ascending=False)
    )
    return [await _funding(row) for row in rows]


async def funding_of_request(actor: Actor, request_id: int) -> Funding | None:
    """The link of a support request the actor may see (grants decides who may)."""
    await grants.get_request(actor, request_id)
    row = await FundingLink.select().where(FundingLink.support_request == request_id).first()
    return await _funding(row) if row else None


async def funding_of_placement(actor: Actor, placement_id: int) -> Funding | None:
    """The link of a placement the actor's shelter operator may see (shelters decides)."""
    hold_id = await shelters.hold_of_placement(actor, placement_id)
    row = await FundingLink.select().where(FundingLink.hold == hold_id).first()
    return await _funding(row) if row else None


def nights_stayed(admitted_at: datetime, discharged_at: datetime) -> int:
    """Nights between admission and discharge, by the calendar (a same-day stay is one)."""
    return max((discharged_at.date() - admitted_at.date()).days, 1)


async def _close(link_id: int, outcome: str, *, paid: int = 0, released: int = 0) -> bool:
    """Close an open link once; False when another run closed it first."""
    closed = (
        await FundingLink.update(
            {
                FundingLink.outcome: outcome,
                FundingLink.paid_amount: paid,
                FundingLink.released_amount: released,
                FundingLink.closed_at: now(),
            }
        )
        .where((FundingLink.id == link_id) & (FundingLink.outcome == "open"))
        .returning(FundingLink.id)
    )
    return bool(closed)


async def settle(link_id: int) -> str:
    """Do what the link's hold and request call for now; returns the outcome."""
    row = await FundingLink.select().where(FundingLink.id == link_id).first()
    if row is None or row["outcome"] != "open":
        return row["outcome"] if row else "missing"
    funding = await _funding(row)
    if funding.discharged_at and funding.admitted_at and funding.request_state in FUNDED_STATES:
        due = nights_stayed(funding.admitted_at, funding.discharged_at) * funding.price_per_night
        try:
            async with write_transaction():
                paid, released = await grants.settle_stay(
                    funding.support_request_id, due, key=f"stay:{link_id}"
                )
                if not await _close(link_id, "settled", paid=paid, released=released):
                    raise Conflict("settled meanwhile")  # rolls the payment back
            return "settled"
        except Conflict:
            pass  # another run settled it meanwhile (the ledger's UNIQUE keys saw to that)
        return "open"
    if funding.request_state in REFUSED_STATES and funding.hold_status == "pending":
        await shelters.release_unfunded_hold(funding.hold_id)
        if await _close(link_id, "released"):
            await tell_caseworker(funding.beneficiary_id, link_id, "bed_released")
            return "released"
    lapsed = funding.hold_status in ("declined", "expired", "released")
    if lapsed and funding.placement_id is None and await _close(link_id, "lapsed"):
        await tell_caseworker(funding.beneficiary_id, link_id, "hold_lapsed")
        return "lapsed"
    return "open"


async def settle_all() -> dict[str, int]:
    """The sweep: every open link, settled where its events call for it."""
    counts: dict[str, int] = {}
    rows = await FundingLink.select(FundingLink.id).where(FundingLink.outcome == "open")
    for row in rows:
        try:
            outcome = await settle(int(row["id"]))
        except Exception:
            log.exception("funding link %s not settled", row["id"])
            continue
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
