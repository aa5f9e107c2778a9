"""What several grants use cases share: the clock, reach, the one workflow step, the budget of a
request."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from accounts.domain import Actor
from accounts.policy import require
from beneficiaries import services as beneficiaries
from fristad import crypto
from fristad.errors import Conflict, NotFound
from fristad.i18n import gettext as _
from grants.domain import (
    APPLICANT_ROLES,
    NEEDS_FUNDER_CONSENT,
    OFFICER_ROLES,
    State,
    TransitionRefused,
    transition,
)
from grants.services.models import SupportRequestRecord, support_request_query, support_requests_of
from grants.tables import Budget, Programme, SupportRequest


def now() -> datetime:
    return datetime.now(UTC)


class BudgetExhausted(Conflict):
    """The category has less left than the amount to commit."""

    def __init__(self) -> None:
        super().__init__(_("Budget exhausted: the category has not enough money left."))


def is_officer(actor: Actor) -> bool:
    return actor.role in OFFICER_ROLES


def programmes_run_by(actor: Actor) -> Any:
    """A select of the ids of the programmes the officer's authority runs."""
    return Programme.select(Programme.id).where(Programme.authority_id == actor.organisation_id)


async def runs_programme(actor: Actor, programme_id: int) -> bool:
    """Does the officer's authority run this programme? (A system admin: every programme.)"""
    if actor.is_admin:
        return True
    return bool(
        await Programme.exists().where(
            (Programme.id == programme_id) & (Programme.authority_id == actor.organisation_id)
        )
    )


def cases_funded_by(authority_id: int) -> Any:
    """The beneficiary ids with a submitted request in a programme the authority runs (for
    beneficiaries' reach: an officer reads these cases, with the person's consent)."""
    return SupportRequest.select(SupportRequest.beneficiary).where(
        (SupportRequest.state != State.DRAFT)
        & SupportRequest.programme.is_in(
            Programme.select(Programme.id).where(Programme.authority_id == authority_id)
        )
    )


def consent_withdrawn_message() -> str:
    return _(
        "The person has withdrawn their consent to share with the funder. The request shows no "
        "personal details and cannot be reviewed or decided until the consent is given again."
    )


async def as_officers_see(records: Sequence[SupportRequestRecord]) -> list[SupportRequestRecord]:
    """The requests as an officer may read them: where the person no longer consents to share
    with the funder (withdrawn or expired), marked so and without the cost lines' texts."""
    withdrawn = await beneficiaries.without_valid_consent(
        {record.beneficiary_id for record in records}, "share_funder"
    )
    return [
        dataclasses.replace(
            record,
            consent_withdrawn=True,
            lines=tuple(dataclasses.replace(line, description="") for line in record.lines),
        )
        if record.beneficiary_id in withdrawn
        else record
        for record in records
    ]


async def read_support_request(support_request_id: int) -> SupportRequestRecord:
    """The request as stored now, without asking who reads it (callers have checked reach)."""
    row = await support_request_query().where(SupportRequest.id == support_request_id).first()
    if row is None:
        raise NotFound
    (record,) = await support_requests_of([row])
    return record


async def support_request_in_reach(actor: Actor, support_request_id: int) -> SupportRequestRecord:
    """The request when the actor may see it: its organisation's caseworkers, or an officer
    (not drafts). Anything else is NotFound, as if it did not exist."""
    require(actor, "support_request.read")
    record = await read_support_request(support_request_id)
    if is_officer(actor):
        if record.state == State.DRAFT or not await runs_programme(actor, record.programme_id):
            raise NotFound
        (record,) = await as_officers_see([record])
        return record
    if actor.role in APPLICANT_ROLES and record.organisation_id == actor.organisation_id:
        return record
    raise NotFound


async def move(
    actor: Actor,
    support_request: SupportRequestRecord,
    action: str,
    values: dict[Any, Any] | None = None,
) -> State:
    """Take the workflow step ``action`` as one conditional write: the state must still be the
    one read, so a double-submitted form or a race changes nothing the second time."""
    try:
        step = transition(support_request.state, action, actor.role)
    except TransitionRefused as refused:
        raise Conflict(refused.message) from None
    if step.action in NEEDS_FUNDER_CONSENT and not await beneficiaries.has_valid_consent(
        support_request.beneficiary_id, "share_funder"
    ):
        # Checked in the step's transaction: a withdrawal just before it stops it too.
        raise Conflict(consent_withdrawn_message())
    changed = (
        await SupportRequest.update(
            {SupportRequest.state: step.target, SupportRequest.updated_at: now(), **(values or {})}
        )
        .where(
            (SupportRequest.id == support_request.id)
            & (SupportRequest.state == support_request.state)
        )
        .returning(SupportRequest.id)
    )
    if not changed:
        raise Conflict(_("The request was changed in the meantime. Reload the page."))
    return step.target


async def budget_id_of(support_request: SupportRequestRecord) -> int:
    """The budget (programme and category) the request draws on."""
    budget = (
        await Budget.select(Budget.id)
        .where(
            (Budget.programme == support_request.programme_id)
            & (Budget.category == support_request.category)
        )
        .first()
    )
    if budget is None:
        raise BudgetExhausted
    return int(budget["id"])


def decrypt(value: str | None) -> str:
    return crypto.decrypt(value) if value else ""
