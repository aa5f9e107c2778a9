"""Beneficiaries JSON API under /api/v1 (bearer tokens; same rules and audit as the pages)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post, put
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from accounts.policy import require
from accounts.web import require_actor, signed_in
from beneficiaries import domain, services
from beneficiaries.schemas import BeneficiaryIn, BeneficiaryOut
from fristad.errors import NotFound
from fristad.web import MAX_PAGE, Id


def _out(record: dict[str, Any]) -> BeneficiaryOut:
    return BeneficiaryOut(
        id=record["id"],
        code=record["code"],
        organisation_id=record["organisation"],
        status=record["status"],
        gender=record["gender"],
        age_band=record["age_band"],
        is_minor=record["is_minor"],
        citizenship=record["citizenship"],
        languages=domain.split_codes(record["languages"]),
        children_count=record["children_count"],
        exploitation_types=domain.split_codes(record["exploitation_types"]),
        trafficking_status=record["trafficking_status"],
        region=record["region"],
        municipality=record["municipality"],
        migration_status=record["migration_status"],
        needs=domain.split_codes(record["needs"]),
        shelter_requirements=domain.split_codes(record["shelter_requirements"]),
        protected_identity=record["protected_identity"],
        created_at=record["created_at"],
        updated_at=record["updated_at"],
    )


class BeneficiariesApi(Controller):
    path = "/api/v1/beneficiaries"
    guards = [signed_in]
    tags = ["beneficiaries"]
    security = [{"BearerToken": []}]

    @get("/", summary="Records in reach (no identity), newest change first")
    async def index(
        self,
        request: Request[Any, Any, Any],
        code: FromQuery[str] = "",
        status: FromQuery[str] = "",
        need: FromQuery[str] = "",
        region: FromQuery[str] = "",
        page_number: Annotated[int, QueryParameter(name="page", ge=1, le=MAX_PAGE)] = 1,
    ) -> list[BeneficiaryOut]:
        actor = require_actor(request)
        require(actor, "beneficiary.read")
        rows, _total = await services.list_beneficiaries(
            actor,
            services.Filters(code=code, status=status, need=need, region=region, page=page_number),
        )
        full = [await services.get_beneficiary(actor, row["id"]) for row in rows]
        return [_out(view.record) for view in full]

    @post("/", status_code=HTTP_201_CREATED, summary="Register a person")
    async def create(
        self, request: Request[Any, Any, Any], data: JSONBody[BeneficiaryIn]
    ) -> BeneficiaryOut:
        actor = require_actor(request)
        require(actor, "beneficiary.write")
        beneficiary_id = await services.create_beneficiary(actor, data, data.identity)
        return _out((await services.get_beneficiary(actor, beneficiary_id)).record)

    @get("/{beneficiary_id:int}", summary="One record (audited)")
    async def show(self, request: Request[Any, Any, Any], beneficiary_id: Id) -> BeneficiaryOut:
        actor = require_actor(request)
        require(actor, "beneficiary.read")
        return _out((await services.get_beneficiary(actor, beneficiary_id)).record)

    @put("/{beneficiary_id:int}", summary="Change a record (owning organisation)")
    async def update(
        self,
        request: Request[Any, Any, Any],
        beneficiary_id: Id,
        data: JSONBody[BeneficiaryIn],
    ) -> BeneficiaryOut:
        actor = require_actor(request)
        require(actor, "beneficiary.write")
        if beneficiary_id <= 0:
            raise NotFound
        await services.update_beneficiary(actor, beneficiary_id, data, data.identity)
        return _out((await services.get_beneficiary(actor, beneficiary_id)).record)
