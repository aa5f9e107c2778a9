"""Shelter rules without I/O: vocabularies, the hold state machine, counts and freshness."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal, Protocol

from fristad.i18n import N_

TARGET_GROUPS: Final = {
    "women": N_("Women"),
    "men": N_("Men"),
    "families": N_("Families with children"),
    "minors": N_("Unaccompanied minors"),
    "lgbtq": N_("LGBTQ+"),
}
SECURITY_LEVELS: Final = {
    "standard": N_("Standard"),
    "high": N_("High security"),
    "protected": N_("Protected (secret location, staffed around the clock)"),
}
DECLINE_REASONS: Final = {
    "no_bed": N_("No bed after all"),
    "not_suitable": N_("The place does not suit the person's needs"),
    "security": N_("Security reasons"),
    "other": N_("Other reason"),
}
# No bed is held for, nor a person taken into, a case closed or returned home.
CASE_ENDED: Final = frozenset({"closed", "returned"})
DISCHARGE_REASONS: Final = {
    "moved_on": N_("Moved on to other housing"),
    "authority_took_over": N_("An authority took over"),
    "returned_home": N_("Returned home"),
    "left": N_("Left on their own"),
    "rule_breach": N_("Broke the house rules"),
    "other": N_("Other reason"),
}
HOLD_STATUSES: Final = {
    "pending": N_("Waiting for the shelter"),
    "accepted": N_("Accepted: placed"),
    "declined": N_("Declined"),
    "released": N_("Released"),
    "expired": N_("Expired"),
}
# In-app notices: kind -> text (with the shelter's name).
NOTICES: Final = {
    "hold_created": N_("A bed at %(shelter)s has been held. Please accept or decline the hold."),
    "hold_accepted": N_("%(shelter)s has accepted your hold."),
    "hold_declined": N_("%(shelter)s has declined your hold."),
    "hold_expired": N_("A hold at %(shelter)s has expired; the bed is free again."),
    "stale": N_("Please confirm the free beds at %(shelter)s."),
    "case_ended": N_("A case with a bed at %(shelter)s has ended; the bed is free again."),
}
# The hold state machine, as data: from -> allowed targets. Only a pending hold holds a bed.
HOLD_TRANSITIONS: Final = {
    "pending": {"accepted", "declined", "released", "expired"},
    "accepted": set(),
    "declined": set(),
    "released": set(),
    "expired": set(),
}
# A single shelter's category never has more beds than this (keeps typos out of the board).
MAX_CAPACITY: Final = 500
# … nor lets one placement bring more accompanying children than this.
MAX_CHILDREN: Final = 20
# Öre a night (50 000 kr): a year's stay at this price still fits matching's INTEGER columns.
MAX_PRICE_PER_NIGHT: Final = 50_000 * 100
# The counts a bed moves between when it is held, released, taken in and left.
BedCount = Literal["free", "held", "occupied"]


@dataclass(frozen=True)
class Counts:
    """A category's numbers. ``free`` is what is left of the capacity."""

    capacity: int
    out_of_service: int
    occupied: int
    held: int
    external: int

    @property
    def free(self) -> int:
        return self.capacity - self.out_of_service - self.occupied - self.held - self.external

    def is_valid(self) -> bool:
        parts = (self.capacity, self.out_of_service, self.occupied, self.held, self.external)
        return all(part >= 0 for part in parts) and 0 <= self.free <= self.capacity


def external_for(counts: Counts, *, free: int, out_of_service: int) -> int | None:
    """The outside-programme occupancy that makes ``free`` beds free with ``out_of_service`` beds
    out of service, or None when Fristad's own holds and placements leave no room for it."""
    external = counts.capacity - out_of_service - counts.occupied - counts.held - free
    candidate = Counts(counts.capacity, out_of_service, counts.occupied, counts.held, external)
    return external if candidate.is_valid() else None


def is_stale(confirmed_at: datetime | None, now: datetime, stale_hours: int) -> bool:
    """Availability not confirmed within ``stale_hours`` cannot be trusted."""
    return confirmed_at is None or now - confirmed_at > timedelta(hours=stale_hours)


def can_move(from_status: str, to_status: str) -> bool:
    """Whether the hold state machine lets a hold in ``from_status`` move to ``to_status``."""
    return to_status in HOLD_TRANSITIONS.get(from_status, set())


def statuses_moving_to(to_status: str) -> list[str]:
    """The statuses from which a hold may move to ``to_status`` (the condition of its write)."""
    return [status for status in HOLD_TRANSITIONS if can_move(status, to_status)]


def codes_in(codes: list[str], vocabulary: dict[str, str]) -> bool:
    return all(code in vocabulary for code in codes)


@dataclass(frozen=True)
class OfferFacts:
    """A bed category with its shelter's facts, for matching (never the address).

    Empty lists and None mean "not stated". The category's target groups are used when it has
    any, else the shelter's; a category or its shelter may be wheelchair accessible.
    """

    category_id: int
    shelter_id: int
    operator_id: int
    shelter_name: str
    category_name: str
    region: str
    municipality: str
    target_groups: list[str]
    children_allowed: bool
    max_children: int | None
    accessible: bool
    security_level: str
    languages: list[str]
    experience: list[str]
    price_per_night: int
    free: int
    confirmed_at: datetime | None


@dataclass(frozen=True)
class DeclineFacts:
    """A shelter's refusal of a hold for a person."""

    beneficiary_id: int
    shelter_id: int
    reason: str
    at: datetime


@dataclass(frozen=True)
class FreedBed:
    """A change of a category's numbers after which a bed may be free (reverse matching)."""

    event_id: int
    category_id: int
    at: datetime


@dataclass(frozen=True)
class HoldOutcome:
    """What became of a hold: its status and the placement it led to, if any."""

    hold_id: int
    hold_status: str
    shelter_name: str
    placement_id: int | None
    admitted_at: datetime | None
    discharged_at: datetime | None


class HoldGuard(Protocol):
    """What the composition root hands shelters so that no hold breaks matching's rules
    (shelters may not import matching; see matching.services.holds)."""

    async def refusal(self, category_id: int, beneficiary_id: int) -> str | None:
        """The sentence of the hard rule that keeps the person out of the category, or None."""

    async def no_bed(self, category_id: int, beneficiary_id: int) -> None:
        """A hold found no free bed (unmet demand)."""


# Changes after which a bed may have become free: a new category, a discharge, a hold that
# ended without a placement, more free beds or fewer out of service, a set of the numbers.
FREEING_KINDS: Final = frozenset(
    {"created", "discharge", "release", "decline", "expire", "set", "free+", "out_of_service-"}
)
