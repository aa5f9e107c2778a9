"""Grants rules without I/O: the request workflow as a table, categories, money, file types.

Money is integer öre throughout; amounts typed by people are parsed here (``parse_kronor``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Final, Protocol, TypeVar

from num2words import num2words

from accounts.domain import Role
from fristad.i18n import N_, money, number
from fristad.i18n import gettext as _
from fristad.schemas import MAX_AMOUNT, MAX_QUANTITY

CATEGORIES: Final = {
    "legal_aid": N_("Legal aid"),
    "shelter": N_("Shelter"),
    "rehabilitation": N_("Rehabilitation"),
    "return": N_("Return support"),
    "other": N_("Other"),
}
URGENCIES: Final = {"normal": N_("Normal"), "acute": N_("Acute (decision within 24 hours)")}
ACUTE_DECISION_HOURS: Final = 24
NORMAL_DECISION_DAYS: Final = 30
MAX_COST_LINES: Final = 20
MAX_DESCRIPTION: Final = 200  # CostLine.description is VARCHAR(200)
MAX_NAME: Final = 200  # Programme.name is VARCHAR(200)


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    INFO_REQUESTED = "info_requested"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    APPROVED = "approved"
    PARTIALLY_APPROVED = "partially_approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    PAID = "paid"
    REPORTED = "reported"
    CLOSED = "closed"


@dataclass(frozen=True)
class StateFacts:
    """What a state means beyond its transitions; pages and services read it, never restate it."""

    label: str
    # The applying organisation may still change the request's content.
    editable: bool = False
    # The applying organisation may still add attachments (before the decision).
    takes_attachments: bool = False


STATES: Final = {
    State.DRAFT: StateFacts(N_("Draft"), editable=True, takes_attachments=True),
    State.SUBMITTED: StateFacts(N_("Submitted"), takes_attachments=True),
    State.IN_REVIEW: StateFacts(N_("In review")),
    # The applicant may change the lines and add files before answering (and so resubmitting).
    State.INFO_REQUESTED: StateFacts(
        N_("More information requested"), editable=True, takes_attachments=True
    ),
    State.AWAITING_CONFIRMATION: StateFacts(N_("Awaiting second officer")),
    State.APPROVED: StateFacts(N_("Approved")),
    State.PARTIALLY_APPROVED: StateFacts(N_("Partially approved")),
    State.REJECTED: StateFacts(N_("Rejected")),
    State.WITHDRAWN: StateFacts(N_("Withdrawn")),
    State.PAID: StateFacts(N_("Paid")),
    State.REPORTED: StateFacts(N_("Reported")),
    State.CLOSED: StateFacts(N_("Closed")),
}

# States in which money is committed to the request.
FUNDED: Final = frozenset({State.APPROVED, State.PARTIALLY_APPROVED, State.PAID, State.REPORTED})
# States an officer's queue shows.
QUEUE: Final = (State.SUBMITTED, State.IN_REVIEW, State.AWAITING_CONFIRMATION)

APPLICANT_ROLES: Final = frozenset({Role.CASEWORKER, Role.COORDINATOR, Role.ORG_ADMIN})
OFFICER_ROLES: Final = frozenset({Role.OFFICER})


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[State]
    target: State
    roles: frozenset[Role]


def _t(action: str, sources: set[State], target: State, roles: frozenset[Role]) -> Transition:
    return Transition(action, frozenset(sources), target, roles)


_DECIDABLE = {State.IN_REVIEW, State.AWAITING_CONFIRMATION}
# The workflow: which action moves a request from which states to which, and who may do it.
TRANSITIONS: Final = (
    _t("submit", {State.DRAFT}, State.SUBMITTED, APPLICANT_ROLES),
    _t("start_review", {State.SUBMITTED}, State.IN_REVIEW, OFFICER_ROLES),
    _t("request_info", {State.IN_REVIEW}, State.INFO_REQUESTED, OFFICER_ROLES),
    _t("answer_info", {State.INFO_REQUESTED}, State.SUBMITTED, APPLICANT_ROLES),
    _t("propose", {State.IN_REVIEW}, State.AWAITING_CONFIRMATION, OFFICER_ROLES),
    _t("send_back", {State.AWAITING_CONFIRMATION}, State.IN_REVIEW, OFFICER_ROLES),
    _t("approve", _DECIDABLE, State.APPROVED, OFFICER_ROLES),
    _t("approve_partly", _DECIDABLE, State.PARTIALLY_APPROVED, OFFICER_ROLES),
    _t("reject", {State.IN_REVIEW}, State.REJECTED, OFFICER_ROLES),
    _t(
        "withdraw",
        {
            State.DRAFT,
            State.SUBMITTED,
            State.IN_REVIEW,
            State.INFO_REQUESTED,
            State.APPROVED,
            State.PARTIALLY_APPROVED,
        },
        State.WITHDRAWN,
        APPLICANT_ROLES,
    ),
    _t("pay_in_full", {State.APPROVED, State.PARTIALLY_APPROVED}, State.PAID, OFFICER_ROLES),
    _t(
        "report",
        {State.APPROVED, State.PARTIALLY_APPROVED, State.PAID},
        State.REPORTED,
        APPLICANT_ROLES,
    ),
    _t("close", {State.REPORTED, State.REJECTED, State.WITHDRAWN}, State.CLOSED, OFFICER_ROLES),
)
_BY_ACTION: Final = {transition.action: transition for transition in TRANSITIONS}
# States in which the organisation owes its report: those the report step leaves from.
AWAITING_REPORT: Final = _BY_ACTION["report"].sources
# A case that closes ends its requests still running before payment: those it may withdraw,
# and a decision awaiting its second officer, which it cannot (the closing waits for it).
# Paid and reported requests go on to their report and close as usual.
ENDED_WITH_CASE: Final = _BY_ACTION["withdraw"].sources
OPEN_BEFORE_PAYMENT: Final = ENDED_WITH_CASE | {State.AWAITING_CONFIRMATION}
# The review reads the person's case, so its steps wait while the person does not consent to
# share with the funder (withdrawn or expired). Paying what was decided and closing go on:
# they need no personal details.
NEEDS_FUNDER_CONSENT: Final = frozenset(
    {"start_review", "request_info", "propose", "send_back", "approve", "approve_partly", "reject"}
)


class TransitionRefused(Exception):
    """The action is not possible from this state or for this role; ``message`` is translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def transition(state: str, action: str, role: Role | None) -> Transition:
    """The transition ``action`` takes from ``state`` for ``role``, or TransitionRefused."""
    found = _BY_ACTION.get(action)
    if found is None:
        raise TransitionRefused(_("Unknown action."))
    if role not in found.roles:
        raise TransitionRefused(_("Your role cannot do this to a support request."))
    if state not in found.sources:
        raise TransitionRefused(
            _("This is not possible while the request is “%(state)s”.")
            % {"state": state_label(state)}
        )
    return found


def actions_from(state: str, role: Role | None) -> set[str]:
    """Actions the role may take on a request in ``state`` (for showing buttons)."""
    return {t.action for t in TRANSITIONS if state in t.sources and role in t.roles}


def state_label(state: str) -> str:
    try:
        return _(STATES[State(state)].label)
    except ValueError:
        return state


EDITABLE: Final = frozenset(state for state, facts in STATES.items() if facts.editable)


def may_edit(state: str, role: Role | None) -> bool:
    """May the role change the request's content (the applying organisation, on a draft or
    when an officer has asked for more information)?"""
    return role in APPLICANT_ROLES and STATES[State(state)].editable


def takes_attachments(state: str) -> bool:
    return STATES[State(state)].takes_attachments


def may_attach(state: str, role: Role | None) -> bool:
    """May the role add a file (the applying organisation, before the decision)?"""
    return role in APPLICANT_ROLES and takes_attachments(state)


@dataclass(frozen=True)
class LineChange:
    """A cost line as it was when the officer asked and as it is now (None: not there)."""

    description: str
    # (quantity, unit price in öre) before and after
    before: tuple[int, int] | None
    after: tuple[int, int] | None

    @property
    def kind(self) -> str:
        """added, removed or changed."""
        if self.before is None:
            return "added"
        return "removed" if self.after is None else "changed"


def line_changes(before: Sequence[CostLineLike], after: Sequence[CostLineLike]) -> list[LineChange]:
    """What changed in the cost lines, matched by their description (in the order of the
    lines now, then the removed ones); unchanged lines are left out."""
    old = {line.description: (line.quantity, line.unit_price) for line in before}
    new = {line.description: (line.quantity, line.unit_price) for line in after}
    changes = [
        LineChange(description, old.get(description), figures)
        for description, figures in new.items()
        if old.get(description) != figures
    ]
    changes += [
        LineChange(description, figures, None)
        for description, figures in old.items()
        if description not in new
    ]
    return changes


def category_label(category: str) -> str:
    return _(CATEGORIES[category]) if category in CATEGORIES else category


def decision_outcome(amount: int, requested: int) -> State:
    """Approved in full, partly, or (nothing) rejected."""
    if amount <= 0:
        return State.REJECTED
    return State.APPROVED if amount >= requested else State.PARTIALLY_APPROVED


def needs_second_officer(amount: int, threshold: int) -> bool:
    """Four eyes: an approval above the programme's threshold waits for a second officer."""
    return amount > threshold


def decision_deadline(submitted: datetime, urgency: str) -> datetime:
    """When a request submitted at ``submitted`` must be decided: acute ones within a day."""
    if urgency == "acute":
        return submitted + timedelta(hours=ACUTE_DECISION_HOURS)
    return submitted + timedelta(days=NORMAL_DECISION_DAYS)


# --- checking what was entered -------------------------------------------------------------


def programme_errors(
    name: str, starts_on: date, ends_on: date, four_eyes_threshold: int, budgets: Mapping[str, int]
) -> dict[str, str]:
    """What is wrong with a new programme, by field ({} when nothing)."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Enter a name.")
    if starts_on > ends_on:
        errors["ends_on"] = _("The end must not be before the start.")
    if len(name) > MAX_NAME:
        errors["name"] = _("Enter a name of at most 200 characters.")
    if four_eyes_threshold < 0:
        errors["four_eyes_threshold"] = _("Enter an amount of zero or more.")
    elif four_eyes_threshold > MAX_AMOUNT:
        errors["four_eyes_threshold"] = too_large_amount()
    for category, amount in budgets.items():
        if category not in CATEGORIES:
            errors[category] = _("Unknown category.")
        elif amount < 0:
            errors[category] = _("Enter an amount of zero or more.")
        elif amount > MAX_AMOUNT:
            errors[category] = too_large_amount()
    return errors


class CostLineLike(Protocol):
    @property
    def description(self) -> str: ...
    @property
    def quantity(self) -> int: ...
    @property
    def unit_price(self) -> int: ...


LineT = TypeVar("LineT", bound=CostLineLike)


def checked_cost_lines(lines: Sequence[LineT]) -> tuple[list[LineT], dict[str, str]]:
    """The lines to keep (an empty row is dropped) and what is wrong with them, by field."""
    errors: dict[str, str] = {}
    kept = [line for line in lines if line.description.strip() or line.unit_price]
    if not kept:
        errors["lines"] = _("Add at least one cost line.")
    if len(kept) > MAX_COST_LINES:
        errors["lines"] = _("At most 20 cost lines.")
    for index, line in enumerate(kept):
        if not line.description.strip():
            errors[f"line_{index}"] = _("Describe each cost.")
        elif len(line.description) > MAX_DESCRIPTION:
            errors[f"line_{index}"] = _("Describe each cost in at most 200 characters.")
        elif not 0 < line.quantity <= MAX_QUANTITY:
            errors[f"line_{index}"] = _(
                "The quantity must be a whole number from 1 to %(max)s."
            ) % {"max": number(MAX_QUANTITY)}
        elif line.unit_price < 0:
            errors[f"line_{index}"] = _("Enter a price of zero or more.")
        elif line.unit_price > MAX_AMOUNT:
            errors[f"line_{index}"] = _("Enter a price of at most %(max)s.") % {
                "max": money(MAX_AMOUNT)
            }
        elif line_total(line.quantity, line.unit_price) > MAX_AMOUNT:
            errors[f"line_{index}"] = _("A line's total may be at most %(max)s.") % {
                "max": money(MAX_AMOUNT)
            }
    if not errors and sum(line_total(line.quantity, line.unit_price) for line in kept) > MAX_AMOUNT:
        errors["lines"] = _("The request's total may be at most %(max)s.") % {
            "max": money(MAX_AMOUNT)
        }
    return kept, errors


# A report's actual costs above this many times the approved amount are a typing error (costs
# above the approval are possible, but the grant never pays them).
PLAUSIBLE_COST_FACTOR: Final = 2
MIN_OUTCOME: Final = 20


def report_errors(actual_costs: int, approved: int, outcome: str) -> dict[str, str]:
    """What is wrong with a follow-up report, by field; each message names its bound."""
    errors: dict[str, str] = {}
    most = approved * PLAUSIBLE_COST_FACTOR
    if actual_costs < 0:
        errors["actual_costs"] = _("Enter an amount of zero or more.")
    elif actual_costs > most:
        errors["actual_costs"] = _(
            "The actual costs can be at most %(max)s, twice the approved amount. Check the figure."
        ) % {"max": money(most)}
    if len(outcome.strip()) < MIN_OUTCOME:
        errors["outcome"] = _("Describe the outcome in at least %(min)s characters.") % {
            "min": number(MIN_OUTCOME)
        }
    return errors


def too_large_amount() -> str:
    """The message for an amount above what any programme holds (it names the limit)."""
    return _("Enter an amount of at most %(max)s.") % {"max": money(MAX_AMOUNT)}


# Which running total of a budget each kind of ledger entry moves.
def period_refusals(
    start: date, end: date, programme_start: date, programme_end: date
) -> dict[str, str]:
    """The support's period lies within the programme's: its money is for that period only
    (a 2029 period for a 2027 programme is a typing error). Messages by field."""
    span = {"start": programme_start.isoformat(), "end": programme_end.isoformat()}
    errors = {}
    if not programme_start <= start <= programme_end:
        errors["period_start"] = (
            _("The period must lie within the programme's, %(start)s to %(end)s.") % span
        )
    if not programme_start <= end <= programme_end:
        errors["period_end"] = (
            _("The period must lie within the programme's, %(start)s to %(end)s.") % span
        )
    return errors


def payment_date_refusal(paid_on: date, decided_on: date | None, today: date) -> str | None:
    """Why a payment cannot carry this date, or None: a payment is recorded after it was made,
    so never in the future, and it cannot be made before the request was decided (which is
    within the programme's reach already); a date outside that window is a typing error."""
    if paid_on > today:
        return _("A payment cannot be dated in the future.")
    if decided_on is not None and paid_on < decided_on:
        return _("A payment cannot be dated before the decision (%(date)s).") % {
            "date": decided_on.isoformat()
        }
    return None


LEDGER_KINDS: Final = {
    "allocation": N_("Allocation"),
    "adjustment": N_("Adjustment"),
    "commitment": N_("Commitment"),
    "release": N_("Release"),
    "payment": N_("Payment"),
}


def ledger_kind_label(kind: str) -> str:
    return _(LEDGER_KINDS[kind]) if kind in LEDGER_KINDS else kind


LEDGER_FIELDS: Final = {
    "allocation": "allocated",
    "adjustment": "allocated",
    "commitment": "committed",
    "release": "committed",
    "payment": "paid",
}


# --- money ---------------------------------------------------------------------------------

_AMOUNT = re.compile(r"\A-?\d+(?:[.,]\d{1,2})?\Z")


def parse_kronor(text: str) -> int | None:
    """``"12 500"``, ``"12500,50"`` or ``"1 250.5"`` kronor as öre; None when not an amount."""
    compact = text.strip().replace("\xa0", "").replace(" ", "").removesuffix("kr")
    if not _AMOUNT.match(compact):
        return None
    try:
        return int(Decimal(compact.replace(",", ".")) * 100)
    except InvalidOperation:
        return None


# --- the decision's reference (diarienummer) -----------------------------------------------

DEFAULT_REFERENCE_FORMAT: Final = "{year}-{seq:05d}"
_REFERENCE_FIELD = re.compile(r"\{(?:year|seq(?::0[1-9]d)?)\}")


def reference_format_error(template: str) -> str | None:
    """Why a programme's reference format is unusable, or None: only ``{year}``, ``{seq}`` and
    ``{seq:05d}``-style fields, ``{seq}`` among them, and at most 60 characters in all."""
    rest = _REFERENCE_FIELD.sub("", template)
    if (
        "{seq" not in template
        or "{" in rest
        or "}" in rest
        or len(format_reference(template, 9999, 10**9)) > 60
    ):
        return _("Use {year} and {seq} (e.g. %(example)s), at most 60 characters.") % {
            "example": DEFAULT_REFERENCE_FORMAT
        }
    return None


def format_reference(template: str, year: int, seq: int) -> str:
    return template.format(year=year, seq=seq)


def kronor_input(ore: int) -> str:
    """Öre as a form value (``12500`` or ``12500,50``)."""
    kronor, rest = divmod(ore, 100)
    return f"{kronor}" if rest == 0 else f"{kronor},{rest:02d}"


def line_total(quantity: int, unit_price: int) -> int:
    return quantity * unit_price


def amount_in_words(ore: int, locale: str) -> str:
    """An amount written out for a decision letter: ``tolvtusen femhundra kronor``."""
    kronor, rest = divmod(ore, 100)
    if locale == "sv":
        words = f"{num2words(kronor, lang='sv')} kronor"
        return f"{words} och {num2words(rest, lang='sv')} öre" if rest else words
    words = f"{num2words(kronor, lang='en')} Swedish kronor"
    return f"{words} and {num2words(rest, lang='en')} öre" if rest else words


# --- attachments ---------------------------------------------------------------------------

MAX_ATTACHMENT_BYTES: Final = 10 * 1024 * 1024
