"""Beneficiaries JSON API under /api/v1 (bearer tokens; same rules and audit as the pages)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post, put
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_409_CONFLICT

from accounts.web import CurrentActor, signed_in
from beneficiaries import services
from beneficiaries.schemas import BeneficiaryIn, BeneficiaryOut, OpenItemOut, StatusIn
from fristad.web import MAX_PAGE, Id


def _out(record: services.BeneficiaryRecord) -> BeneficiaryOut:
    """The record as the API shows it (its fields by name; the rest stays inside)."""
    return msgspec.convert(record, BeneficiaryOut, from_attributes=True)


class BeneficiariesApi(Controller):
    path = "/api/v1/beneficiaries"
    guards = [signed_in]
    tags = ["beneficiaries"]
    security = [{"BearerToken": []}]

    @get("/", summary="Records in reach (no identity), newest change first")
    async def index(
        self,
        actor: CurrentActor,
        code: FromQuery[str] = "",
        status: FromQuery[str] = "",
        need: FromQuery[str] = "",
        region: FromQuery[str] = "",
        page_number: Annotated[int, QueryParameter(name="page", ge=1, le=MAX_PAGE)] = 1,
    ) -> list[BeneficiaryOut]:
        records = await services.list_records(
            actor,
            services.Filters(code=code, status=status, need=need, region=region, page=page_number),
        )
        return [_out(record) for record in records]

    @post("/", status_code=HTTP_201_CREATED, summary="Register a person")
    async def create(self, actor: CurrentActor, data: JSONBody[BeneficiaryIn]) -> BeneficiaryOut:
        return _out(await services.create_beneficiary(actor, data, data.identity))

    @get("/{beneficiary_id:int}", summary="One record (audited)")
    async def show(self, actor: CurrentActor, beneficiary_id: Id) -> BeneficiaryOut:
        return _out((await services.get_beneficiary(actor, beneficiary_id)).record)

    @put("/{beneficiary_id:int}", summary="Change a record (owning organisation)")
    async def update(
        self, actor: CurrentActor, beneficiary_id: Id, data: JSONBody[BeneficiaryIn]
    ) -> BeneficiaryOut:
        return _out(await services.update_beneficiary(actor, beneficiary_id, data, data.identity))

    @post(
        "/{beneficiary_id:int}/status",
        status_code=HTTP_200_OK,
        summary="Change the status (closing and returning home end what is open)",
        description=(
            "Closing or returning home ends the person's beds held, place and (closing) support "
            "requests not yet paid, in one transaction, when `end` lists every key of them; "
            "otherwise 409 with `open`, the list of what is still open (keys and labels)."
        ),
    )
    async def change_status(
        self, actor: CurrentActor, beneficiary_id: Id, data: JSONBody[StatusIn]
    ) -> Response[BeneficiaryOut | dict[str, object]]:
        try:
            record = await services.change_status(
                actor, beneficiary_id, data.status, data.reason or None, end=data.end
            )
        except services.CaseHasOpenItems as refused:
            body: dict[str, object] = {
                "status_code": HTTP_409_CONFLICT,
                "detail": refused.message,
                "open": [
                    msgspec.convert(item, OpenItemOut, from_attributes=True)
                    for item in refused.items
                ],
            }
            return Response(body, status_code=HTTP_409_CONFLICT)
        return Response(_out(record), status_code=HTTP_200_OK)
