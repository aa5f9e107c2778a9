"""The coordinator's region view: the region's cases in reach with their open and overdue
actions, acute support requests waiting for a decision, holds waiting for a shelter's answer,
and the free beds and services of the region.

Beds and services sit in shelters and providers, which pathways may not use: the composition
root hands over a ``RegionSupply`` (matching's, which may use them all), as beneficiaries gets
its case situation. Without it the view shows the cases and requests alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from accounts.domain import Actor
from accounts.policy import require
from beneficiaries import services as beneficiaries
from beneficiaries.services import Filters
from grants.tables import SupportRequest
from pathways import plans
from pathways.tables import CasePlanAction

# Support requests that still wait for the officer's decision.
WAITING_STATES = ("submitted", "in_review", "info_requested")


class WaitingHold(Protocol):
    @property
    def beneficiary_code(self) -> str: ...
    @property
    def shelter_name(self) -> str: ...
    @property
    def expires_at(self) -> datetime: ...


class FreeBeds(Protocol):
    @property
    def shelter_name(self) -> str: ...
    @property
    def municipality(self) -> str: ...
    @property
    def free(self) -> int: ...


class RegionService(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def provider_name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def available(self) -> int | None: ...


class RegionSupply(Protocol):
    async def holds_waiting(self, beneficiary_ids: Sequence[int]) -> Sequence[WaitingHold]:
        """The pending holds of these cases, soonest deadline first."""
        ...

    async def free_beds(self, actor: Actor, region: str) -> Sequence[FreeBeds]:
        """The region's shelters with free beds."""
        ...

    async def services(self, actor: Actor, region: str) -> Sequence[RegionService]:
        """The services that serve the region."""
        ...


_supply: RegionSupply | None = None


def region_supply_with(supply: RegionSupply) -> None:
    """The composition root hands over beds and services (matching's)."""
    global _supply
    _supply = supply


@dataclass(frozen=True)
class RegionCase:
    beneficiary_id: int
    code: str
    status: str
    is_minor: bool
    open_actions: int
    overdue_actions: int


@dataclass(frozen=True)
class AcuteRequest:
    support_request_id: int
    beneficiary_code: str
    category: str
    state: str
    decide_by: datetime | None


@dataclass(frozen=True)
class RegionView:
    region: str
    cases: tuple[RegionCase, ...]
    acute_requests: tuple[AcuteRequest, ...]
    holds_waiting: tuple[WaitingHold, ...]
    free_beds: tuple[FreeBeds, ...]
    services: tuple[RegionService, ...]


async def region_view(actor: Actor, on: dt.date | None = None) -> RegionView:
    """The coordinator's start page: what waits in their region."""
    require(actor, "case_plan.region")
    region = actor.region or ""
    on = on or datetime.now(UTC).date()
    rows, _total = await beneficiaries.list_beneficiaries(actor, Filters(region=region))
    active = [row for row in rows if row.status in ("open", "placed")]
    ids = [row.id for row in active]
    actions = (
        await CasePlanAction.select(
            CasePlanAction.beneficiary, CasePlanAction.state, CasePlanAction.due_on
        ).where(
            CasePlanAction.beneficiary.is_in(ids)
            & CasePlanAction.state.is_in(list(plans.OPEN_STATES))
        )
        if ids
        else []
    )
    open_count: dict[int, int] = {}
    overdue_count: dict[int, int] = {}
    for action in actions:
        case = action["beneficiary"]
        open_count[case] = open_count.get(case, 0) + 1
        if plans.is_overdue(action["state"], action["due_on"], on):
            overdue_count[case] = overdue_count.get(case, 0) + 1
    cases = tuple(
        RegionCase(
            row.id,
            row.code,
            row.status,
            row.is_minor,
            open_count.get(row.id, 0),
            overdue_count.get(row.id, 0),
        )
        for row in active
    )
    acute = (
        await SupportRequest.select(
            SupportRequest.id,
            SupportRequest.beneficiary.code.as_alias("code"),
            SupportRequest.category,
            SupportRequest.state,
            SupportRequest.decide_by,
        )
        .where(
            SupportRequest.beneficiary.is_in(ids)
            & (SupportRequest.urgency == "acute")
            & SupportRequest.state.is_in(list(WAITING_STATES))
        )
        .order_by(SupportRequest.decide_by)
        if ids
        else []
    )
    supply = _supply
    return RegionView(
        region=region,
        cases=tuple(sorted(cases, key=lambda case: (-case.overdue_actions, -case.open_actions))),
        acute_requests=tuple(
            AcuteRequest(row["id"], row["code"], row["category"], row["state"], row["decide_by"])
            for row in acute
        ),
        holds_waiting=tuple(await supply.holds_waiting(ids)) if supply and ids else (),
        free_beds=tuple(await supply.free_beds(actor, region)) if supply else (),
        services=tuple(await supply.services(actor, region)) if supply else (),
    )
