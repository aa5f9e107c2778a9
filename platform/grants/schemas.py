"""Forms and API payloads of grants (msgspec). Amounts in forms are kronor as typed; the API
takes and gives integer öre."""

from __future__ import annotations

from datetime import date, datetime

import msgspec


class CostLineIn(msgspec.Struct, kw_only=True):
    description: str = ""
    quantity: int = 1
    unit: str = ""
    # öre
    unit_price: int = 0


class RequestIn(msgspec.Struct, kw_only=True):
    """A new support request (API: amounts in öre)."""

    programme_id: int
    beneficiary_id: int
    category: str
    period_start: date
    period_end: date
    justification: str = ""
    # Empty: the beneficiary's own gap explanation is used.
    gap: str = ""
    urgency: str = "normal"
    lines: list[CostLineIn] = msgspec.field(default_factory=list)


class RequestForm(msgspec.Struct, kw_only=True):
    """The new-request page: parallel lists of cost-line fields, prices in kronor."""

    programme_id: int = 0
    beneficiary_id: int = 0
    category: str = ""
    period_start: str = ""
    period_end: str = ""
    justification: str = ""
    gap: str = ""
    urgency: str = "normal"
    line_description: list[str] | str = msgspec.field(default_factory=list)
    line_quantity: list[str] | str = msgspec.field(default_factory=list)
    line_unit: list[str] | str = msgspec.field(default_factory=list)
    line_unit_price: list[str] | str = msgspec.field(default_factory=list)


class DecisionIn(msgspec.Struct, kw_only=True):
    # öre; 0 rejects
    amount: int
    reason: str


class DecisionForm(msgspec.Struct, kw_only=True):
    amount: str = ""
    reason: str = ""
    outcome: str = "approve"


class TextForm(msgspec.Struct, kw_only=True):
    text: str = ""


class PaymentForm(msgspec.Struct, kw_only=True):
    paid_on: str = ""
    amount: str = ""
    reference: str = ""


class ReportForm(msgspec.Struct, kw_only=True):
    actual_costs: str = ""
    outcome: str = ""


class AdjustForm(msgspec.Struct, kw_only=True):
    amount: str = ""
    reason: str = ""


class ProgrammeForm(msgspec.Struct, kw_only=True):
    name: str = ""
    starts_on: str = ""
    ends_on: str = ""
    four_eyes_threshold: str = "0"
    legal_aid: str = "0"
    shelter: str = "0"
    rehabilitation: str = "0"
    return_: str = msgspec.field(default="0", name="return")
    other: str = "0"


class CostLineOut(msgspec.Struct):
    description: str
    quantity: int
    unit: str
    unit_price: int
    total: int


class RequestOut(msgspec.Struct):
    id: int
    programme_id: int
    organisation_id: int
    beneficiary_code: str
    category: str
    state: str
    urgency: str
    period_start: date
    period_end: date
    total: int
    approved_amount: int
    paid_amount: int
    submitted_at: datetime | None
    decide_by: datetime | None
    lines: list[CostLineOut]


class BudgetOut(msgspec.Struct):
    category: str
    allocated: int
    committed: int
    paid: int
    remaining: int


class ProgrammeOut(msgspec.Struct):
    id: int
    name: str
    starts_on: date
    ends_on: date
    status: str
    four_eyes_threshold: int
    budgets: list[BudgetOut]


def as_list(value: list[str] | str) -> list[str]:
    """A form field sent once arrives as a string, several times as a list."""
    return [value] if isinstance(value, str) else list(value)
