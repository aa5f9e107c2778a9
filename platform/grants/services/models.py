"""The typed read models grants' services return: programmes with their budgets, support
requests with their cost lines, decisions, payments, attachments.

Frozen, so a page or the API cannot change what it was given; the API builds its Out structs
from them by attribute (the names agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from grants.domain import AWAITING_REPORT, State
from grants.tables import Budget, CostLine, Decision, SupportRequest


@dataclass(frozen=True)
class BudgetLine:
    """One category of a programme: allocated, committed and paid öre."""

    id: int
    category: str
    allocated: int
    committed: int
    paid: int
    # A change above the four-eyes threshold waiting for a second officer (öre, signed).
    pending_amount: int | None = None
    pending_reason: str = ""
    pending_by: int | None = None
    pending_by_name: str = ""

    @property
    def remaining(self) -> int:
        return self.allocated - self.committed

    @classmethod
    def of(cls, row: dict[str, Any]) -> BudgetLine:
        """From a row of ``budget_query``."""
        return cls(
            row["id"],
            row["category"],
            row["allocated"],
            row["committed"],
            row["paid"],
            row["pending_amount"],
            row["pending_reason"] or "",
            row["pending_by"],
            row["pending_by.name"] or "",
        )


def budget_query() -> Any:
    return Budget.select(*Budget.all_columns(), Budget.pending_by.name)


@dataclass(frozen=True)
class LedgerLine:
    """One entry of a programme's ledger, with who made it and who confirmed it."""

    id: int
    category: str
    kind: str
    amount: int
    reason: str
    request_id: int | None
    created_by_name: str
    confirmed_by_name: str
    created_at: datetime


@dataclass(frozen=True)
class ProgrammeRecord:
    id: int
    name: str
    starts_on: date
    ends_on: date
    status: str
    four_eyes_threshold: int
    budgets: tuple[BudgetLine, ...]

    def budget_for(self, category: str) -> BudgetLine | None:
        return next((line for line in self.budgets if line.category == category), None)


@dataclass(frozen=True)
class CostLineRecord:
    description: str
    quantity: int
    unit: str
    unit_price: int
    total: int


@dataclass(frozen=True)
class SupportRequestRecord:
    """A support request without its free texts (those are encrypted; see RequestView)."""

    id: int
    programme_id: int
    organisation_id: int
    organisation_name: str
    beneficiary_id: int
    beneficiary_code: str
    created_by: int
    category: str
    urgency: str
    state: State
    period_start: date
    period_end: date
    total: int
    approved_amount: int
    paid_amount: int
    submitted_at: datetime | None
    decide_by: datetime | None
    decided_at: datetime | None
    report_due_on: date | None
    reported_at: datetime | None
    actual_costs: int | None
    report_reviewed_at: datetime | None
    created_at: datetime
    lines: tuple[CostLineRecord, ...]
    # The officer who took it (the queue's "assigned to")
    assigned_to: int | None = None
    assigned_to_name: str = ""
    # Read by an officer after the person withdrew consent to share with the funder (or it
    # expired): the cost lines' descriptions are blanked and the review waits.
    consent_withdrawn: bool = False

    @property
    def awaits_report(self) -> bool:
        """The organisation owes its report (it is due by ``report_due_on``)."""
        return self.state in AWAITING_REPORT


@dataclass(frozen=True)
class DecisionRecord:
    id: int
    outcome: str
    amount: int
    reason: str
    # pending (waiting for the second officer), effective, returned
    status: str
    decided_by: int
    decided_by_name: str
    decided_at: datetime
    confirmed_by_name: str
    confirmed_at: datetime | None
    # The diarienummer (given when the decision takes effect)
    reference: str | None = None


@dataclass(frozen=True)
class PaymentRecord:
    id: int
    paid_on: date
    amount: int
    reference: str
    # Reversed (a ledger entry of its own, see services.reversals): the officer's reason.
    reversal_reason: str | None = None


@dataclass(frozen=True)
class AttachmentRecord:
    id: int
    filename: str
    content_type: str
    size: int
    uploaded_at: datetime | None = None


# --- building them from rows ---------------------------------------------------------------

# The free texts about a person, decrypted only for the request page.
ENCRYPTED_COLUMNS = (
    SupportRequest.justification_encrypted,
    SupportRequest.gap_encrypted,
    SupportRequest.question_encrypted,
    SupportRequest.answer_encrypted,
    SupportRequest.outcome_encrypted,
)


def support_request_query(*extra: Any) -> Any:
    """A select of what a SupportRequestRecord holds (and ``extra`` columns)."""
    return SupportRequest.select(
        *SupportRequest.all_columns(exclude=list(ENCRYPTED_COLUMNS)),
        SupportRequest.beneficiary.code,
        SupportRequest.organisation.name,
        SupportRequest.assigned_to.name,
        *extra,
    )


async def support_requests_of(rows: list[dict[str, Any]]) -> list[SupportRequestRecord]:
    """Records of rows from ``support_request_query``, with their cost lines (one query)."""
    if not rows:
        return []
    lines: dict[int, list[CostLineRecord]] = {row["id"]: [] for row in rows}
    for line in (
        await CostLine.select()
        .where(CostLine.request.is_in(list(lines)))
        .order_by(CostLine.request)
        .order_by(CostLine.position)
    ):
        lines[line["request"]].append(
            CostLineRecord(
                line["description"],
                line["quantity"],
                line["unit"],
                line["unit_price"],
                line["total"],
            )
        )
    return [
        SupportRequestRecord(
            id=row["id"],
            programme_id=row["programme"],
            organisation_id=row["organisation"],
            organisation_name=row["organisation.name"] or "",
            beneficiary_id=row["beneficiary"],
            beneficiary_code=row["beneficiary.code"] or "",
            created_by=row["created_by"],
            category=row["category"],
            urgency=row["urgency"],
            state=State(row["state"]),
            period_start=row["period_start"],
            period_end=row["period_end"],
            total=row["total"],
            approved_amount=row["approved_amount"],
            paid_amount=row["paid_amount"],
            submitted_at=row["submitted_at"],
            decide_by=row["decide_by"],
            decided_at=row["decided_at"],
            report_due_on=row["report_due_on"],
            reported_at=row["reported_at"],
            actual_costs=row["actual_costs"],
            report_reviewed_at=row["report_reviewed_at"],
            created_at=row["created_at"],
            lines=tuple(lines[row["id"]]),
            assigned_to=row["assigned_to"],
            assigned_to_name=row["assigned_to.name"] or "",
        )
        for row in rows
    ]


async def budgets_of(programme_id: int) -> tuple[BudgetLine, ...]:
    rows = await budget_query().where(Budget.programme == programme_id).order_by(Budget.id)
    return tuple(BudgetLine.of(row) for row in rows)


async def programme_of(row: dict[str, Any]) -> ProgrammeRecord:
    return ProgrammeRecord(
        id=row["id"],
        name=row["name"],
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        status=row["status"],
        four_eyes_threshold=row["four_eyes_threshold"],
        budgets=await budgets_of(row["id"]),
    )


def decision_query() -> Any:
    return Decision.select(
        *Decision.all_columns(), Decision.decided_by.name, Decision.confirmed_by.name
    )


def decision_of(row: dict[str, Any]) -> DecisionRecord:
    """From a row of ``decision_query``."""
    return DecisionRecord(
        id=row["id"],
        outcome=row["outcome"],
        amount=row["amount"],
        reason=row["reason"],
        status=row["status"],
        decided_by=row["decided_by"],
        decided_by_name=row["decided_by.name"] or "",
        decided_at=row["decided_at"],
        confirmed_by_name=row["confirmed_by.name"] or "",
        confirmed_at=row["confirmed_at"],
        reference=row["reference"],
    )


def attachment_of(row: dict[str, Any]) -> AttachmentRecord:
    return AttachmentRecord(
        row["id"], row["filename"], row["content_type"], row["size"], row["uploaded_at"]
    )


def payment_of(row: dict[str, Any]) -> PaymentRecord:
    return PaymentRecord(row["id"], row["paid_on"], row["amount"], row["reference"])


@dataclass(frozen=True)
class ExportedPayment:
    """A payment as the accounting system gets it (grants.export writes the file)."""

    payment_id: int
    paid_on: date
    # öre
    amount: int
    reference: str
    support_request_id: int
    organisation: str
    org_number: str
    category: str
    programme: str
    # A reversal (negative amount, dated the day it was made): the payment it reverses
    reversal_of: int | None = None
