"""Beneficiaries JSON API under /api/v1 (bearer tokens; same rules and audit as the pages)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, post, put
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from accounts.web import CurrentActor, signed_in
from beneficiaries import services
from beneficiaries.schemas import BeneficiaryIn, BeneficiaryOut
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
