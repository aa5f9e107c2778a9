"""Reading support requests: the request page, the caseworkers' list, the officers' queue and
the API's listing."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

import msgspec

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from beneficiaries import services as beneficiaries
from beneficiaries.domain import MinimalProfile
from fristad.database import write_transaction
from grants.domain import (
    FUNDED,
    NEEDS_FUNDER_CONSENT,
    QUEUE,
    LineChange,
    State,
    actions_from,
    line_changes,
    may_attach,
    may_edit,
)
from grants.services._common import (
    as_officers_see,
    decrypt,
    is_officer,
    programmes_run_by,
    support_request_in_reach,
)
from grants.services.models import (
    ENCRYPTED_COLUMNS,
    AttachmentRecord,
    BudgetLine,
    CostLineRecord,
    DecisionRecord,
    PaymentRecord,
    ProgrammeRecord,
    SupportRequestRecord,
    attachment_of,
    decision_of,
    decision_query,
    payment_of,
    programme_of,
    support_request_query,
    support_requests_of,
)
from grants.services.reversals import reversed_payments
from grants.tables import Attachment, Decision, Payment, Programme, SupportRequest


@dataclass(frozen=True)
class OrganisationHistory:
    """The applying organisation's earlier requests, for the officer deciding a new one."""

    requests: int
    rejected: int
    approved_amount: int
    paid_amount: int


@dataclass(frozen=True)
class RequestView:
    """Everything the request page shows, and what the reader may do with it."""

    support_request: SupportRequestRecord
    programme: ProgrammeRecord
    # The category's budget
    budget: BudgetLine | None
    decisions: tuple[DecisionRecord, ...]
    payments: tuple[PaymentRecord, ...]
    attachments: tuple[AttachmentRecord, ...]
    justification: str
    gap: str
    question: str
    answer: str
    outcome: str
    # Workflow steps the reader's role may take now (grants.domain.TRANSITIONS)
    actions: frozenset[str]
    may_edit: bool
    may_attach: bool
    # Officers only: the person's minimal profile and the organisation's history
    profile: MinimalProfile | None = None
    history: OrganisationHistory | None = None
    # Since the officer last asked for more information: when, what the lines and the total
    # were then, and what changed in the lines
    info_requested_at: datetime | None = None
    total_asked_about: int | None = None
    line_changes: tuple[LineChange, ...] = ()

    def attached_since_question(self, attachment: AttachmentRecord) -> bool:
        return bool(
            self.info_requested_at
            and attachment.uploaded_at
            and attachment.uploaded_at > self.info_requested_at
        )

    @property
    def has_effective_decision(self) -> bool:
        return any(decision.status == "effective" for decision in self.decisions)


async def get_request(actor: Actor, support_request_id: int) -> RequestView:
    """Everything on the request page; an officer also gets the person's minimal profile and
    the organisation's history (the read is audited).

    Once the person has withdrawn consent to share with the funder, an officer gets the money
    (decisions, payments, budget) but none of the texts about the person, no attachments, no
    profile and no review step: those wait for a new consent.
    """
    support_request = await support_request_in_reach(actor, support_request_id)
    withdrawn = support_request.consent_withdrawn
    texts = (
        await SupportRequest.select(
            *ENCRYPTED_COLUMNS, SupportRequest.info_requested_at, SupportRequest.lines_asked_about
        )
        .where(SupportRequest.id == support_request_id)
        .first()
    )
    assert texts is not None  # requests are never deleted
    decisions = (
        await decision_query().where(Decision.request == support_request_id).order_by(Decision.id)
    )
    payments = (
        await Payment.select().where(Payment.request == support_request_id).order_by(Payment.id)
    )
    reversed_now = await reversed_payments(support_request_id)
    attachments = (
        await Attachment.select()
        .where(Attachment.request == support_request_id)
        .order_by(Attachment.id)
    )
    programme_row = (
        await Programme.select().where(Programme.id == support_request.programme_id).first()
    )
    assert programme_row is not None
    programme = await programme_of(programme_row)
    profile, history = None, None
    if is_officer(actor):
        if not withdrawn:
            profile = await beneficiaries.minimal_profile(support_request.beneficiary_id)
        history = await organisation_history(
            support_request.organisation_id, exclude=support_request_id
        )
        async with write_transaction():
            await audit.record(
                "support_request.read",
                actor=actor,
                object_type="support_request",
                object_id=support_request_id,
                detail={"beneficiary": support_request.beneficiary_id},
            )
    asked_about = (
        msgspec.json.decode(texts["lines_asked_about"], type=list[CostLineRecord])
        if texts["lines_asked_about"]
        else None
    )
    actions = actions_from(support_request.state, actor.role)
    return RequestView(
        support_request=support_request,
        programme=programme,
        budget=programme.budget_for(support_request.category),
        decisions=tuple(decision_of(row) for row in decisions),
        payments=tuple(
            dataclasses.replace(payment_of(row), reversal_reason=reversed_now.get(row["id"]))
            for row in payments
        ),
        attachments=() if withdrawn else tuple(attachment_of(row) for row in attachments),
        justification="" if withdrawn else decrypt(texts["justification_encrypted"]),
        gap="" if withdrawn else decrypt(texts["gap_encrypted"]),
        question="" if withdrawn else decrypt(texts["question_encrypted"]),
        answer="" if withdrawn else decrypt(texts["answer_encrypted"]),
        outcome="" if withdrawn else decrypt(texts["outcome_encrypted"]),
        actions=frozenset(actions - NEEDS_FUNDER_CONSENT if withdrawn else actions),
        may_edit=may_edit(support_request.state, actor.role),
        may_attach=may_attach(support_request.state, actor.role),
        profile=profile,
        history=history,
        info_requested_at=texts["info_requested_at"],
        total_asked_about=sum(line.total for line in asked_about) if asked_about else None,
        # The lines as they were carry their descriptions: none once consent is withdrawn.
        line_changes=tuple(line_changes(asked_about, support_request.lines))
        if asked_about is not None and not withdrawn
        else (),
    )


async def organisation_history(organisation_id: int, *, exclude: int = 0) -> OrganisationHistory:
    """How many of the organisation's earlier requests are in each state, and what they got."""
    rows = await SupportRequest.select(
        SupportRequest.state, SupportRequest.approved_amount, SupportRequest.paid_amount
    ).where(
        (SupportRequest.organisation == organisation_id)
        & (SupportRequest.id != exclude)
        & (SupportRequest.state != State.DRAFT)
    )
    return OrganisationHistory(
        requests=len(rows),
        rejected=sum(row["state"] == State.REJECTED for row in rows),
        approved_amount=sum(
            row["approved_amount"]
            for row in rows
            if row["state"] in FUNDED or row["state"] == State.CLOSED
        ),
        paid_amount=sum(row["paid_amount"] for row in rows),
    )


async def my_requests(actor: Actor, *, limit: int = 200) -> list[SupportRequestRecord]:
    """The requests of the actor's organisation, newest first."""
    require(actor, "support_request.read")
    rows = (
        await support_request_query()
        .where(SupportRequest.organisation == actor.organisation_id)
        .order_by(SupportRequest.id, ascending=False)
        .limit(limit)
    )
    return await support_requests_of(rows)


async def review_queue(
    actor: Actor, *, mine: bool = False, limit: int = 200
) -> list[SupportRequestRecord]:
    """Requests waiting for officers (``mine``: those assigned to the actor): acute first, then
    the earliest deadline."""
    require(actor, "support_request.decide")
    query = (
        support_request_query()
        .where(SupportRequest.state.is_in(list(QUEUE)))
        .where(SupportRequest.programme.is_in(programmes_run_by(actor)))
    )
    if mine:
        query = query.where(SupportRequest.assigned_to == actor.user_id)
    rows = (
        await query.order_by(SupportRequest.urgency)  # "acute" sorts before "normal"
        .order_by(SupportRequest.decide_by)
        .limit(limit)
    )
    return await as_officers_see(await support_requests_of(rows))


async def reports_to_review(actor: Actor, *, limit: int = 200) -> list[SupportRequestRecord]:
    """Reported requests no officer has reviewed yet, the oldest report first."""
    require(actor, "support_request.queue")
    rows = (
        await support_request_query()
        .where(
            (SupportRequest.state == State.REPORTED) & SupportRequest.report_reviewed_at.is_null()
        )
        .where(SupportRequest.programme.is_in(programmes_run_by(actor)))
        .order_by(SupportRequest.reported_at)
        .limit(limit)
    )
    return await as_officers_see(await support_requests_of(rows))


async def list_requests(actor: Actor, *, limit: int = 200) -> list[SupportRequestRecord]:
    """For the API: an officer sees every submitted request, others their organisation's."""
    require(actor, "support_request.read")
    if not is_officer(actor):
        return await my_requests(actor, limit=limit)
    rows = (
        await support_request_query()
        .where(SupportRequest.state != State.DRAFT)
        .where(SupportRequest.programme.is_in(programmes_run_by(actor)))
        .order_by(SupportRequest.id, ascending=False)
        .limit(limit)
    )
    return await as_officers_see(await support_requests_of(rows))
