"""The return programme's rules without I/O: the return plan's states, its three stages and
their tasks, who owns each task, and the transition tables that move plans and tasks.

A referral *is* the plan in its first state: a caseworker or coordinator refers the person, a
return officer accepts (and brings in the partner, IOM) or declines; the plan departs once every
task before departure is done, and is completed after the last follow-up. Withdrawing the
person's consent to share with IOM stops it in any state before it is completed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from fristad.i18n import N_

# --- the plan -----------------------------------------------------------------------------

PLAN_STATES: Final = {
    "referred": N_("Referred, waiting for a return officer"),
    "accepted": N_("Accepted: preparing the return"),
    "departed": N_("Departed: support after arrival"),
    "completed": N_("Completed"),
    "declined": N_("Declined by the return programme"),
    "stopped": N_("Stopped: the person withdrew the consent to share with IOM"),
}

# action -> (from states, to state): templates show the actions the table allows.
PLAN_TRANSITIONS: Final = {
    "accept": (frozenset({"referred"}), "accepted"),
    "decline": (frozenset({"referred"}), "declined"),
    "depart": (frozenset({"accepted"}), "departed"),
    "complete": (frozenset({"departed"}), "completed"),
    # Done by the consent withdrawal, never by a button.
    "stop": (frozenset({"referred", "accepted", "departed"}), "stopped"),
}
# States in which the plan is running (tasks move).
RUNNING_STATES: Final = frozenset({"accepted", "departed"})
# The partner keeps seeing a completed plan (its own follow-ups); never a stopped one.
PARTNER_STATES: Final = RUNNING_STATES | {"completed"}
FINAL_STATES: Final = frozenset({"completed", "declined", "stopped"})


def plan_target(action: str, state: str) -> str | None:
    """The state ``action`` moves a plan in ``state`` to, or None when the table forbids it."""
    allowed = PLAN_TRANSITIONS.get(action)
    if allowed is None or state not in allowed[0]:
        return None
    return allowed[1]


# --- stages and tasks -----------------------------------------------------------------------

STAGES: Final = {
    "before": N_("Before departure"),
    "travel": N_("Travel"),
    "after": N_("After arrival"),
}
# Who owns a task: the partner (IOM), the referring organisation, or the return officers.
OWNERS: Final = ("partner", "referrer", "authority")


@dataclass(frozen=True)
class TaskKind:
    stage: str
    label: str
    owner: str
    # Days after acceptance it is due (before departure), or months after departure (after).
    due_days: int = 0
    due_months: int = 0


TASK_KINDS: Final = {
    "travel_document": TaskKind("before", N_("Travel document via the embassy"), "partner", 14),
    "medical_clearance": TaskKind("before", N_("Medical clearance"), "referrer", 14),
    "escort": TaskKind("before", N_("Escort arranged"), "referrer", 21),
    "reintegration_plan": TaskKind("before", N_("Reintegration plan agreed"), "partner", 21),
    "risk_assessment": TaskKind("before", N_("Risk assessment at home"), "partner", 21),
    "travel_date": TaskKind("travel", N_("Travel date booked"), "partner", 28),
    "travel_escort": TaskKind("travel", N_("Escort on the journey"), "referrer", 28),
    "handover": TaskKind("travel", N_("Hand-over on arrival"), "partner", 28),
    "housing": TaskKind("after", N_("Reintegration: housing"), "partner", due_months=1),
    "schooling_work": TaskKind("after", N_("Reintegration: schooling or work"), "partner", 0, 3),
    "healthcare": TaskKind("after", N_("Reintegration: healthcare"), "partner", due_months=1),
    "income": TaskKind("after", N_("Reintegration: income"), "partner", due_months=3),
    "follow_up_1": TaskKind("after", N_("Follow-up after 1 month"), "partner", due_months=1),
    "follow_up_3": TaskKind("after", N_("Follow-up after 3 months"), "partner", due_months=3),
    "follow_up_6": TaskKind("after", N_("Follow-up after 6 months"), "partner", due_months=6),
    "follow_up_12": TaskKind("after", N_("Follow-up after 12 months"), "partner", due_months=12),
}
FOLLOW_UPS: Final = ("follow_up_1", "follow_up_3", "follow_up_6", "follow_up_12")
# A follow-up's short coded outcome (no free text: it would be personal data).
FOLLOW_UP_OUTCOMES: Final = {
    "settled": N_("Settled, no further support needed"),
    "supported": N_("Receiving support as planned"),
    "needs_more": N_("Needs more support"),
    "no_contact": N_("No contact reached"),
}

TASK_STATES: Final = {
    "open": N_("Open"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "not_needed": N_("Not needed"),
}
# action -> (from states, to state)
TASK_TRANSITIONS: Final = {
    "start": (frozenset({"open"}), "in_progress"),
    "done": (frozenset({"open", "in_progress"}), "done"),
    "not_needed": (frozenset({"open", "in_progress"}), "not_needed"),
    "reopen": (frozenset({"done", "not_needed", "in_progress"}), "open"),
}
TASK_ACTIONS: Final = {
    "start": N_("Start"),
    "done": N_("Mark done"),
    "not_needed": N_("Not needed"),
    "reopen": N_("Reopen"),
}
# The stage each plan state lets tasks move in: nothing after arrival happens before departure.
OPEN_STAGES: Final = {
    "accepted": frozenset({"before", "travel"}),
    "departed": frozenset({"travel", "after"}),
}
FINISHED_TASK_STATES: Final = frozenset({"done", "not_needed"})


def task_target(action: str, state: str) -> str | None:
    """The state ``action`` moves a task in ``state`` to, or None when the table forbids it."""
    allowed = TASK_TRANSITIONS.get(action)
    if allowed is None or state not in allowed[0]:
        return None
    return allowed[1]


def task_actions(state: str) -> list[str]:
    """The actions the transition table allows from ``state`` (for the buttons)."""
    return [action for action, (sources, _target) in TASK_TRANSITIONS.items() if state in sources]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 exists in every month


def due_on_acceptance(kind: str, accepted: dt.date) -> dt.date | None:
    """When a task before departure or of the travel is due; after arrival: set at departure."""
    task = TASK_KINDS[kind]
    return accepted + dt.timedelta(days=task.due_days) if task.stage != "after" else None


def due_after_departure(kind: str, departed: dt.date) -> dt.date:
    return add_months(departed, TASK_KINDS[kind].due_months)


def blocking_departure(tasks: dict[str, str]) -> list[str]:
    """The tasks (kind -> state) before departure that are not done: departure waits for them."""
    return [
        kind
        for kind, state in tasks.items()
        if TASK_KINDS[kind].stage == "before" and state not in FINISHED_TASK_STATES
    ]


# --- printing in the person's language -------------------------------------------------------

# The languages the consent text and the plan summary are printed in (ISO 639-1).
PRINT_LANGUAGES: Final = ("sv", "en", "ro", "bg")
FALLBACK_LANGUAGE: Final = "en"


def print_language(wanted: str) -> tuple[str, bool]:
    """The language to print in and whether it is a fallback (no translation exists)."""
    wanted = wanted.strip().lower()[:3]
    if wanted in PRINT_LANGUAGES:
        return wanted, False
    return FALLBACK_LANGUAGE, True
