"""Providers JSON API under /api/v1 (bearer tokens; the same services and rules as the pages).

``GET /api/v1/services`` answers in the HSDS 3.x shape, so other directories can read it; the
rest are the twins of the pages' actions."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import msgspec
from litestar import Controller, get, post, put
from litestar.params import FromQuery, JSONBody, Parameter
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts.web import CurrentActor, signed_in
from fristad.web import PROBLEMS, Id
from providers import hsds, services
from providers.schemas import (
    CapacityIn,
    DeclineIn,
    ProviderServiceOut,
    ReservationIn,
    ReservationOut,
    ServiceDetailsIn,
    ServiceIn,
)

Out = TypeVar("Out", bound=msgspec.Struct)
PageNumber = Annotated[int, Parameter(ge=1, le=100_000)]
PerPage = Annotated[int, Parameter(ge=1, le=500)]


def _out(model: Any, struct: type[Out]) -> Out:
    """The API's view of a read model: the fields ``struct`` names, nothing more."""
    return msgspec.convert(model, struct, from_attributes=True)


class ProvidersApi(Controller):
    path = "/api/v1"
    guards = [signed_in]
    tags = ["providers"]
    security = [{"BearerToken": []}]

    @get(
        "/services",
        summary="The directory of services in HSDS 3.x shape (capacity for those who may see it)",
        responses=PROBLEMS,
        operation_id="listServices",
    )
    async def services(
        self,
        actor: CurrentActor,
        text: FromQuery[str] = "",
        kind: FromQuery[str] = "",
        region: FromQuery[str] = "",
        language: FromQuery[str] = "",
        page: FromQuery[PageNumber] = 1,
        per_page: FromQuery[PerPage] = 50,
    ) -> hsds.Page:
        filters = services.DirectoryFilters(text[:200], kind[:30], region[:30], language[:3])
        return hsds.page_of(await services.directory(actor, filters), page, per_page)

    @get(
        "/services/{service_id:int}",
        summary="One service in HSDS 3.x shape",
        responses=PROBLEMS,
        operation_id="getService",
    )
    async def service(self, actor: CurrentActor, service_id: Id) -> hsds.HsdsService:
        return hsds.service_of(await services.get_service(actor, service_id))

    @post(
        "/services",
        summary="Register a service of the token's provider organisation",
        status_code=HTTP_201_CREATED,
        responses=PROBLEMS,
        operation_id="registerService",
    )
    async def create_service(
        self, actor: CurrentActor, data: JSONBody[ServiceIn]
    ) -> ProviderServiceOut:
        service_id = await services.create_service(
            actor,
            actor.organisation_id or 0,
            services.ServiceData(**msgspec.structs.asdict(data)),
        )
        return _out(await services.get_service(actor, service_id), ProviderServiceOut)

    @put(
        "/services/{service_id:int}/details",
        summary="Change a service's registration (its provider's token); kind and capacity stay",
        description="409 when a given version is out of date, 422 when the registration is refused",
        status_code=HTTP_200_OK,
        responses=PROBLEMS,
        operation_id="updateService",
    )
    async def update_service(
        self, actor: CurrentActor, service_id: Id, data: JSONBody[ServiceDetailsIn]
    ) -> ProviderServiceOut:
        fields = msgspec.structs.asdict(data)
        version = fields.pop("version")
        view = await services.update_service(
            actor, service_id, services.ServiceDetails(**fields), version=version
        )
        return _out(view, ProviderServiceOut)

    @put(
        "/services/{service_id:int}/capacity",
        summary="Set available and maximum capacity, confirmed now (the provider's own token)",
        description="409 when a given version is out of date, 422 when the numbers do not fit.",
        status_code=HTTP_200_OK,
        responses=PROBLEMS,
        operation_id="setServiceCapacity",
    )
    async def set_capacity(
        self, actor: CurrentActor, service_id: Id, data: JSONBody[CapacityIn]
    ) -> ProviderServiceOut:
        view = await services.set_capacity(
            actor,
            service_id,
            available=data.available,
            maximum=data.maximum,
            version=data.version,
        )
        return _out(view, ProviderServiceOut)

    @post(
        "/services/{service_id:int}/confirm",
        summary="The capacity is still correct",
        status_code=HTTP_200_OK,
        responses=PROBLEMS,
        operation_id="confirmServiceCapacity",
    )
    async def confirm(self, actor: CurrentActor, service_id: Id) -> ProviderServiceOut:
        return _out(await services.confirm_capacity(actor, service_id), ProviderServiceOut)

    @get(
        "/reservations",
        summary="The reservations the token's organisation made",
        responses=PROBLEMS,
        operation_id="listReservations",
    )
    async def reservations(self, actor: CurrentActor) -> list[ReservationOut]:
        return [
            _out(view, ReservationOut)
            for view in await services.reservations_of_organisation(actor)
        ]

    @get(
        "/provider/reservations",
        summary="The reservations of the token's provider",
        responses=PROBLEMS,
        operation_id="listProviderReservations",
    )
    async def provider_reservations(self, actor: CurrentActor) -> list[ReservationOut]:
        return [
            _out(view, ReservationOut) for view in await services.reservations_for_provider(actor)
        ]

    @post(
        "/reservations",
        summary="Reserve a service for a case (201; 409 with the reason when none is left)",
        status_code=HTTP_201_CREATED,
        responses=PROBLEMS,
        operation_id="reserveService",
    )
    async def reserve(
        self, actor: CurrentActor, data: JSONBody[ReservationIn]
    ) -> Response[ReservationOut]:
        result = await services.reserve_service(
            actor,
            data.service_id,
            data.beneficiary_id,
            units=data.units,
            matter=data.matter,
            idempotency_key=data.idempotency_key,
        )
        return Response(
            _out(result.reservation, ReservationOut), status_code=201 if result.created else 200
        )

    @get(
        "/reservations/{reservation_id:int}",
        summary="One reservation",
        responses=PROBLEMS,
        operation_id="getReservation",
    )
    async def reservation(self, actor: CurrentActor, reservation_id: Id) -> ReservationOut:
        return _out(await services.reservation_for_api(actor, reservation_id), ReservationOut)

    @post(
        "/reservations/{reservation_id:int}/accept",
        summary="The provider accepts",
        status_code=HTTP_200_OK,
        responses=PROBLEMS,
        operation_id="acceptReservation",
    )
    async def accept(self, actor: CurrentActor, reservation_id: Id) -> ReservationOut:
        return _out(await services.accept_reservation(actor, reservation_id), ReservationOut)

    @post(
        "/reservations/{reservation_id:int}/decline",
        summary="The provider declines, with a reason",
        status_code=HTTP_200_OK,
        responses=PROBLEMS,
        operation_id="declineReservation",
    )
    async def decline(
        self, actor: CurrentActor, reservation_id: Id, data: JSONBody[DeclineIn]
    ) -> ReservationOut:
        view = await services.decline_reservation(actor, reservation_id, data.reason)
        return _out(view, ReservationOut)

    @post(
        "/reservations/{reservation_id:int}/release",
        summary="The reserving caseworker releases it",
        status_code=HTTP_200_OK,
        responses=PROBLEMS,
        operation_id="releaseReservation",
    )
    async def release(self, actor: CurrentActor, reservation_id: Id) -> ReservationOut:
        return _out(await services.release_reservation(actor, reservation_id), ReservationOut)
