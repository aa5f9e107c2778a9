"""Grants JSON API under /api/v1 (bearer tokens): programmes with budgets, support requests
and their workflow. The same services as the pages, so the same rules."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import JSONBody

from accounts.web import require_actor, signed_in
from fristad.web import Id
from grants import services
from grants.schemas import (
    BudgetOut,
    CostLineOut,
    DecisionIn,
    ProgrammeOut,
    RequestIn,
    RequestOut,
    TextForm,
)


def _budgets(lines: list[services.BudgetLine]) -> list[BudgetOut]:
    return [
        BudgetOut(
            category=line.category,
            allocated=line.allocated,
            committed=line.committed,
            paid=line.paid,
            remaining=line.remaining,
        )
        for line in lines
    ]


def _request_out(row: dict[str, Any], lines: list[dict[str, Any]], code: str) -> RequestOut:
    return RequestOut(
        id=row["id"],
        programme_id=row["programme"],
        organisation_id=row["organisation"],
        beneficiary_code=code,
        category=row["category"],
        state=row["state"],
        urgency=row["urgency"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        total=row["total"],
        approved_amount=row["approved_amount"],
        paid_amount=row["paid_amount"],
        submitted_at=row["submitted_at"],
        decide_by=row["decide_by"],
        lines=[
            CostLineOut(
                description=line["description"],
                quantity=line["quantity"],
                unit=line["unit"],
                unit_price=line["unit_price"],
                total=line["total"],
            )
            for line in lines
        ],
    )


class GrantsApi(Controller):
    path = "/api/v1"
    guards = [signed_in]
    tags = ["grants"]
    security = [{"BearerToken": []}]

    @get("/programmes", summary="Support programmes with their budgets (amounts in öre)")
    async def programmes(self, request: Request[Any, Any, Any]) -> list[ProgrammeOut]:
        actor = require_actor(request)
        return [
            ProgrammeOut(
                id=row["id"],
                name=row["name"],
                starts_on=row["starts_on"],
                ends_on=row["ends_on"],
                status=row["status"],
                four_eyes_threshold=row["four_eyes_threshold"],
                budgets=_budgets(await services.budgets_of(row["id"])),
            )
            for row in await services.list_programmes(actor)
        ]

    @get("/programmes/{programme_id:int}", summary="One programme with its budgets")
    async def programme(self, request: Request[Any, Any, Any], programme_id: Id) -> ProgrammeOut:
        actor = require_actor(request)
        row = await services.get_programme(actor, programme_id)
        return ProgrammeOut(
            id=row["id"],
            name=row["name"],
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
            status=row["status"],
            four_eyes_threshold=row["four_eyes_threshold"],
            budgets=_budgets(await services.budget_overview(actor, programme_id)),
        )

    @get("/support-requests", summary="Support requests in reach (officers: all submitted)")
    async def support_requests(self, request: Request[Any, Any, Any]) -> list[RequestOut]:
        rows = await services.list_requests(require_actor(request))
        return [
            _request_out(row, await services.lines_of(row["id"]), row["beneficiary.code"])
            for row in rows
        ]

    @get("/support-requests/{request_id:int}", summary="One support request")
    async def support_request(self, request: Request[Any, Any, Any], request_id: Id) -> RequestOut:
        view = await services.get_request(require_actor(request), request_id)
        return _request_out(view.request, view.lines, view.beneficiary_code)

    @post("/support-requests", summary="Create a draft request (totals computed)", status_code=201)
    async def create(
        self, request: Request[Any, Any, Any], data: JSONBody[RequestIn]
    ) -> RequestOut:
        actor = require_actor(request)
        request_id = await services.create_request(actor, data)
        view = await services.get_request(actor, request_id)
        return _request_out(view.request, view.lines, view.beneficiary_code)

    @post("/support-requests/{request_id:int}/submit", summary="Submit a draft", status_code=200)
    async def submit(self, request: Request[Any, Any, Any], request_id: Id) -> RequestOut:
        actor = require_actor(request)
        await services.submit(actor, request_id)
        view = await services.get_request(actor, request_id)
        return _request_out(view.request, view.lines, view.beneficiary_code)

    @post("/support-requests/{request_id:int}/review", summary="Start the review", status_code=200)
    async def review(self, request: Request[Any, Any, Any], request_id: Id) -> RequestOut:
        actor = require_actor(request)
        await services.start_review(actor, request_id)
        view = await services.get_request(actor, request_id)
        return _request_out(view.request, view.lines, view.beneficiary_code)

    @post(
        "/support-requests/{request_id:int}/info-request",
        summary="Ask the organisation for more information",
        status_code=200,
    )
    async def info_request(
        self, request: Request[Any, Any, Any], request_id: Id, data: JSONBody[TextForm]
    ) -> RequestOut:
        actor = require_actor(request)
        await services.request_info(actor, request_id, data.text)
        view = await services.get_request(actor, request_id)
        return _request_out(view.request, view.lines, view.beneficiary_code)

    @post(
        "/support-requests/{request_id:int}/decision",
        summary="Decide: amount in öre (0 rejects) and a reason; four eyes above the threshold",
        status_code=200,
    )
    async def decide(
        self, request: Request[Any, Any, Any], request_id: Id, data: JSONBody[DecisionIn]
    ) -> RequestOut:
        actor = require_actor(request)
        await services.decide(actor, request_id, data.amount, data.reason)
        view = await services.get_request(actor, request_id)
        return _request_out(view.request, view.lines, view.beneficiary_code)

    @post(
        "/support-requests/{request_id:int}/confirmation",
        summary="Confirm another officer's decision (second officer)",
        status_code=200,
    )
    async def confirm(self, request: Request[Any, Any, Any], request_id: Id) -> RequestOut:
        actor = require_actor(request)
        await services.confirm(actor, request_id)
        view = await services.get_request(actor, request_id)
        return _request_out(view.request, view.lines, view.beneficiary_code)
