"""The case plan's rules, without I/O: the actions of each situation's template (the national
manual's steps), who owns them, their states and the transitions between them, coded outcomes.

An action has an owner: an organisation in Fristad, or an authority outside it named by a code
(the prosecutor, Migrationsverket…). Outcomes are codes too: a plan carries no free text, so it
holds no personal data beyond what the case's codes already say.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from fristad.i18n import N_

# The situations a plan is seeded from (several may apply: a minor who wants to go home).
SITUATIONS: Final = {
    "adult_sexual_exploitation": N_("Adult, sexual exploitation"),
    "forced_labour": N_("Forced labour"),
    "minor": N_("Minor (child)"),
    "return": N_("Return home"),
}

# Authorities that are not in Fristad but own steps of the manual.
AUTHORITIES: Final = {
    "prosecutor": N_("The prosecutor"),
    "police": N_("The police"),
    "migration_agency": N_("Migrationsverket"),
    "social_services": N_("Social services of the municipality"),
    "chief_guardian": N_("The chief guardian (överförmyndaren)"),
    "court": N_("The district court"),
    "healthcare_region": N_("The region's healthcare"),
    "embassy": N_("The embassy"),
}

ACTIONS: Final = {
    "reflection_period": N_("Reflection period / temporary residence permit applied for"),
    "victims_counsel": N_("Victim's counsel (målsägandebiträde) requested"),
    "special_representative": N_("Special representative for the child requested"),
    "healthcare": N_("Healthcare booked"),
    "psychologist": N_("Psychologist or trauma support booked"),
    "interpreter": N_("Interpreter arranged"),
    "shelter": N_("Shelter place arranged"),
    "minors_place": N_("Place for unaccompanied minors arranged"),
    "social_services_assessment": N_("Social-services assessment requested"),
    "social_services_notified": N_("Social services of the municipality notified"),
    "guardian_appointed": N_("Guardian (god man) appointed and recorded"),
    "guardian_consent": N_("Consent given with the guardian"),
    "labour_claims": N_("Wage and labour claims raised (union or lawyer)"),
    "work_permit": N_("Work and residence situation checked with Migrationsverket"),
    "return_consent": N_("Consent to share with IOM recorded"),
    "return_referral": N_("Referred to the return programme"),
    "travel_document": N_("Travel document via the embassy"),
    "risk_assessment": N_("Risk assessment at home"),
}

STATES: Final = {
    "open": N_("Open"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "not_applicable": N_("Not applicable"),
}
# Which state may follow which: the plan's forms offer exactly these.
TRANSITIONS: Final[dict[str, tuple[str, ...]]] = {
    "open": ("in_progress", "done", "not_applicable"),
    "in_progress": ("done", "open", "not_applicable"),
    "done": ("in_progress",),
    "not_applicable": ("open",),
}
# States in which an action still waits for someone (and can be overdue).
OPEN_STATES: Final = ("open", "in_progress")

OUTCOMES: Final = {
    "applied": N_("Applied for"),
    "granted": N_("Granted"),
    "refused": N_("Refused"),
    "booked": N_("Booked"),
    "arranged": N_("Arranged"),
    "declined_by_person": N_("Declined by the person"),
    "waiting_for_authority": N_("Waiting for the authority"),
}

# Who consented on a minor's behalf, as the law requires it recorded.
CONSENT_GIVERS: Final = {
    "guardian": N_("The guardian (god man)"),
    "child_with_guardian": N_("The child together with the guardian"),
    "custodian": N_("A custodian (vårdnadshavare)"),
}


@dataclass(frozen=True)
class ActionTemplate:
    """One step of a template: the action, who owns it (None: the case's own organisation),
    and how many days after the plan starts it is due."""

    code: str
    authority: str | None
    due_in_days: int


_ADULT_STEPS: Final = (
    ActionTemplate("reflection_period", "prosecutor", 7),
    ActionTemplate("victims_counsel", "prosecutor", 7),
    ActionTemplate("healthcare", None, 3),
    ActionTemplate("psychologist", None, 14),
    ActionTemplate("interpreter", None, 2),
    ActionTemplate("shelter", None, 1),
    ActionTemplate("social_services_assessment", "social_services", 7),
)

TEMPLATES: Final[dict[str, tuple[ActionTemplate, ...]]] = {
    "adult_sexual_exploitation": _ADULT_STEPS,
    "forced_labour": (
        *_ADULT_STEPS,
        ActionTemplate("labour_claims", None, 21),
        ActionTemplate("work_permit", "migration_agency", 14),
    ),
    # With a child, social services come in at once and a guardian speaks with the child.
    "minor": (
        ActionTemplate("social_services_notified", None, 0),
        ActionTemplate("guardian_appointed", "chief_guardian", 3),
        ActionTemplate("guardian_consent", None, 3),
        ActionTemplate("minors_place", None, 0),
        ActionTemplate("special_representative", "prosecutor", 7),
        ActionTemplate("reflection_period", "prosecutor", 7),
        ActionTemplate("healthcare", None, 3),
        ActionTemplate("psychologist", None, 14),
        ActionTemplate("interpreter", None, 1),
        ActionTemplate("social_services_assessment", "social_services", 7),
    ),
    "return": (
        ActionTemplate("return_consent", None, 3),
        ActionTemplate("return_referral", None, 7),
        ActionTemplate("travel_document", "embassy", 21),
        ActionTemplate("risk_assessment", None, 21),
        ActionTemplate("healthcare", None, 14),
    ),
}


def may_move(from_state: str, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(from_state, ())


def due_on(template: ActionTemplate, start: dt.date) -> dt.date:
    return start + dt.timedelta(days=template.due_in_days)


def is_overdue(state: str, due: dt.date | None, today: dt.date) -> bool:
    """Still waiting and its day has passed (due today is not late yet)."""
    return state in OPEN_STATES and due is not None and due < today


def may_be_child(is_minor: bool, age_band: str) -> bool:
    """A minor, or of unknown age: until the age is known, the child's path applies (counting
    the younger age, as matching does, so nobody who may be a child is taken for an adult)."""
    return is_minor or age_band == "unknown"
