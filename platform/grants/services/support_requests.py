"""Support requests before the decision: drafts, submitting, the review steps, withdrawal.

Each step is one conditional write of the state (``move``) with its audit event, so a repeated
form changes nothing twice. The person is found through beneficiaries' services, which decide
whose case it is.
"""

from __future__ import annotations

from typing import Any

import msgspec

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from beneficiaries import services as beneficiaries
from fristad import crypto
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from fristad.i18n import gettext as _
from grants import notify
from grants.domain import (
    CATEGORIES,
    EDITABLE,
    FUNDED,
    URGENCIES,
    checked_cost_lines,
    decision_deadline,
    line_total,
    period_refusals,
)
from grants.schemas import CostLineIn, RequestIn
from grants.services._common import (
    move,
    now,
    read_support_request,
    support_request_in_reach,
)
from grants.services.decisions import release_funds
from grants.services.models import SupportRequestRecord
from grants.tables import CostLine, Programme, SupportRequest

# No support request is made or sent for a closed case (one returned home may still need the
# return programme's support).
CASE_CLOSED = frozenset({"closed"})

# --- drafts --------------------------------------------------------------------------------


async def beneficiary_by_code(actor: Actor, code: str) -> int:
    """The id of the person with this pseudonymous code, when the actor's organisation owns the
    case; otherwise the form's message for the code."""
    try:
        return await beneficiaries.case_id_by_code(actor, code)
    except (InvalidInput, NotFound, PermissionDenied):
        raise InvalidInput(
            {"beneficiary_code": _("No person with this code in your organisation.")}
        ) from None


async def _checked(actor: Actor, data: RequestIn) -> tuple[list[CostLineIn], str]:
    """Check a request as entered; returns its cost lines and the gap explanation to keep."""
    require(actor, "support_request.create")
    case = await beneficiaries.case_for(actor, data.beneficiary_id)
    programme = await Programme.select().where(Programme.id == data.programme_id).first()
    errors: dict[str, str] = {}
    if case.status in CASE_CLOSED:
        errors["beneficiary_code"] = _("The case is closed. Reopen it before applying for support.")
    if programme is None or programme["status"] != "open":
        errors["programme_id"] = _("Choose an open programme.")
    if data.category not in CATEGORIES:
        errors["category"] = _("Choose a category.")
    if data.urgency not in URGENCIES:
        errors["urgency"] = _("Choose the urgency.")
    if data.period_start > data.period_end:
        errors["period_end"] = _("The end must not be before the start.")
    if programme is not None:
        errors |= period_refusals(
            data.period_start, data.period_end, programme["starts_on"], programme["ends_on"]
        )
    if not data.justification.strip():
        errors["justification"] = _("Explain why the support is needed.")
    lines, line_errors = checked_cost_lines(data.lines)
    errors |= line_errors
    if errors:
        raise InvalidInput(errors)
    return lines, data.gap.strip() or await beneficiaries.gap_of(data.beneficiary_id)


async def _store_lines(support_request_id: int, lines: list[CostLineIn]) -> int:
    """Replace the request's cost lines; returns their total, computed here."""
    await CostLine.delete().where(CostLine.request == support_request_id)
    await CostLine.insert(
        *(
            CostLine(
                request=support_request_id,
                position=index,
                description=line.description.strip()[:200],
                quantity=line.quantity,
                unit=line.unit.strip()[:30],
                unit_price=line.unit_price,
                total=line_total(line.quantity, line.unit_price),
            )
            for index, line in enumerate(lines)
        )
    )
    return sum(line_total(line.quantity, line.unit_price) for line in lines)


async def save_draft(
    actor: Actor, data: RequestIn, support_request_id: int | None = None
) -> SupportRequestRecord:
    """Save a draft for a person of the actor's organisation: a new one, or the draft
    ``support_request_id`` changed (its lines replaced). The total is computed, never typed;
    once submitted a request is edited only when an officer asks for more information."""
    if support_request_id is not None:
        await support_request_in_reach(actor, support_request_id)
    lines, gap = await _checked(actor, data)
    content: dict[str, Any] = {
        "programme": data.programme_id,
        "beneficiary": data.beneficiary_id,
        "category": data.category,
        "period_start": data.period_start,
        "period_end": data.period_end,
        "justification_encrypted": crypto.encrypt(data.justification.strip()),
        "gap_encrypted": crypto.encrypt(gap),
        "urgency": data.urgency,
        "updated_at": now(),
    }
    async with write_transaction():
        # Checked again with the case locked: a case closing meanwhile would not see this one.
        await beneficiaries.lock_case(data.beneficiary_id, refuse=CASE_CLOSED)
        if support_request_id is None:
            created = SupportRequest(
                organisation=actor.organisation_id,
                created_by=actor.user_id,
                created_at=now(),
                **content,
            )
            await created.save()
            support_request_id = int(created.id)
            action = "support_request.created"
        else:
            changed = (
                await SupportRequest.update(**content)
                .where(
                    (SupportRequest.id == support_request_id)
                    & SupportRequest.state.is_in(list(EDITABLE))
                )
                .returning(SupportRequest.id)
            )
            if not changed:
                raise Conflict(
                    _("Only drafts, and requests an officer asked about, can be changed.")
                )
            action = "support_request.updated"
        total = await _store_lines(support_request_id, lines)
        await SupportRequest.update({SupportRequest.total: total}).where(
            SupportRequest.id == support_request_id
        )
        await audit.record(
            action,
            actor=actor,
            object_type="support_request",
            object_id=support_request_id,
            detail={"beneficiary": data.beneficiary_id, "total": total},
        )
    return await read_support_request(support_request_id)


async def create_request(actor: Actor, data: RequestIn) -> int:
    """A new draft (see ``save_draft``); its id."""
    return (await save_draft(actor, data)).id


# --- submitting and the review steps -------------------------------------------------------


async def submit(actor: Actor, support_request_id: int) -> SupportRequestRecord:
    """Send a draft to the funder; needs the person's consent to share with the funder."""
    require(actor, "support_request.act")
    support_request = await support_request_in_reach(actor, support_request_id)
    if not await beneficiaries.has_valid_consent(support_request.beneficiary_id, "share_funder"):
        raise Conflict(
            _("The person has not consented to sharing with the funder. Record the consent first.")
        )
    submitted = now()
    async with write_transaction():
        await beneficiaries.lock_case(support_request.beneficiary_id, refuse=CASE_CLOSED)
        await move(
            actor,
            support_request,
            "submit",
            {
                SupportRequest.submitted_at: submitted,
                SupportRequest.decide_by: decision_deadline(submitted, support_request.urgency),
            },
        )
        await audit.record(
            "support_request.submitted",
            actor=actor,
            object_type="support_request",
            object_id=support_request_id,
        )
        if support_request.urgency == "acute":
            await notify.acute_submitted(support_request_id)
    return await read_support_request(support_request_id)


async def start_review(actor: Actor, support_request_id: int) -> SupportRequestRecord:
    """An officer takes a submitted request into review."""
    require(actor, "support_request.act")
    support_request = await support_request_in_reach(actor, support_request_id)
    async with write_transaction():
        await move(actor, support_request, "start_review")
        await audit.record(
            "support_request.review_started",
            actor=actor,
            object_type="support_request",
            object_id=support_request_id,
        )
    return await read_support_request(support_request_id)


async def request_info(
    actor: Actor, support_request_id: int, question: str
) -> SupportRequestRecord:
    """The officer asks the organisation for more information."""
    require(actor, "support_request.act")
    if not question.strip():
        raise InvalidInput({"text": _("Write what you need to know.")})
    support_request = await support_request_in_reach(actor, support_request_id)
    async with write_transaction():
        await move(
            actor,
            support_request,
            "request_info",
            {
                SupportRequest.question_encrypted: crypto.encrypt(question.strip()),
                SupportRequest.answer_encrypted: None,
                SupportRequest.info_requested_at: now(),
                SupportRequest.lines_asked_about: msgspec.json.encode(
                    list(support_request.lines)
                ).decode(),
            },
        )
        await audit.record(
            "support_request.info_requested",
            actor=actor,
            object_type="support_request",
            object_id=support_request_id,
        )
        await notify.info_requested(support_request_id)
    return await read_support_request(support_request_id)


async def answer_info(actor: Actor, support_request_id: int, answer: str) -> SupportRequestRecord:
    """The caseworker answers; the request goes back to the officers' queue."""
    require(actor, "support_request.act")
    if not answer.strip():
        raise InvalidInput({"text": _("Write your answer.")})
    support_request = await support_request_in_reach(actor, support_request_id)
    async with write_transaction():
        await move(
            actor,
            support_request,
            "answer_info",
            {SupportRequest.answer_encrypted: crypto.encrypt(answer.strip())},
        )
        await audit.record(
            "support_request.info_answered",
            actor=actor,
            object_type="support_request",
            object_id=support_request_id,
        )
    return await read_support_request(support_request_id)


async def withdraw(actor: Actor, support_request_id: int) -> SupportRequestRecord:
    """The organisation withdraws its request; money committed to it goes back to the budget."""
    require(actor, "support_request.act")
    await support_request_in_reach(actor, support_request_id)
    async with write_transaction():
        # Read again under the write lock: a payment may have been recorded meanwhile.
        support_request = await read_support_request(support_request_id)
        await move(actor, support_request, "withdraw")
        if support_request.state in FUNDED:
            unpaid = support_request.approved_amount - support_request.paid_amount
            await release_funds(support_request, unpaid, "withdrawal", actor)
        await audit.record(
            "support_request.withdrawn",
            actor=actor,
            object_type="support_request",
            object_id=support_request_id,
        )
    return await read_support_request(support_request_id)
