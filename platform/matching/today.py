"""The start page of caseworkers and coordinators (``/today``) and its API twin."""

from __future__ import annotations

import msgspec
from litestar import Controller, get
from litestar.response import Template

from accounts.web import CurrentActor, permitted, signed_in
from fristad.web import PROBLEMS, page
from grants.services import SupportRequestRecord
from matching.services.today import Today, today


class RequestOut(msgspec.Struct, frozen=True):
    id: int
    beneficiary_id: int
    beneficiary_code: str
    category: str
    state: str
    urgency: str
    decide_by: str | None
    report_due_on: str | None


class HoldOut(msgspec.Struct, frozen=True):
    id: int
    beneficiary_id: int
    shelter_name: str
    category_name: str
    expires_at: str


class CaseOut(msgspec.Struct, frozen=True):
    id: int
    code: str
    status: str
    region: str
    holds_waiting: int
    requests_running: int
    needs_answer: bool


class TodayOut(msgspec.Struct, frozen=True):
    """What waits for the organisation (a coordinator: also their region's shared cases)."""

    region: str | None
    answers_needed: list[RequestOut]
    reports_due: list[RequestOut]
    drafts: list[RequestOut]
    awaiting_decision: list[RequestOut]
    holds_waiting: list[HoldOut]
    cases: list[CaseOut]
    cases_total: int


def _requests(requests: tuple[SupportRequestRecord, ...]) -> list[RequestOut]:
    return [
        RequestOut(
            r.id,
            r.beneficiary_id,
            r.beneficiary_code,
            r.category,
            str(r.state),
            r.urgency,
            r.decide_by.isoformat() if r.decide_by else None,
            r.report_due_on.isoformat() if r.report_due_on else None,
        )
        for r in requests
    ]


def today_out(work: Today) -> TodayOut:
    return TodayOut(
        region=work.region,
        answers_needed=_requests(work.answers_needed),
        reports_due=_requests(work.reports_due),
        drafts=_requests(work.drafts),
        awaiting_decision=_requests(work.awaiting_decision),
        holds_waiting=[
            HoldOut(
                h.id, h.beneficiary_id, h.shelter_name, h.category_name, h.expires_at.isoformat()
            )
            for h in work.holds_waiting
        ],
        cases=[
            CaseOut(
                c.case.id,
                c.case.code,
                c.case.status,
                c.case.region,
                len(c.holds),
                len(c.requests),
                c.needs_answer,
            )
            for c in work.cases
        ],
        cases_total=work.cases_total,
    )


class TodayController(Controller):
    path = "/today"
    guards = [permitted("match.read")]
    include_in_schema = False

    @get("/", name="today")
    async def page(self, actor: CurrentActor) -> Template:
        return page("matching/today.html", work=await today(actor))


class TodayApi(Controller):
    path = "/api/v1/today"
    guards = [signed_in]
    tags = ["matching"]
    security = [{"BearerToken": []}]

    @get(
        "/",
        operation_id="getToday",
        responses=PROBLEMS,
        summary="What waits for the organisation today",
    )
    async def today(self, actor: CurrentActor) -> TodayOut:
        return today_out(await today(actor))
