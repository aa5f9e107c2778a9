"""The start page of those who act for people (caseworkers, coordinators): what waits for them
today across the person's case, beds and money. Matching sees shelters and grants both, so the
one page that lists a case's holds beside its requests is here; each list comes from its app's
services, which decide reach (the organisation's requests and holds, the cases in reach — a
coordinator's include the shared cases of their region).
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.domain import Actor
from accounts.policy import require
from beneficiaries import services as beneficiaries
from grants import services as grants
from grants.domain import QUEUE, State
from shelters import services as shelters

OPEN_CASE_STATUSES = ("open", "placed")
# Requests that are still the applicant's to act on, or an officer's to decide.
_DONE = frozenset({State.REJECTED, State.WITHDRAWN, State.CLOSED})


@dataclass(frozen=True)
class CaseWork:
    """One open case in reach with what is running for it."""

    case: beneficiaries.ListRow
    holds: tuple[shelters.CaseHold, ...]
    requests: tuple[grants.SupportRequestRecord, ...]

    @property
    def needs_answer(self) -> bool:
        return any(r.state == State.INFO_REQUESTED for r in self.requests)


@dataclass(frozen=True)
class Today:
    region: str | None  # a coordinator's region
    answers_needed: tuple[grants.SupportRequestRecord, ...]
    reports_due: tuple[grants.SupportRequestRecord, ...]
    drafts: tuple[grants.SupportRequestRecord, ...]
    awaiting_decision: tuple[grants.SupportRequestRecord, ...]
    holds_waiting: tuple[shelters.CaseHold, ...]  # for the shelter's answer
    cases: tuple[CaseWork, ...]
    cases_total: int

    @property
    def nothing_waits(self) -> bool:
        return not (self.answers_needed or self.reports_due or self.holds_waiting)


async def today(actor: Actor) -> Today:
    """What waits for the actor's organisation (and, for a coordinator, their region)."""
    require(actor, "match.read")
    requests = await grants.my_requests(actor)
    holds = await shelters.holds_of_organisation(actor)
    cases, total = await beneficiaries.list_beneficiaries(
        actor, beneficiaries.Filters(status="open")
    )
    placed, placed_total = await beneficiaries.list_beneficiaries(
        actor, beneficiaries.Filters(status="placed")
    )
    running = [r for r in requests if r.state not in _DONE]
    waiting = [h for h in holds if h.status == "pending"]
    return Today(
        region=actor.region,
        answers_needed=tuple(r for r in running if r.state == State.INFO_REQUESTED),
        reports_due=tuple(r for r in running if r.awaits_report),
        drafts=tuple(r for r in running if r.state == State.DRAFT),
        awaiting_decision=tuple(r for r in running if r.state in QUEUE),
        holds_waiting=tuple(waiting),
        cases=tuple(
            CaseWork(
                case=case,
                holds=tuple(h for h in waiting if h.beneficiary_id == case.id),
                requests=tuple(r for r in running if r.beneficiary_id == case.id),
            )
            for case in [*cases, *placed]
        ),
        cases_total=total + placed_total,
    )
