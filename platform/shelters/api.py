"""Shelters JSON API under /api/v1 (bearer tokens; the same services and rules as the pages)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.params import FromQuery, JSONBody
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts.web import require_actor, signed_in
from fristad.web import Id
from shelters import services
from shelters.schemas import (
    AcceptIn,
    AvailabilityIn,
    CategoryOut,
    DeclineIn,
    HoldIn,
    HoldOut,
    OperatorCategoryOut,
    ShelterOut,
)


def shelter_out(shelter: services.BoardShelter) -> ShelterOut:
    return ShelterOut(
        id=shelter.id,
        name=shelter.name,
        region=shelter.region,
        municipality=shelter.municipality,
        target_groups=shelter.target_groups,
        languages=shelter.languages,
        accessible=shelter.accessible,
        security_level=shelter.security_level,
        price_per_night=shelter.price_per_night,
        referral_contact=shelter.referral_contact,
        free=shelter.free,
        stale=shelter.stale,
        categories=[
            CategoryOut(
                id=category.id,
                name=category.name,
                target_groups=category.target_groups,
                children_allowed=category.children_allowed,
                accessible=category.accessible,
                capacity=category.capacity,
                free=category.free,
                confirmed_at=category.confirmed_at,
                stale=category.stale,
            )
            for category in shelter.categories
        ],
    )


def hold_out(hold: dict[str, Any]) -> HoldOut:
    return HoldOut(
        id=hold["id"],
        category_id=hold["category"],
        shelter_id=hold["shelter"],
        shelter_name=hold["shelter_name"],
        beneficiary_id=hold["beneficiary"],
        status=hold["status"],
        created_at=hold["created_at"],
        expires_at=hold["expires_at"],
        decline_reason=hold["decline_reason"],
    )


class SheltersApi(Controller):
    path = "/api/v1"
    guards = [signed_in]
    tags = ["shelters"]
    security = [{"BearerToken": []}]

    @get("/shelters", summary="Active shelters with free beds per category (no addresses)")
    async def shelters(
        self,
        request: Request[Any, Any, Any],
        region: FromQuery[str] = "",
        target_group: FromQuery[str] = "",
        children: FromQuery[bool] = False,
        accessible: FromQuery[bool] = False,
        language: FromQuery[str] = "",
    ) -> list[ShelterOut]:
        filters = services.BoardFilters(region, target_group, children, accessible, language)
        return [shelter_out(s) for s in await services.board(require_actor(request), filters)]

    @put(
        "/shelters/{shelter_id:int}/availability",
        summary="Set free and out-of-service beds per category (the operator's own token)",
        description=(
            "Fristad's own holds and placements stay; the rest of the occupancy is recorded as "
            "residents from outside the programme. 409 when a given version is out of date, "
            "422 when the numbers do not fit the capacity."
        ),
        status_code=HTTP_200_OK,
    )
    async def set_availability(
        self,
        request: Request[Any, Any, Any],
        shelter_id: Id,
        data: JSONBody[AvailabilityIn],
    ) -> list[OperatorCategoryOut]:
        rows = await services.set_availability(
            require_actor(request),
            shelter_id,
            [
                services.CategoryNumbers(entry.id, entry.free, entry.out_of_service, entry.version)
                for entry in data.categories
            ],
        )
        return [
            OperatorCategoryOut(
                id=row["id"],
                name=row["name"],
                capacity=row["capacity"],
                out_of_service=row["out_of_service"],
                occupied=row["occupied"],
                held=row["held"],
                external=row["external"],
                free=row["free"],
                version=row["version"],
                confirmed_at=row["confirmed_at"],
            )
            for row in rows
        ]

    @get("/holds", summary="The holds of the token's organisation's cases")
    async def holds(self, request: Request[Any, Any, Any]) -> list[HoldOut]:
        return [hold_out(h) for h in await services.holds_of_organisation(require_actor(request))]

    @post(
        "/holds",
        summary="Hold a bed for a case (201; 409 with the reason when no bed is free)",
        status_code=HTTP_201_CREATED,
    )
    async def create_hold(
        self, request: Request[Any, Any, Any], data: JSONBody[HoldIn]
    ) -> Response[HoldOut]:
        result = await services.hold_bed(
            require_actor(request),
            data.category_id,
            data.beneficiary_id,
            idempotency_key=data.idempotency_key,
        )
        return Response(hold_out(result.hold), status_code=201 if result.created else 200)

    @get("/holds/{hold_id:int}", summary="One hold (the holder's or the shelter's)")
    async def hold(self, request: Request[Any, Any, Any], hold_id: Id) -> HoldOut:
        return hold_out(await services.hold_for_api(require_actor(request), hold_id))

    @post(
        "/holds/{hold_id:int}/accept", summary="The shelter accepts: a placement", status_code=200
    )
    async def accept(
        self, request: Request[Any, Any, Any], hold_id: Id, data: JSONBody[AcceptIn]
    ) -> HoldOut:
        hold = await services.accept_hold(
            require_actor(request), hold_id, expected_discharge=data.expected_discharge
        )
        return hold_out(hold)

    @post(
        "/holds/{hold_id:int}/decline",
        summary="The shelter declines, with a reason",
        status_code=200,
    )
    async def decline(
        self, request: Request[Any, Any, Any], hold_id: Id, data: JSONBody[DeclineIn]
    ) -> HoldOut:
        return hold_out(await services.decline_hold(require_actor(request), hold_id, data.reason))

    @post(
        "/holds/{hold_id:int}/release", summary="The caseworker releases the bed", status_code=200
    )
    async def release(self, request: Request[Any, Any, Any], hold_id: Id) -> HoldOut:
        return hold_out(await services.release_hold(require_actor(request), hold_id))
