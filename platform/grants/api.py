"""Grants JSON API under /api/v1 (bearer tokens): programmes with budgets, support requests
and their workflow. The same services as the pages, so the same rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, JSONBody

from accounts.web import CurrentActor, signed_in
from fristad.web import PROBLEMS, Id, content_disposition
from grants import domain, services
from grants.schemas import (
    AttachmentOut,
    DecisionIn,
    PaymentIn,
    PaymentOut,
    ProgrammeOut,
    RequestIn,
    RequestOut,
    ReversalForm,
    TextForm,
)


def _programme_out(programme: services.ProgrammeRecord) -> ProgrammeOut:
    return msgspec.convert(programme, ProgrammeOut, from_attributes=True)


def _request_out(support_request: services.SupportRequestRecord) -> RequestOut:
    return msgspec.convert(support_request, RequestOut, from_attributes=True)


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

    @get(
        "/programmes/{programme_id:int}",
        responses=PROBLEMS,
        operation_id="getProgramme",
        summary="One programme with its budgets",
    )
    async def programme(self, actor: CurrentActor, programme_id: Id) -> ProgrammeOut:
        return _programme_out(await services.get_programme(actor, programme_id))

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
