"""Forms and API payloads of grants (msgspec). Amounts in forms are kronor as typed; the API
takes and gives integer öre.

Forms are read with ``fristad.web.parse_form``; the two forms it cannot read alone (the cost
lines' repeated fields, a field per budget category) have a ``parse_…`` here that starts from it.
Each form turns what was typed into the services' values, with a message per field it cannot read.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Final

import msgspec

from fristad.errors import InvalidInput
from fristad.i18n import gettext as _
from fristad.schemas import (
    MAX_AMOUNT,
    MAX_QUANTITY,
    Amount,
    Code,
    DbId,
    FreeText,
    Name,
    Quantity,
    ShortName,
    whole_number,
)
from fristad.web import parse_form
from grants.domain import (
    CATEGORIES,
    DEFAULT_REFERENCE_FORMAT,
    MAX_COST_LINES,
    line_total,
    parse_kronor,
    too_large_amount,
)

if TYPE_CHECKING:
    from litestar import Request

# Empty cost-line rows the request form offers below the filled ones.
BLANK_LINES: Final = 2
_LINE_FIELDS: Final = ("line_description", "line_quantity", "line_unit", "line_unit_price")
# Any quantity typed is read; the domain then refuses one above MAX_QUANTITY, naming the bound.
_ANY_QUANTITY: Final = 10**18


def parse_date(text: str, field_name: str, errors: dict[str, str]) -> date:
    """A typed date; when it is none, the field's message goes into ``errors``."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        errors[field_name] = _("Enter a date (YYYY-MM-DD).")
        return date.min


def _kronor(text: str, field_name: str, errors: dict[str, str]) -> int:
    """Typed kronor as öre; when they are none, the field's message goes into ``errors``."""
    amount = parse_kronor(text)
    if amount is None:
        errors[field_name] = _("Enter an amount in kronor.")
        return 0
    if abs(amount) > MAX_AMOUNT:
        errors[field_name] = too_large_amount()
        return 0
    return amount


def _kronor_or_refuse(text: str, field_name: str) -> int:
    errors: dict[str, str] = {}
    amount = _kronor(text, field_name, errors)
    if errors:
        raise InvalidInput(errors)
    return amount


class CostLineIn(msgspec.Struct, kw_only=True):
    description: Name = ""
    quantity: Quantity = 1
    unit: Code = ""
    unit_price: Amount = 0


class RequestIn(msgspec.Struct, kw_only=True):
    """A new support request (API: amounts in öre)."""

    programme_id: DbId
    beneficiary_id: DbId
    category: Code
    period_start: date
    period_end: date
    justification: FreeText = ""
    # Empty: the beneficiary's own gap explanation is used.
    gap: FreeText = ""
    urgency: Code = "normal"
    lines: list[CostLineIn] = msgspec.field(default_factory=list)


class CostLineForm(msgspec.Struct, kw_only=True):
    """A cost line as typed on the request form: quantity and price (kronor) as text."""

    description: str = ""
    quantity: str = "1"
    unit: str = ""
    unit_price: str = ""

    @property
    def filled(self) -> bool:
        """Anything typed in the row (a quantity other than the default too): it is kept."""
        return bool(
            self.description.strip()
            or self.unit_price.strip()
            or self.unit.strip()
            or self.quantity.strip() not in ("", "1")
        )

    @property
    def total(self) -> int | None:
        """The line's sum in öre, when its quantity and price can be read and are within
        bounds (the live total leaves out a line that saving would refuse)."""
        price = parse_kronor(self.unit_price) if self.unit_price.strip() else None
        quantity = whole_number(self.quantity, maximum=MAX_QUANTITY)
        if quantity is None or price is None or not 0 <= price <= MAX_AMOUNT:
            return None
        total = line_total(quantity, price)
        return total if total <= MAX_AMOUNT else None


class RequestForm(msgspec.Struct, kw_only=True):
    """The new-request and edit pages as typed (read with ``parse_request_form``)."""

    programme_id: Code = ""
    beneficiary_code: Code = ""
    category: Code = ""
    period_start: Code = ""
    period_end: Code = ""
    justification: FreeText = ""
    gap: FreeText = ""
    urgency: Code = "normal"
    # "Add a line" was pressed: the form comes back with one more empty row.
    add_line: Code = ""
    lines: list[CostLineForm] = msgspec.field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.total or 0 for line in self.lines)

    def rows(self, extra: int = 0) -> list[CostLineForm]:
        """The filled lines and the empty rows below them, for showing the form."""
        blank = [CostLineForm() for _row in range(BLANK_LINES + extra)]
        return [line for line in self.lines if line.filled] + blank

    def request_in(self, beneficiary_id: int) -> tuple[RequestIn, dict[str, str]]:
        """The request for the services, and what could not be read, by field."""
        errors: dict[str, str] = {}
        cost_lines = []
        for index, line in enumerate(line for line in self.lines if line.filled):
            price = parse_kronor(line.unit_price or "0")
            quantity = whole_number(line.quantity, maximum=_ANY_QUANTITY)
            if price is None or quantity is None:
                errors[f"line_{index}"] = _(
                    "Enter the quantity as a whole number and the price in kronor."
                )
                continue
            cost_lines.append(
                CostLineIn(
                    description=line.description,
                    quantity=quantity,
                    unit=line.unit,
                    unit_price=price,
                )
            )
        start = parse_date(self.period_start, "period_start", errors)
        end = parse_date(self.period_end, "period_end", errors)
        data = RequestIn(
            programme_id=whole_number(self.programme_id) or 0,
            beneficiary_id=beneficiary_id,
            category=self.category,
            period_start=start,
            period_end=end,
            justification=self.justification,
            gap=self.gap,
            urgency=self.urgency,
            lines=cost_lines,
        )
        return data, errors


async def parse_request_form(request: Request[Any, Any, Any]) -> RequestForm:
    """``parse_form``, plus the cost lines: each of their four fields is sent once per row, an
    empty one too, and a description keeps its spaces, so row n is the n-th value of each
    field (``parse_form`` would split repeated values at spaces)."""
    form = await parse_form(request, RequestForm)
    sent = await request.form()
    columns = [
        [str(value) for value in sent.getall(name)] if name in sent else [] for name in _LINE_FIELDS
    ]
    count = min(max(len(column) for column in columns), MAX_COST_LINES + BLANK_LINES)
    lines = []
    for index in range(count):
        description, quantity, unit, price = (
            column[index] if index < len(column) else "" for column in columns
        )
        lines.append(
            CostLineForm(
                description=description, quantity=quantity or "1", unit=unit, unit_price=price
            )
        )
    return msgspec.structs.replace(form, lines=lines)


class DecisionIn(msgspec.Struct, kw_only=True):
    # 0 rejects
    amount: Amount
    reason: FreeText


class DecisionForm(msgspec.Struct, kw_only=True):
    amount: Code = ""
    reason: FreeText = ""
    outcome: Code = "approve"

    def amount_in_ore(self) -> int:
        """What is granted: nothing for a rejection."""
        return 0 if self.outcome == "reject" else _kronor_or_refuse(self.amount, "amount")


class TextForm(msgspec.Struct, kw_only=True):
    text: FreeText = ""


class ReversalForm(msgspec.Struct, kw_only=True):
    """Why a payment is reversed (form and API)."""

    reason: str = ""


class PaymentIn(msgspec.Struct, kw_only=True):
    """A payment through the API: its date, amount in öre and reference."""

    paid_on: date
    amount: int
    reference: str


class PaymentOut(msgspec.Struct, kw_only=True):
    id: int
    paid_on: date
    amount: int
    reference: str
    reversal_reason: str | None


class PaymentForm(msgspec.Struct, kw_only=True):
    paid_on: Code = ""
    amount: Code = ""
    reference: ShortName = ""

    def checked(self) -> tuple[date, int]:
        """The payment's date and amount (öre)."""
        errors: dict[str, str] = {}
        paid_on = parse_date(self.paid_on, "paid_on", errors)
        amount = _kronor(self.amount, "amount", errors)
        if errors:
            raise InvalidInput(errors)
        return paid_on, amount


class ReportForm(msgspec.Struct, kw_only=True):
    actual_costs: Code = ""
    outcome: FreeText = ""

    def actual_costs_in_ore(self) -> int:
        return _kronor_or_refuse(self.actual_costs, "actual_costs")


class ReportIn(msgspec.Struct, kw_only=True):
    """A follow-up report through the API: actual costs in öre and the outcome."""

    actual_costs: Amount
    outcome: FreeText


class ReportOut(msgspec.Struct, kw_only=True):
    support_request_id: int
    actual_costs: int | None
    outcome: str
    reported_at: datetime | None
    reviewed_at: datetime | None


class AdjustForm(msgspec.Struct, kw_only=True):
    amount: Code = ""
    reason: FreeText = ""

    def amount_in_ore(self) -> int:
        return _kronor_or_refuse(self.amount, "amount")


class ProgrammeForm(msgspec.Struct, kw_only=True):
    """A new programme as typed (read with ``parse_programme_form``); amounts in kronor."""

    name: Name = ""
    starts_on: Code = ""
    ends_on: Code = ""
    four_eyes_threshold: Code = "0"
    reference_format: Name = DEFAULT_REFERENCE_FORMAT
    appeal_info: FreeText = ""
    # By category code
    budgets: dict[str, str] = msgspec.field(default_factory=dict)

    def checked(self) -> tuple[date, date, int, dict[str, int]]:
        """Start, end, the four-eyes threshold and the budgets in öre."""
        errors: dict[str, str] = {}
        starts_on = parse_date(self.starts_on, "starts_on", errors)
        ends_on = parse_date(self.ends_on, "ends_on", errors)
        threshold = _kronor(self.four_eyes_threshold, "four_eyes_threshold", errors)
        budgets = {
            category: _kronor(self.budgets.get(category) or "0", category, errors)
            for category in CATEGORIES
        }
        if errors:
            raise InvalidInput(errors)
        return starts_on, ends_on, threshold, budgets


async def parse_programme_form(request: Request[Any, Any, Any]) -> ProgrammeForm:
    """``parse_form``, plus a field per budget category, named by its code (``return`` is no
    name a Struct field can have)."""
    form = await parse_form(request, ProgrammeForm)
    sent = await request.form()
    budgets = {category: str(sent.get(category) or "0") for category in CATEGORIES}
    return msgspec.structs.replace(form, budgets=budgets)


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
    # The officer who took it
    assigned_to: int | None = None
    # For an officer: the person withdrew consent to share with the funder (or it expired), so
    # the cost lines' descriptions are empty and review steps answer 409 until consent is given.
    consent_withdrawn: bool = False


class NoticeOut(msgspec.Struct):
    id: int
    # acute, confirmation
    kind: str
    support_request_id: int
    created_at: datetime


class AdjustIn(msgspec.Struct, kw_only=True):
    """A change of a category's allocation through the API: signed öre and a reason."""

    amount: Annotated[int, msgspec.Meta(ge=-MAX_AMOUNT, le=MAX_AMOUNT)]
    reason: FreeText


class BudgetOut(msgspec.Struct, kw_only=True):
    id: int
    category: str
    allocated: int
    committed: int
    paid: int
    remaining: int
    # A change above the four-eyes threshold waiting for a second officer
    pending_amount: int | None = None
    pending_by: int | None = None
    pending_reason: str = ""


class LedgerLineOut(msgspec.Struct):
    id: int
    category: str
    kind: str
    amount: int
    reason: str
    request_id: int | None
    created_by_name: str
    confirmed_by_name: str
    created_at: datetime


class AllocationIn(msgspec.Struct, kw_only=True):
    category: Code
    amount: Amount


class ProgrammeIn(msgspec.Struct, kw_only=True):
    """A new programme through the API: its period, the four-eyes threshold and the budget of
    each category (öre; a category left out gets none)."""

    name: Name
    starts_on: date
    ends_on: date
    four_eyes_threshold: Amount = 0
    budgets: list[AllocationIn] = msgspec.field(default_factory=list)
    reference_format: Name = DEFAULT_REFERENCE_FORMAT
    appeal_info: FreeText = ""


class ProgrammeOut(msgspec.Struct):
    id: int
    name: str
    starts_on: date
    ends_on: date
    status: str
    four_eyes_threshold: int
    budgets: list[BudgetOut]


class AttachmentOut(msgspec.Struct):
    id: int
    filename: str
    content_type: str
    size: int
