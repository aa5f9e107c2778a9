"""Matching's JSON API: help now for a person, and holding a matched bed or reserving a matched
service with its support request."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import Body, FromQuery, QueryParameter

from accounts.web import CurrentActor, signed_in
from fristad.i18n import gettext
from fristad.web import PROBLEMS, AppSettings, Id
from matching import services
from matching.domain import Match, Reason
from matching.explanations import RULE_GROUPS
from matching.schemas import (
    BudgetOut,
    ExcludedGroupOut,
    ExcludedOut,
    FundedHoldOut,
    FundedReservationOut,
    HoldForm,
    MatchesOut,
    MatchOut,
    PointOut,
    ReserveServiceForm,
)


def _points(reasons: tuple[Reason, ...]) -> list[PointOut]:
    return [PointOut(reason.code, reason.text, reason.points) for reason in reasons]


def _match(match: Match) -> MatchOut:
    offer = match.offer
    return MatchOut(
        category_id=offer.category_id,
        shelter_id=offer.shelter_id,
        shelter_name=offer.shelter_name,
        category_name=offer.category_name,
        region=offer.region,
        municipality=offer.municipality,
        free=offer.free,
        score=match.score,
        points=_points(match.points),
        unknowns=_points(match.unknowns),
        call_first=match.call_first,
        expected_cost=match.expected_cost,
        fits_budget=match.fits_budget,
    )


def matches_out(found: services.HelpNow) -> MatchesOut:
    budget = found.budget
    return MatchesOut(
        beneficiary_id=found.beneficiary_id,
        nights=found.filters.nights,
        considered=found.considered,
        budget=BudgetOut(
            budget.programme_id, budget.programme_name, budget.category, budget.remaining
        )
        if budget
        else None,
        eligible=[_match(match) for match in found.ranking.eligible],
        excluded=[
            ExcludedGroupOut(
                rule=code,
                heading=gettext(RULE_GROUPS[code]),
                offers=[
                    ExcludedOut(
                        m.offer.category_id,
                        m.offer.shelter_name,
                        m.offer.category_name,
                        m.excluded_by.text if m.excluded_by else "",
                    )
                    for m in group
                ],
            )
            for code, group in found.ranking.excluded
        ],
        full_categories=found.full_categories,
    )


class MatchingApi(Controller):
    path = "/api/v1/beneficiaries/{beneficiary_id:int}/matches"
    guards = [signed_in]
    tags = ["matching"]
    security = [{"BearerToken": []}]

    @get(
        "/",
        responses=PROBLEMS,
        operation_id="listMatches",
        summary="Help now: the beds that fit, and why not the others",
    )
    async def matches(
        self,
        actor: CurrentActor,
        settings: AppSettings,
        beneficiary_id: Id,
        region: FromQuery[str] = "",
        include_stale: FromQuery[bool] = True,
        nights: Annotated[int, QueryParameter(ge=1, le=services.MAX_NIGHTS)] = (
            services.DEFAULT_NIGHTS
        ),
    ) -> MatchesOut:
        filters = services.MatchFilters(region=region, include_stale=include_stale, nights=nights)
        return matches_out(await services.help_now(actor, beneficiary_id, filters, settings))

    @post(
        "/hold",
        responses=PROBLEMS,
        operation_id="holdMatch",
        summary="Hold a matched bed and open its pre-filled support request",
        status_code=201,
    )
    async def hold(
        self,
        actor: CurrentActor,
        settings: AppSettings,
        beneficiary_id: Id,
        data: Annotated[HoldForm, Body()],
    ) -> FundedHoldOut:
        held = await services.hold_and_apply(
            actor, beneficiary_id, data.category_id, data.nights, settings
        )
        return FundedHoldOut(held.hold_id, held.support_request_id, held.nights, held.expected_cost)

    @post(
        "/reserve",
        responses=PROBLEMS,
        operation_id="reserveServiceMatch",
        summary="Reserve a matched service and open its pre-filled support request",
        status_code=201,
    )
    async def reserve(
        self,
        actor: CurrentActor,
        settings: AppSettings,
        beneficiary_id: Id,
        data: Annotated[ReserveServiceForm, Body()],
    ) -> FundedReservationOut:
        reserved = await services.reserve_and_apply(
            actor,
            beneficiary_id,
            data.service_id,
            settings,
            units=data.units,
            matter=data.matter or None,
            idempotency_key=data.idempotency_key or None,
        )
        return FundedReservationOut(
            reserved.reservation_id,
            reserved.support_request_id,
            reserved.units,
            reserved.expected_cost,
        )
