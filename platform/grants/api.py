"""Grants JSON API under /api/v1 (bearer tokens): programmes with budgets, support requests
and their workflow. The same services as the pages, so the same rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post, put
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, JSONBody

from accounts.web import CurrentActor, signed_in
from fristad.errors import NotFound
from fristad.web import PROBLEMS, Id, content_disposition
from grants import domain, services
from grants.schemas import (
    AdjustIn,
    AttachmentOut,
    BudgetOut,
    DecisionIn,
    LedgerLineOut,
    NoticeOut,
    PaymentIn,
    PaymentOut,
    ProgrammeIn,
    ProgrammeOut,
    ReportIn,
    ReportOut,
    RequestIn,
    RequestOut,
    ReversalForm,
    TextForm,
)


def _programme_out(programme: services.ProgrammeRecord) -> ProgrammeOut:
    return msgspec.convert(programme, ProgrammeOut, from_attributes=True)


def _request_out(support_request: services.SupportRequestRecord) -> RequestOut:
    return msgspec.convert(support_request, RequestOut, from_attributes=True)


def _report_out(view: services.RequestView) -> ReportOut:
    support_request = view.support_request
    return ReportOut(
        support_request_id=support_request.id,
        actual_costs=support_request.actual_costs,
        outcome=view.outcome,
        reported_at=support_request.reported_at,
        reviewed_at=support_request.report_reviewed_at,
    )


@dataclass
class AttachmentUpload:
    file: UploadFile  # a PDF, JPEG or PNG of at most 10 MB


class GrantsApi(Controller):
    """The path parameter keeps the name ``request_id`` that the published schema gives it."""

    path = "/api/v1"
    guards = [signed_in]
    tags = ["grants"]
    security = [{"BearerToken": []}]

    @get(
        "/programmes",
        responses=PROBLEMS,
        operation_id="listProgrammes",
        summary="Support programmes with their budgets (amounts in öre)",
    )
    async def programmes(self, actor: CurrentActor) -> list[ProgrammeOut]:
        return [_programme_out(programme) for programme in await services.list_programmes(actor)]

    @post(
        "/programmes",
        responses=PROBLEMS,
        operation_id="createProgramme",
        summary="Create a programme with a budget per category (öre); officers of an authority",
        status_code=201,
    )
    async def create_programme(
        self, actor: CurrentActor, data: JSONBody[ProgrammeIn]
    ) -> ProgrammeOut:
        programme_id = await services.create_programme(
            actor,
            data.name,
            data.starts_on,
            data.ends_on,
            data.four_eyes_threshold,
            {budget.category: budget.amount for budget in data.budgets},
            reference_format=data.reference_format,
            appeal_info=data.appeal_info,
        )
        return _programme_out(await services.get_programme(actor, programme_id))

    @get(
        "/programmes/{programme_id:int}",
        responses=PROBLEMS,
        operation_id="getProgramme",
        summary="One programme with its budgets",
    )
    async def programme(self, actor: CurrentActor, programme_id: Id) -> ProgrammeOut:
        return _programme_out(await services.get_programme(actor, programme_id))

    @get(
        "/programmes/{programme_id:int}/ledger",
        responses=PROBLEMS,
        operation_id="getProgrammeLedger",
        summary="The programme's latest ledger entries",
    )
    async def ledger(self, actor: CurrentActor, programme_id: Id) -> list[LedgerLineOut]:
        lines = await services.programme_ledger(actor, programme_id)
        return [msgspec.convert(line, LedgerLineOut, from_attributes=True) for line in lines]

    @post(
        "/budgets/{budget_id:int}/adjustments",
        responses=PROBLEMS,
        operation_id="adjustBudget",
        summary="Change a category's allocation (signed öre, a reason); four eyes above the "
        "threshold",
        status_code=200,
    )
    async def adjust(
        self, actor: CurrentActor, budget_id: Id, data: JSONBody[AdjustIn]
    ) -> BudgetOut:
        line = await services.adjust_budget(actor, budget_id, data.amount, data.reason)
        return msgspec.convert(line, BudgetOut, from_attributes=True)

    @post(
        "/budgets/{budget_id:int}/adjustment-confirmation",
        responses=PROBLEMS,
        operation_id="confirmBudgetAdjustment",
        summary="Confirm another officer's waiting change of the allocation (second officer)",
        status_code=200,
    )
    async def confirm_adjustment(self, actor: CurrentActor, budget_id: Id) -> BudgetOut:
        line = await services.confirm_adjustment(actor, budget_id)
        return msgspec.convert(line, BudgetOut, from_attributes=True)

    @post(
        "/budgets/{budget_id:int}/adjustment-refusal",
        responses=PROBLEMS,
        operation_id="refuseBudgetAdjustment",
        summary="Refuse (or take back) the waiting change of the allocation",
        status_code=200,
    )
    async def refuse_adjustment(self, actor: CurrentActor, budget_id: Id) -> BudgetOut:
        line = await services.refuse_adjustment(actor, budget_id)
        return msgspec.convert(line, BudgetOut, from_attributes=True)

    @get(
        "/support-requests",
        responses=PROBLEMS,
        operation_id="listSupportRequests",
        summary="Support requests in reach (officers: all submitted)",
    )
    async def support_requests(self, actor: CurrentActor) -> list[RequestOut]:
        return [_request_out(found) for found in await services.list_requests(actor)]

    @get(
        "/support-requests/{request_id:int}",
        responses=PROBLEMS,
        operation_id="getSupportRequest",
        summary="One support request",
    )
    async def support_request(self, actor: CurrentActor, request_id: Id) -> RequestOut:
        view = await services.get_request(actor, request_id)
        return _request_out(view.support_request)

    @post(
        "/support-requests",
        responses=PROBLEMS,
        operation_id="createSupportRequest",
        summary="Create a draft request (totals computed)",
        status_code=201,
    )
    async def create(self, actor: CurrentActor, data: JSONBody[RequestIn]) -> RequestOut:
        return _request_out(await services.save_draft(actor, data))

    @put(
        "/support-requests/{request_id:int}",
        responses=PROBLEMS,
        operation_id="changeSupportRequest",
        summary="Change a draft, or a request an officer asked about (its lines replaced)",
    )
    async def change(
        self, actor: CurrentActor, request_id: Id, data: JSONBody[RequestIn]
    ) -> RequestOut:
        return _request_out(await services.save_draft(actor, data, request_id))

    @post(
        "/support-requests/{request_id:int}/answer",
        responses=PROBLEMS,
        operation_id="answerInfoRequest",
        summary="Answer the officer's question; the request is submitted again",
        status_code=200,
    )
    async def answer(
        self, actor: CurrentActor, request_id: Id, data: JSONBody[TextForm]
    ) -> RequestOut:
        return _request_out(await services.answer_info(actor, request_id, data.text))

    @post(
        "/support-requests/{request_id:int}/submit",
        responses=PROBLEMS,
        operation_id="submitSupportRequest",
        summary="Submit a draft",
        status_code=200,
    )
    async def submit(self, actor: CurrentActor, request_id: Id) -> RequestOut:
        return _request_out(await services.submit(actor, request_id))

    @post(
        "/support-requests/{request_id:int}/review",
        responses=PROBLEMS,
        operation_id="startReview",
        summary="Start the review",
        status_code=200,
    )
    async def review(self, actor: CurrentActor, request_id: Id) -> RequestOut:
        return _request_out(await services.start_review(actor, request_id))

    @post(
        "/support-requests/{request_id:int}/info-request",
        responses=PROBLEMS,
        operation_id="requestInfo",
        summary="Ask the organisation for more information",
        status_code=200,
    )
    async def info_request(
        self, actor: CurrentActor, request_id: Id, data: JSONBody[TextForm]
    ) -> RequestOut:
        return _request_out(await services.request_info(actor, request_id, data.text))

    @post(
        "/support-requests/{request_id:int}/decision",
        responses=PROBLEMS,
        operation_id="decideSupportRequest",
        summary="Decide: amount in öre (0 rejects) and a reason; four eyes above the threshold",
        status_code=200,
    )
    async def decide(
        self, actor: CurrentActor, request_id: Id, data: JSONBody[DecisionIn]
    ) -> RequestOut:
        result = await services.decide(actor, request_id, data.amount, data.reason)
        return _request_out(result.support_request)

    @post(
        "/support-requests/{request_id:int}/confirmation",
        responses=PROBLEMS,
        operation_id="confirmDecision",
        summary="Confirm another officer's decision (second officer)",
        status_code=200,
    )
    async def confirm(self, actor: CurrentActor, request_id: Id) -> RequestOut:
        result = await services.confirm(actor, request_id)
        return _request_out(result.support_request)

    @get(
        "/support-requests/{request_id:int}/payments",
        responses=PROBLEMS,
        operation_id="listPayments",
        summary="The payments and reversals",
    )
    async def payments(self, actor: CurrentActor, request_id: Id) -> list[PaymentOut]:
        view = await services.get_request(actor, request_id)
        return [msgspec.convert(p, PaymentOut, from_attributes=True) for p in view.payments]

    @post(
        "/support-requests/{request_id:int}/payments",
        responses=PROBLEMS,
        operation_id="recordPayment",
        summary="Record a payment (öre), dated between the decision and today",
        status_code=201,
    )
    async def record_payment(
        self, actor: CurrentActor, request_id: Id, data: JSONBody[PaymentIn]
    ) -> PaymentOut:
        payment = await services.record_payment(
            actor, request_id, data.paid_on, data.amount, data.reference
        )
        return msgspec.convert(payment, PaymentOut, from_attributes=True)

    @post(
        "/support-requests/{request_id:int}/payments/{payment_id:int}/reversal",
        responses=PROBLEMS,
        operation_id="reversePayment",
        summary="Reverse a wrong payment: a new ledger entry with the reason (officers)",
        status_code=200,
    )
    async def reverse_payment(
        self, actor: CurrentActor, request_id: Id, payment_id: Id, data: JSONBody[ReversalForm]
    ) -> RequestOut:
        return _request_out(
            await services.reverse_payment(actor, request_id, payment_id, data.reason)
        )

    @get(
        "/reports",
        responses=PROBLEMS,
        operation_id="listReportsToReview",
        summary="Follow-up reports waiting for an officer's review (officers)",
    )
    async def reports(self, actor: CurrentActor) -> list[RequestOut]:
        return [_request_out(found) for found in await services.reports_to_review(actor)]

    @get(
        "/support-requests/{request_id:int}/report",
        responses=PROBLEMS,
        operation_id="getReport",
        summary="The follow-up report sent",
    )
    async def report(self, actor: CurrentActor, request_id: Id) -> ReportOut:
        view = await services.get_request(actor, request_id)
        if view.support_request.reported_at is None:
            raise NotFound
        return _report_out(view)

    @post(
        "/support-requests/{request_id:int}/report",
        responses=PROBLEMS,
        operation_id="sendReport",
        summary="Send the follow-up report: actual costs (öre, at most twice the approved "
        "amount) and the outcome",
        status_code=200,
    )
    async def send_report(
        self, actor: CurrentActor, request_id: Id, data: JSONBody[ReportIn]
    ) -> ReportOut:
        await services.report(actor, request_id, data.actual_costs, data.outcome)
        return _report_out(await services.get_request(actor, request_id))

    @post(
        "/support-requests/{request_id:int}/report-review",
        responses=PROBLEMS,
        operation_id="reviewReport",
        summary="Mark the follow-up report as reviewed (officers)",
        status_code=200,
    )
    async def review_report(self, actor: CurrentActor, request_id: Id) -> RequestOut:
        return _request_out(await services.review_report(actor, request_id))

    @post(
        "/support-requests/{request_id:int}/assignment",
        responses=PROBLEMS,
        operation_id="takeSupportRequest",
        summary="Take the request: it is assigned to me (officers)",
        status_code=200,
    )
    async def take(self, actor: CurrentActor, request_id: Id) -> RequestOut:
        return _request_out(await services.take_request(actor, request_id))

    @get(
        "/notices",
        responses=PROBLEMS,
        operation_id="listNotices",
        summary="My new notices (officers): acute requests, decisions to confirm",
    )
    async def notices(self, actor: CurrentActor) -> list[NoticeOut]:
        found = await services.take_notices(actor)
        return [msgspec.convert(notice, NoticeOut, from_attributes=True) for notice in found]

    @post(
        "/support-requests/{request_id:int}/attachments",
        responses=PROBLEMS,
        operation_id="uploadAttachment",
        summary="Attach a PDF, JPEG or PNG (at most 10 MB) before the decision",
        status_code=201,
        request_max_body_size=domain.MAX_ATTACHMENT_BYTES + 1024 * 1024,
    )
    async def upload_attachment(
        self,
        actor: CurrentActor,
        request_id: Id,
        data: Annotated[AttachmentUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> AttachmentOut:
        content = await data.file.read(domain.MAX_ATTACHMENT_BYTES + 1)
        attachment = await services.add_attachment(
            actor, request_id, data.file.filename or "", content
        )
        return msgspec.convert(attachment, AttachmentOut, from_attributes=True)

    @get(
        "/support-requests/{request_id:int}/attachments/{attachment_id:int}",
        responses=PROBLEMS,
        operation_id="downloadAttachment",
        summary="An attachment's content, for those who may read the request",
        media_type="application/octet-stream",
    )
    async def attachment(
        self, actor: CurrentActor, request_id: Id, attachment_id: Id
    ) -> Response[bytes]:
        attachment, content = await services.open_attachment(actor, request_id, attachment_id)
        return Response(
            content,
            media_type=attachment.content_type,
            headers={
                "Content-Disposition": content_disposition(attachment.filename),
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )
