"""Reverse matching: when a bed frees up, the open cases it fits, and a word to their caseworkers.

Shelters record every change of a category's numbers (AvailabilityChange); this reads that history
from where it last stopped (a cursor), so no freed bed is missed and none is handled twice. A case
is told at most once per bed event (UNIQUE (event, beneficiary)) and not again about the same
category within the hold window; the alerts of one event are written under the cursor's lock, so
runs at the same time never tell more than the cap of one bed, nor anyone twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from accounts.domain import Actor
from beneficiaries import services as beneficiaries
from beneficiaries.services import CaseFacts
from fristad.database import write_transaction
from fristad.settings import Settings
from matching.domain import Context, Decline, hard_refusal
from matching.notify import tell_of_free_bed
from matching.services import cursor
from matching.services.facts import now, offer_of, person_of
from matching.tables import BedAlert
from shelters import services as shelters

CURSOR = "reverse"
BATCH = 200
# One freed bed is news for the most urgent few, not for every case it fits: a thousand
# caseworkers told of one bed would race for it (and stop reading the alerts).
ALERTS_PER_BED = 10


def waiting_order(case: CaseFacts) -> tuple[int, int, float]:
    """Minors first, then people in acute danger (a protected identity), then who waited longest."""
    return (
        0 if case.is_minor or not case.age_known else 1,
        0 if case.protected_identity != "none" else 1,
        case.waiting_since.timestamp(),
    )


@dataclass(frozen=True)
class Waiting:
    """The open cases waiting for a shelter, with their recent refusals: read once per run."""

    cases: tuple[tuple[CaseFacts, Context], ...]

    @classmethod
    async def now(cls, settings: Settings) -> Waiting:
        moment = now()
        since = moment - timedelta(days=settings.match_decline_days)
        declines: dict[int, list[Decline]] = {}
        for decline in await shelters.declines_since(since):
            declines.setdefault(decline.beneficiary_id, []).append(
                Decline(shelter_id=decline.shelter_id, reason=decline.reason, at=decline.at)
            )
        cases = await beneficiaries.cases_waiting_for_shelter()
        return cls(
            tuple(
                (
                    case,
                    Context(
                        now=moment,
                        stale_hours=settings.stale_hours,
                        declines=tuple(declines.get(case.id, ())),
                        decline_days=settings.match_decline_days,
                    ),
                )
                for case in sorted(cases, key=waiting_order)
            )
        )


async def fitting_cases(
    category_id: int, settings: Settings, waiting: Waiting | None = None
) -> list[CaseFacts]:
    """The open cases waiting for a shelter that this category fits now, most urgent first."""
    offers = await shelters.offers(category_id=category_id)
    if not offers or offers[0].free <= 0:
        return []
    offer = offer_of(offers[0])
    waiting = waiting or await Waiting.now(settings)
    return [
        case
        for case, context in waiting.cases
        if hard_refusal(person_of(case), offer, context) is None
    ]


async def alert_for_event(
    event_id: int, category_id: int, settings: Settings, waiting: Waiting | None = None
) -> int:
    """Tell the caseworkers of the cases a freed bed fits; returns how many were told by this
    call."""
    fitting = await fitting_cases(category_id, settings, waiting)
    if not fitting:
        return 0
    await cursor.position(CURSOR, shelters.latest_availability_change)  # the row to lock
    window = now() - timedelta(hours=settings.hold_hours)
    told = 0
    async with write_transaction():
        # Under the reader's lock: another run may be telling of the same bed right now, and
        # the cases it told count against this bed's cap.
        await cursor.lock(CURSOR)
        left = ALERTS_PER_BED - await BedAlert.count().where(BedAlert.event == event_id)
        for case in fitting:
            if left <= 0:
                break
            if case.caseworker_id is None:
                continue
            if await BedAlert.exists().where(
                (BedAlert.beneficiary == case.id)
                & (
                    (BedAlert.event == event_id)
                    | ((BedAlert.category == category_id) & (BedAlert.created_at > window))
                )
            ):
                continue
            await BedAlert.insert(
                BedAlert(
                    event=event_id,
                    category=category_id,
                    beneficiary=case.id,
                    user=case.caseworker_id,
                    created_at=now(),
                )
            )
            await tell_of_free_bed(case.caseworker_id, key=f"bed-alert:{event_id}:{case.id}")
            left -= 1
            told += 1
    return told


async def match_freed_beds(settings: Settings) -> int:
    """The job: every bed freed since the last run, matched against the open cases."""
    told = 0
    position = await cursor.position(CURSOR, shelters.latest_availability_change)
    waiting: Waiting | None = None
    while events := await shelters.freed_beds(after=position, limit=BATCH):
        waiting = waiting or await Waiting.now(settings)
        for event in events:
            told += await alert_for_event(event.event_id, event.category_id, settings, waiting)
            position = event.event_id
        await cursor.advance(CURSOR, position)
        if len(events) < BATCH:
            break
    return told


@dataclass(frozen=True)
class Alert:
    """A freed bed a case was told of (shown on the person's help-now panel)."""

    created_at: datetime
    category_id: int
    shelter_name: str


async def alerts_of_case(actor: Actor, beneficiary_id: int, *, days: int = 7) -> list[Alert]:
    """The freed beds this person's caseworkers were told of in the last ``days`` days."""
    await beneficiaries.matching_facts(actor, beneficiary_id)
    rows = (
        await BedAlert.select(BedAlert.created_at, BedAlert.category)
        .where(
            (BedAlert.beneficiary == beneficiary_id)
            & (BedAlert.created_at > now() - timedelta(days=days))
        )
        .order_by(BedAlert.id, ascending=False)
        .limit(5)
    )
    names = {
        offer.category_id: offer.shelter_name
        for row in rows
        for offer in await shelters.offers(category_id=row["category"])
    }
    return [
        Alert(row["created_at"], row["category"], names.get(row["category"], "")) for row in rows
    ]
