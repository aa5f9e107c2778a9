"""Shelters JSON API under /api/v1 (bearer tokens; the same services and rules as the pages).

The Out structs are projections of the services' read models, built by field name."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from litestar import Controller, get, post, put
from litestar.params import FromQuery, JSONBody
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts.web import CurrentActor, signed_in
from fristad.web import PROBLEMS, Id
from shelters import services
from shelters.schemas import (
    AcceptIn,
    AddressOut,
    AvailabilityIn,
    CategoryIn,
    CreatedOut,
    DeclineIn,
    DischargeIn,
    HoldIn,
    HoldOut,
    OperatorCategoryOut,
    ShelterIn,
    ShelterOut,
    StayOut,
)

Out = TypeVar("Out", bound=msgspec.Struct)


def _out(model: Any, struct: type[Out]) -> Out:
    """The API's view of a read model: the fields ``struct`` names, nothing more."""
    return msgspec.convert(model, struct, from_attributes=True)


class SheltersApi(Controller):
    path = "/api/v1"
    guards = [signed_in]
    tags = ["shelters"]
    security = [{"BearerToken": []}]

    @get(
        "/shelters",
        responses=PROBLEMS,
        operation_id="listShelters",
        summary="Active shelters with free beds per category (no addresses)",
    )
    async def shelters(
        self,
        actor: CurrentActor,
        region: FromQuery[str] = "",
        target_group: FromQuery[str] = "",
        children: FromQuery[bool] = False,
        accessible: FromQuery[bool] = False,
        language: FromQuery[str] = "",
    ) -> list[ShelterOut]:
        filters = services.BoardFilters(region, target_group, children, accessible, language)
        return [_out(shelter, ShelterOut) for shelter in await services.board(actor, filters)]

    @put(
        "/shelters/{shelter_id:int}/availability",
        responses=PROBLEMS,
        operation_id="setAvailability",
        summary="Set free and out-of-service beds per category (the operator's own token)",
        description=(
            "Fristad's own holds and placements stay; the rest of the occupancy is recorded as "
            "residents from outside the programme. 409 when a given version is out of date, "
            "422 when the numbers do not fit the capacity."
        ),
        status_code=HTTP_200_OK,
    )
    async def set_availability(
        self, actor: CurrentActor, shelter_id: Id, data: JSONBody[AvailabilityIn]
    ) -> list[OperatorCategoryOut]:
        categories = await services.set_availability(
            actor,
            shelter_id,
            [
                services.CategoryNumbers(entry.id, entry.free, entry.out_of_service, entry.version)
                for entry in data.categories
            ],
        )
        return [_out(category, OperatorCategoryOut) for category in categories]

    @get(
        "/holds",
        responses=PROBLEMS,
        operation_id="listHolds",
        summary="The holds of the token's organisation's cases",
    )
    async def holds(self, actor: CurrentActor) -> list[HoldOut]:
        return [_out(hold, HoldOut) for hold in await services.holds_of_organisation(actor)]

    @post(
        "/holds",
        responses=PROBLEMS,
        operation_id="createHold",
        summary="Hold a bed for a case (201; 409 with the reason when no bed is free)",
        status_code=HTTP_201_CREATED,
    )
    async def create_hold(self, actor: CurrentActor, data: JSONBody[HoldIn]) -> Response[HoldOut]:
        result = await services.hold_bed(
            actor, data.category_id, data.beneficiary_id, idempotency_key=data.idempotency_key
        )
        return Response(_out(result.hold, HoldOut), status_code=201 if result.created else 200)

    @get(
        "/holds/{hold_id:int}",
        responses=PROBLEMS,
        operation_id="getHold",
        summary="One hold (the holder's or the shelter's)",
    )
    async def hold(self, actor: CurrentActor, hold_id: Id) -> HoldOut:
        return _out(await services.hold_for_api(actor, hold_id), HoldOut)

    @post(
        "/holds/{hold_id:int}/accept",
        responses=PROBLEMS,
        operation_id="acceptHold",
        summary="The shelter accepts: a placement",
        status_code=200,
    )
    async def accept(self, actor: CurrentActor, hold_id: Id, data: JSONBody[AcceptIn]) -> HoldOut:
        hold = await services.accept_hold(
            actor, hold_id, expected_discharge=data.expected_discharge
        )
        return _out(hold, HoldOut)

    @post(
        "/holds/{hold_id:int}/decline",
        responses=PROBLEMS,
        operation_id="declineHold",
        summary="The shelter declines, with a reason",
        status_code=200,
    )
    async def decline(self, actor: CurrentActor, hold_id: Id, data: JSONBody[DeclineIn]) -> HoldOut:
        return _out(await services.decline_hold(actor, hold_id, data.reason), HoldOut)

    @post(
        "/holds/{hold_id:int}/release",
        responses=PROBLEMS,
        operation_id="releaseHold",
        summary="The caseworker releases the bed",
        status_code=200,
    )
    async def release(self, actor: CurrentActor, hold_id: Id) -> HoldOut:
        return _out(await services.release_hold(actor, hold_id), HoldOut)

    # --- registration, "still correct", discharge, the address ------------------------------

    @post(
        "/shelters",
        responses=PROBLEMS,
        operation_id="registerShelter",
        status_code=HTTP_201_CREATED,
        summary="Register a shelter of the token's operator organisation (its administrators)",
    )
    async def register_shelter(self, actor: CurrentActor, data: JSONBody[ShelterIn]) -> CreatedOut:
        fields = msgspec.structs.asdict(data)
        shelter = services.NewShelter(**fields)
        return CreatedOut(await services.create_shelter(actor, actor.organisation_id or 0, shelter))

    @post(
        "/shelters/{shelter_id:int}/categories",
        responses=PROBLEMS,
        operation_id="addCategory",
        status_code=HTTP_201_CREATED,
        summary="Add a bed category to one's own shelter (its beds free at first)",
    )
    async def add_category(
        self, actor: CurrentActor, shelter_id: Id, data: JSONBody[CategoryIn]
    ) -> CreatedOut:
        category = services.NewCategory(**msgspec.structs.asdict(data))
        return CreatedOut(await services.add_category(actor, shelter_id, category))

    @post(
        "/categories/{category_id:int}/confirm",
        responses=PROBLEMS,
        operation_id="confirmAvailability",
        status_code=HTTP_200_OK,
        summary='"Still correct": vouch for the category\'s numbers as they are now',
    )
    async def confirm(self, actor: CurrentActor, category_id: Id) -> OperatorCategoryOut:
        return _out(await services.confirm(actor, category_id), OperatorCategoryOut)

    @post(
        "/placements/{placement_id:int}/discharge",
        responses=PROBLEMS,
        operation_id="dischargePlacement",
        status_code=HTTP_200_OK,
        summary="The resident leaves, with a reason: the bed is free at once",
    )
    async def discharge(
        self, actor: CurrentActor, placement_id: Id, data: JSONBody[DischargeIn]
    ) -> StayOut:
        return _out(await services.discharge(actor, placement_id, data.reason), StayOut)

    @post(
        "/shelters/{shelter_id:int}/address",
        responses=PROBLEMS,
        operation_id="revealShelterAddress",
        status_code=HTTP_200_OK,
        summary="The secret street address (the operator, or after a placement; audited)",
        description="A POST, so the address is never in a URL or a cache.",
    )
    async def address(self, actor: CurrentActor, shelter_id: Id) -> AddressOut:
        return AddressOut(await services.shelter_address(actor, shelter_id))
