"""Matching rules without I/O: is a bed category an offer for this person, and how good a one?

``evaluate(person, offer, context)`` answers with a ``Match``: either *excluded* by the first hard
rule that fails (its code and a translated sentence naming the fact that decided it), or
*eligible* with a score broken into points. A fact the shelter has not stated is *unknown*: never
an exclusion, shown as such and scored lower. The same ``hard_refusal`` guards the hold, so
nothing can be held that matching would exclude.

Points (soft score, highest first; documented here and shown to the caseworker):

=====================  ======  ==================================================================
criterion              points  when
=====================  ======  ==================================================================
home municipality        +40   the shelter is in the person's municipality
home region              +30   … else in the person's police region
next region              +10   … else in a neighbouring police region
staff language           +20   the staff speak one of the person's languages
experience               +15   the shelter states experience with one of the exploitation types
fits the budget          +10   nights × price per night fits what the programme has left
over the budget          −20   … it does not (the officer may still decide)
unknown fact              −5   for each criterion the shelter has not stated
call first               −15   the free beds were not confirmed recently (stale)
=====================  ======  ==================================================================

Ties are broken by more free beds, then the shelter's name, then the category id, so the same
data always gives the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from beneficiaries.codes import language_name
from beneficiaries.domain import EXPLOITATION_TYPES
from beneficiaries.domain import label as vocabulary_label
from fristad import i18n
from fristad.i18n import date_, gettext
from fristad.regions import POLICE_REGIONS
from matching.explanations import (
    GENDER_PHRASES,
    RULES,
    SCORE_TEXTS,
    UNKNOWNS,
)
from shelters.domain import DECLINE_REASONS, SECURITY_LEVELS, TARGET_GROUPS, is_stale

# Police regions that share a border (facts of the 2015 police organisation's counties).
NEIGHBOURING_REGIONS: Final = {
    "nord": {"mitt", "bergslagen"},
    "mitt": {"nord", "bergslagen", "stockholm"},
    "stockholm": {"mitt", "ost"},
    "ost": {"stockholm", "bergslagen", "vast", "syd"},
    "vast": {"bergslagen", "ost", "syd"},
    "syd": {"vast", "ost"},
    "bergslagen": {"nord", "mitt", "ost", "vast"},
}
SECURITY_RANK: Final = {"standard": 0, "high": 1, "protected": 2}
# The least security a person's protected identity calls for.
SECURITY_FOR_PROTECTION: Final = {
    "none": "standard",
    "confidentiality_marking": "high",
    "protected_registration": "protected",
    "fictitious_identity": "protected",
}
# Refusals of a hold that keep the shelter out of this person's matches for a while.
DECLINES_THAT_EXCLUDE: Final = frozenset({"not_suitable", "security"})
DEFAULT_DECLINE_DAYS: Final = 30

POINTS: Final = {
    "home_municipality": 40,
    "home_region": 30,
    "next_region": 10,
    "staff_language": 20,
    "experience": 15,
    "fits_budget": 10,
    "over_budget": -20,
    "unknown": -5,
    "call_first": -15,
}

_GENDER_GROUP: Final = {"woman": "women", "man": "men"}


@dataclass(frozen=True)
class Person:
    """What matching knows of a person: coded facts of the case, never identity or free text."""

    gender: str = "unknown"  # woman | man | non_binary | unknown
    is_minor: bool = False
    age_known: bool = True
    children_count: int = 0
    languages: frozenset[str] = frozenset()
    requirements: frozenset[str] = frozenset()  # beneficiaries' SHELTER_REQUIREMENTS codes
    protected_identity: str = "none"  # beneficiaries' PROTECTED_IDENTITY codes
    avoid_regions: frozenset[str] = frozenset()
    region: str = ""
    municipality: str | None = None
    interpreter_arranged: bool = False
    exploitation_types: frozenset[str] = frozenset()
    consents_to_shelter: bool = False


@dataclass(frozen=True)
class BedOffer:
    """One bed category of one shelter, with the shelter's facts (never its address).

    Empty sets and None mean "not stated" (unknown), not "no".
    """

    category_id: int
    shelter_id: int
    shelter_name: str
    category_name: str
    region: str
    municipality: str
    target_groups: frozenset[str] = frozenset()
    children_allowed: bool = False
    max_children: int | None = None
    accessible: bool = False
    security_level: str = "standard"
    languages: frozenset[str] = frozenset()
    experience: frozenset[str] = frozenset()
    price_per_night: int = 0  # öre; 0 = not stated
    free: int = 0
    confirmed_at: datetime | None = None


@dataclass(frozen=True)
class Decline:
    """A shelter's refusal of a hold for this person."""

    shelter_id: int
    reason: str
    at: datetime


@dataclass(frozen=True)
class Context:
    """What a match depends on besides the person and the offer."""

    now: datetime
    stale_hours: int = 24
    declines: tuple[Decline, ...] = ()
    decline_days: int = DEFAULT_DECLINE_DAYS
    nights: int = 30
    budget_left: int | None = None  # öre left in the programme's shelter category; None: none


@dataclass(frozen=True)
class Reason:
    """A rule or a point, with the translated sentence built from the facts that decided it."""

    code: str
    text: str
    points: int = 0


@dataclass(frozen=True)
class Match:
    offer: BedOffer
    excluded_by: Reason | None = None
    points: tuple[Reason, ...] = ()
    unknowns: tuple[Reason, ...] = ()
    call_first: bool = False
    expected_cost: int | None = None  # öre, nights × price per night when the price is stated
    fits_budget: bool | None = None

    @property
    def eligible(self) -> bool:
        return self.excluded_by is None

    @property
    def score(self) -> int:
        return sum(reason.points for reason in (*self.points, *self.unknowns))


def _say(template: str, **facts: object) -> str:
    text = gettext(template)
    return text % facts if facts else text


def _groups(groups: Iterable[str]) -> str:
    return ", ".join(vocabulary_label(TARGET_GROUPS, group).lower() for group in sorted(groups))


def _languages(codes: Iterable[str], *, alternatives: bool = False) -> str:
    """Language names as a list in the active language ("a, b and c", or "a, b or c")."""
    return i18n.list_of([language_name(code) for code in sorted(codes)], alternatives=alternatives)


def _refusal(code: str, **facts: object) -> Reason:
    return Reason(code, _say(RULES[code], **facts))


def _age_and_group(person: Person, offer: BedOffer) -> Reason | None:
    """Minors only where unaccompanied minors are taken, adults never there; then the target
    group: the person's gender, children, and a need for a women-only or men-only place."""
    groups = offer.target_groups
    if not groups:
        return None  # not stated: unknown, not a refusal
    takes_minors = "minors" in groups
    if person.is_minor:
        return None if takes_minors else _refusal("minor_needs_minors_place")
    if takes_minors:
        # An adult never in a minors' place; someone who may be a child is not refused one.
        return _refusal("adult_in_minors_place") if person.age_known else None
    for need, wanted, other in (("women_only", "women", "men"), ("men_only", "men", "women")):
        # A place that does not take the person's group at all is the target-group rule's.
        if need in person.requirements and other in groups and wanted in groups:
            return _refusal(need, groups=_groups(groups - {wanted}))
    fitting = _groups_for(person)
    if fitting is not None and not groups & fitting:
        return _refusal("target_group", groups=_groups(groups), gender=_gender(person))
    return None


def _groups_for(person: Person) -> set[str] | None:
    """The target groups that take this adult; None when the gender is not known."""
    if person.gender == "unknown":
        return None
    lgbtq = person.gender == "non_binary" or "lgbtq_safe" in person.requirements
    fitting = {"lgbtq"} if lgbtq else set()
    if person.gender in _GENDER_GROUP:
        fitting.add(_GENDER_GROUP[person.gender])
    if person.children_count:
        fitting.add("families")
    return fitting


def _gender(person: Person) -> str:
    return gettext(GENDER_PHRASES.get(person.gender, GENDER_PHRASES["unknown"]))


def _children(person: Person, offer: BedOffer) -> Reason | None:
    if not person.children_count:
        return None
    if not offer.children_allowed:
        return _refusal("children_not_allowed", count=person.children_count)
    if offer.max_children is not None and person.children_count > offer.max_children:
        return _refusal("too_many_children", count=person.children_count, max=offer.max_children)
    return None


def needed_security(person: Person) -> str:
    """The least security level the person's protection calls for."""
    needed = SECURITY_FOR_PROTECTION.get(person.protected_identity, "standard")
    if "high_security" in person.requirements and SECURITY_RANK[needed] < SECURITY_RANK["high"]:
        needed = "high"
    return needed


def _security(person: Person, offer: BedOffer) -> Reason | None:
    needed = needed_security(person)
    if SECURITY_RANK.get(offer.security_level, 0) >= SECURITY_RANK[needed]:
        return None
    return _refusal(
        "security_level",
        needed=vocabulary_label(SECURITY_LEVELS, needed).lower(),
        level=vocabulary_label(SECURITY_LEVELS, offer.security_level).lower(),
    )


def _language(person: Person, offer: BedOffer) -> Reason | None:
    if not person.languages or not offer.languages or person.interpreter_arranged:
        return None
    if person.languages & offer.languages:
        return None
    return _refusal("language", languages=_languages(person.languages, alternatives=True))


def _declined(offer: BedOffer, context: Context) -> Reason | None:
    since = context.now - timedelta(days=context.decline_days)
    for decline in context.declines:
        if (
            decline.shelter_id == offer.shelter_id
            and decline.reason in DECLINES_THAT_EXCLUDE
            and decline.at >= since
        ):
            return _refusal(
                "declined_recently",
                date=date_(decline.at),
                reason=vocabulary_label(DECLINE_REASONS, decline.reason).lower(),
                days=context.decline_days,
            )
    return None


def hard_refusal(person: Person, offer: BedOffer, context: Context) -> Reason | None:
    """The first hard rule that keeps this person out of this category, or None.

    Free beds and freshness are not asked here: the hold's own conditional write decides whether
    a bed is free, and a stale category may still be held after a call.
    """
    if not person.consents_to_shelter:
        return _refusal("no_consent")
    # In rule order, stopping at the first refusal: its sentence is the only one written.
    checks: tuple[Callable[[], Reason | None], ...] = (
        lambda: _age_and_group(person, offer),
        lambda: _children(person, offer),
        lambda: (
            _refusal("not_accessible")
            if "accessible" in person.requirements and not offer.accessible
            else None
        ),
        lambda: _security(person, offer),
        lambda: (
            _refusal("region_to_avoid", region=POLICE_REGIONS.get(offer.region, offer.region))
            if offer.region in person.avoid_regions
            else None
        ),
        lambda: _language(person, offer),
        lambda: _declined(offer, context),
    )
    for check in checks:
        if (reason := check()) is not None:
            return reason
    return None


def _unknowns(person: Person, offer: BedOffer) -> tuple[Reason, ...]:
    codes = []
    if not offer.target_groups:
        codes.append("target_group")
    elif not person.is_minor and person.gender == "unknown":
        codes.append("gender")
    if not person.age_known:
        codes.append("age")
    if person.children_count and offer.max_children is None:
        codes.append("max_children")
    if person.languages and not offer.languages:
        codes.append("staff_languages")
    if person.exploitation_types and not offer.experience:
        codes.append("experience")
    if not offer.price_per_night:
        codes.append("price")
    return tuple(Reason(code, _say(UNKNOWNS[code]), POINTS["unknown"]) for code in codes)


def _point(code: str, **facts: object) -> Reason:
    return Reason(code, _say(SCORE_TEXTS[code], **facts), POINTS[code])


def _place_points(person: Person, offer: BedOffer) -> Reason | None:
    if person.municipality and offer.municipality == person.municipality:
        return _point("home_municipality")
    if person.region and offer.region == person.region:
        return _point("home_region")
    if offer.region in NEIGHBOURING_REGIONS.get(person.region, set()):
        return _point("next_region")
    return None


def evaluate(person: Person, offer: BedOffer, context: Context) -> Match:
    """The match of one offer: excluded by the first hard rule, or eligible with its points."""
    expected = offer.price_per_night * context.nights if offer.price_per_night else None
    fits = (
        None if expected is None or context.budget_left is None else expected <= context.budget_left
    )
    refusal = hard_refusal(person, offer, context)
    if refusal is None and offer.free <= 0:
        refusal = _refusal("no_free_bed")
    if refusal is not None:
        return Match(offer, excluded_by=refusal, expected_cost=expected, fits_budget=fits)
    points = [_place_points(person, offer)]
    if shared := person.languages & offer.languages:
        points.append(_point("staff_language", languages=_languages(shared)))
    if known := person.exploitation_types & offer.experience:
        types = ", ".join(
            vocabulary_label(EXPLOITATION_TYPES, code).lower() for code in sorted(known)
        )
        points.append(_point("experience", types=types))
    if fits is not None:
        points.append(_point("fits_budget" if fits else "over_budget", nights=context.nights))
    call_first = is_stale(offer.confirmed_at, context.now, context.stale_hours)
    if call_first:
        points.append(_point("call_first"))
    return Match(
        offer,
        points=tuple(point for point in points if point is not None),
        unknowns=_unknowns(person, offer),
        call_first=call_first,
        expected_cost=expected,
        fits_budget=fits,
    )


def _order(match: Match) -> tuple[int, int, str, int]:
    return (-match.score, -match.offer.free, match.offer.shelter_name, match.offer.category_id)


@dataclass(frozen=True)
class Ranking:
    """Every offer for one person: the eligible ranked, the excluded grouped by rule."""

    eligible: tuple[Match, ...]
    excluded: tuple[tuple[str, tuple[Match, ...]], ...]  # (rule code, matches), rule order

    @property
    def none_eligible(self) -> bool:
        return not self.eligible


def rank(
    person: Person, offers: Iterable[BedOffer], context: Context, *, include_stale: bool = True
) -> Ranking:
    """Evaluate every offer; without ``include_stale`` a stale eligible offer is grouped apart
    ("call first") instead of ranked."""
    eligible: list[Match] = []
    excluded: dict[str, list[Match]] = {}
    for offer in offers:
        match = evaluate(person, offer, context)
        if match.excluded_by is not None:
            excluded.setdefault(match.excluded_by.code, []).append(match)
        elif match.call_first and not include_stale:
            excluded.setdefault("stale", []).append(
                Match(
                    offer,
                    excluded_by=_refusal("stale", date=date_(offer.confirmed_at)),
                    points=match.points,
                    unknowns=match.unknowns,
                    call_first=True,
                    expected_cost=match.expected_cost,
                    fits_budget=match.fits_budget,
                )
            )
        else:
            eligible.append(match)
    groups = tuple(
        (code, tuple(sorted(excluded[code], key=_order))) for code in RULES if code in excluded
    )
    return Ranking(eligible=tuple(sorted(eligible, key=_order)), excluded=groups)
