"""Matching rules without a database: each hard rule excludes exactly when it should and says
why; what a shelter has not stated is unknown, never a refusal; points add up as documented."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fristad import i18n
from matching.domain import (
    POINTS,
    BedOffer,
    Context,
    Decline,
    Person,
    evaluate,
    hard_refusal,
    rank,
)
from matching.service_rules import rank_services
from providers.domain import PersonFacts, exclusions
from providers.services.models import Capacity, ServiceView

NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)
CONTEXT = Context(now=NOW, stale_hours=24)
WOMAN = Person(
    gender="woman",
    languages=frozenset({"sv"}),
    region="syd",
    municipality="1280",
    consents_to_shelter=True,
)
OFFER = BedOffer(
    category_id=1,
    shelter_id=1,
    shelter_name="Linden",
    category_name="Rum",
    region="syd",
    municipality="1280",
    target_groups=frozenset({"women"}),
    security_level="standard",
    languages=frozenset({"sv"}),
    experience=frozenset({"sexual_exploitation"}),
    price_per_night=80_000,
    free=2,
    confirmed_at=NOW - timedelta(hours=1),
)

# (what changes in the person, what changes in the offer, the rule expected, or None)
CASES = [
    ({"consents_to_shelter": False}, {}, "no_consent"),
    ({"is_minor": True}, {}, "minor_needs_minors_place"),
    ({"is_minor": True}, {"target_groups": frozenset({"minors"})}, None),
    ({}, {"target_groups": frozenset({"minors"})}, "adult_in_minors_place"),
    ({}, {"target_groups": frozenset({"minors", "women"})}, "adult_in_minors_place"),
    ({"age_known": False}, {"target_groups": frozenset({"minors"})}, None),
    ({"gender": "man"}, {}, "target_group"),
    ({"gender": "man"}, {"target_groups": frozenset({"men"})}, None),
    ({}, {"target_groups": frozenset({"men"})}, "target_group"),
    ({}, {"target_groups": frozenset({"lgbtq"})}, "target_group"),
    ({"requirements": frozenset({"lgbtq_safe"})}, {"target_groups": frozenset({"lgbtq"})}, None),
    ({"gender": "non_binary"}, {"target_groups": frozenset({"lgbtq"})}, None),
    ({"gender": "unknown"}, {"target_groups": frozenset({"men"})}, None),
    ({}, {"target_groups": frozenset({"women", "men"})}, None),
    (
        {"requirements": frozenset({"women_only"})},
        {"target_groups": frozenset({"women", "men"})},
        "women_only",
    ),
    (
        {"requirements": frozenset({"women_only"})},
        {"target_groups": frozenset({"men"})},
        "target_group",
    ),
    (
        {"gender": "man", "requirements": frozenset({"men_only"})},
        {"target_groups": frozenset({"men", "women"})},
        "men_only",
    ),
    ({"children_count": 2}, {}, "children_not_allowed"),
    ({"children_count": 2}, {"children_allowed": True}, None),
    ({"children_count": 2}, {"children_allowed": True, "max_children": 1}, "too_many_children"),
    ({"children_count": 2}, {"children_allowed": True, "max_children": 2}, None),
    (
        {"children_count": 1},
        {"children_allowed": True, "target_groups": frozenset({"families"})},
        None,
    ),
    ({}, {"target_groups": frozenset({"families"})}, "target_group"),
    ({"requirements": frozenset({"accessible"})}, {}, "not_accessible"),
    ({"requirements": frozenset({"accessible"})}, {"accessible": True}, None),
    ({"protected_identity": "confidentiality_marking"}, {}, "security_level"),
    ({"protected_identity": "confidentiality_marking"}, {"security_level": "high"}, None),
    ({"protected_identity": "fictitious_identity"}, {"security_level": "high"}, "security_level"),
    ({"protected_identity": "fictitious_identity"}, {"security_level": "protected"}, None),
    ({"requirements": frozenset({"high_security"})}, {}, "security_level"),
    ({"avoid_regions": frozenset({"syd"})}, {}, "region_to_avoid"),
    ({"avoid_regions": frozenset({"vast"})}, {}, None),
    ({"languages": frozenset({"ro"})}, {}, "language"),
    ({"languages": frozenset({"ro"}), "interpreter_arranged": True}, {}, None),
    ({"languages": frozenset({"ro", "sv"})}, {}, None),
    ({"languages": frozenset({"ro"})}, {"languages": frozenset()}, None),
    ({}, {"free": 0}, "no_free_bed"),
    ({}, {"target_groups": frozenset()}, None),
]


@pytest.mark.parametrize(("person_change", "offer_change", "rule"), CASES)
def test_each_hard_rule_excludes_exactly_when_it_should(
    person_change: dict[str, object], offer_change: dict[str, object], rule: str | None
) -> None:
    match = evaluate(replace(WOMAN, **person_change), replace(OFFER, **offer_change), CONTEXT)
    assert (match.excluded_by.code if match.excluded_by else None) == rule
    if match.excluded_by:
        assert match.excluded_by.text
        assert "%(" not in match.excluded_by.text


def test_explanations_name_the_fact_that_decided() -> None:
    def why(person: Person, offer: BedOffer) -> str:
        with i18n.language("en"):
            reason = evaluate(person, offer, CONTEXT).excluded_by
        assert reason is not None
        return reason.text

    assert "2" in why(replace(WOMAN, children_count=2), OFFER)
    assert "at most 1" in why(
        replace(WOMAN, children_count=2), replace(OFFER, children_allowed=True, max_children=1)
    )
    assert "Region Syd" in why(replace(WOMAN, avoid_regions=frozenset({"syd"})), OFFER)
    assert "romanian" in why(replace(WOMAN, languages=frozenset({"ro"})), OFFER).lower()
    two = why(
        replace(WOMAN, languages=frozenset({"ro", "bg"})),
        replace(OFFER, languages=frozenset({"sv"})),
    )
    assert "Bulgarian or Romanian" in two
    assert "men" in why(WOMAN, replace(OFFER, target_groups=frozenset({"men"}))).lower()
    assert "high security" in why(
        replace(WOMAN, protected_identity="confidentiality_marking"), OFFER
    )


def test_a_recent_refusal_for_security_or_suitability_excludes_the_shelter_for_n_days() -> None:
    declined = Decline(shelter_id=OFFER.shelter_id, reason="security", at=NOW - timedelta(days=3))
    context = replace(CONTEXT, declines=(declined,), decline_days=30)
    reason = evaluate(WOMAN, OFFER, context).excluded_by
    assert reason is not None
    assert reason.code == "declined_recently"
    assert evaluate(WOMAN, OFFER, replace(context, decline_days=2)).eligible
    other_reason = replace(declined, reason="no_bed")
    assert evaluate(WOMAN, OFFER, replace(context, declines=(other_reason,))).eligible
    other_shelter = replace(declined, shelter_id=99)
    assert evaluate(WOMAN, OFFER, replace(context, declines=(other_shelter,))).eligible


def test_unknown_facts_are_not_refusals_but_score_lower() -> None:
    stated = evaluate(
        replace(WOMAN, exploitation_types=frozenset({"forced_labour"})), OFFER, CONTEXT
    )
    unstated = evaluate(
        replace(WOMAN, exploitation_types=frozenset({"forced_labour"})),
        replace(OFFER, target_groups=frozenset(), languages=frozenset(), experience=frozenset()),
        CONTEXT,
    )
    assert unstated.eligible
    assert {reason.code for reason in unstated.unknowns} == {
        "target_group",
        "staff_languages",
        "experience",
    }
    assert unstated.score < stated.score


def test_stale_availability_is_call_first_not_dropped() -> None:
    stale = replace(OFFER, confirmed_at=NOW - timedelta(hours=30))
    match = evaluate(WOMAN, stale, CONTEXT)
    assert match.eligible
    assert match.call_first
    assert match.score == evaluate(WOMAN, OFFER, CONTEXT).score + POINTS["call_first"]
    hidden = rank(WOMAN, [stale], CONTEXT, include_stale=False)
    assert hidden.eligible == ()
    assert [code for code, _ in hidden.excluded] == ["stale"]
    assert hard_refusal(WOMAN, stale, CONTEXT) is None  # a stale bed may be held after a call


def test_points_are_as_documented() -> None:
    match = evaluate(
        replace(WOMAN, exploitation_types=frozenset({"sexual_exploitation"})),
        OFFER,
        replace(CONTEXT, nights=30, budget_left=10_000_000),
    )
    assert {reason.code: reason.points for reason in match.points} == {
        "home_municipality": 40,
        "staff_language": 20,
        "experience": 15,
        "fits_budget": 10,
    }
    assert match.expected_cost == 30 * 80_000
    over = evaluate(WOMAN, OFFER, replace(CONTEXT, budget_left=100))
    assert over.fits_budget is False
    assert "over_budget" in {reason.code for reason in over.points}


def test_ranking_prefers_home_then_neighbouring_regions() -> None:
    home = replace(OFFER, category_id=1, municipality="1281")
    town = replace(OFFER, category_id=2)
    next_door = replace(
        OFFER, category_id=3, shelter_name="Aspen", region="vast", municipality="1480"
    )
    far = replace(OFFER, category_id=4, shelter_name="Björk", region="nord", municipality="2580")
    ranking = rank(WOMAN, [far, next_door, home, town], CONTEXT)
    assert [match.offer.category_id for match in ranking.eligible] == [2, 1, 3, 4]


def test_excluded_offers_are_grouped_by_rule_in_rule_order() -> None:
    offers = [
        replace(OFFER, category_id=1, target_groups=frozenset({"men"})),
        replace(OFFER, category_id=2, free=0),
        replace(OFFER, category_id=3, target_groups=frozenset({"men"})),
        replace(OFFER, category_id=4),
    ]
    ranking = rank(WOMAN, offers, CONTEXT)
    assert [match.offer.category_id for match in ranking.eligible] == [4]
    assert [(code, [m.offer.category_id for m in group]) for code, group in ranking.excluded] == [
        ("target_group", [1, 3]),
        ("no_free_bed", [2]),
    ]


# --- properties over generated people and offers ---------------------------------------------

codes = st.frozensets
people = st.builds(
    Person,
    gender=st.sampled_from(["woman", "man", "non_binary", "unknown"]),
    is_minor=st.booleans(),
    age_known=st.booleans(),
    children_count=st.integers(0, 4),
    languages=codes(st.sampled_from(["sv", "en", "ro", "bg", "ar"]), max_size=3),
    requirements=codes(
        st.sampled_from(
            ["women_only", "men_only", "with_children", "accessible", "lgbtq_safe", "high_security"]
        ),
        max_size=3,
    ),
    protected_identity=st.sampled_from(
        ["none", "confidentiality_marking", "protected_registration", "fictitious_identity"]
    ),
    avoid_regions=codes(st.sampled_from(["nord", "syd", "vast", "stockholm"]), max_size=2),
    region=st.sampled_from(["nord", "mitt", "syd", "vast", "stockholm", "ost", "bergslagen"]),
    municipality=st.sampled_from([None, "1280", "0180", "2580"]),
    interpreter_arranged=st.booleans(),
    exploitation_types=codes(st.sampled_from(["forced_labour", "sexual_exploitation"]), max_size=2),
    consents_to_shelter=st.booleans(),
)
offers = st.builds(
    BedOffer,
    category_id=st.integers(1, 10_000),
    shelter_id=st.integers(1, 50),
    shelter_name=st.sampled_from(["Ek", "Lind", "Alm", "Asp"]),
    category_name=st.just("Rum"),
    region=st.sampled_from(["nord", "mitt", "syd", "vast", "stockholm", "ost", "bergslagen"]),
    municipality=st.sampled_from(["1280", "0180", "2580", "1480"]),
    target_groups=codes(
        st.sampled_from(["women", "men", "families", "minors", "lgbtq"]), max_size=3
    ),
    children_allowed=st.booleans(),
    max_children=st.one_of(st.none(), st.integers(0, 4)),
    accessible=st.booleans(),
    security_level=st.sampled_from(["standard", "high", "protected"]),
    languages=codes(st.sampled_from(["sv", "en", "ro", "bg"]), max_size=3),
    experience=codes(st.sampled_from(["forced_labour", "sexual_exploitation"]), max_size=2),
    price_per_night=st.sampled_from([0, 50_000, 120_000]),
    free=st.integers(0, 3),
    confirmed_at=st.sampled_from([None, NOW - timedelta(hours=2), NOW - timedelta(days=3)]),
)
contexts = st.builds(
    Context,
    now=st.just(NOW),
    stale_hours=st.just(24),
    declines=st.lists(
        st.builds(
            Decline,
            shelter_id=st.integers(1, 50),
            reason=st.sampled_from(["no_bed", "not_suitable", "security", "other"]),
            at=st.sampled_from([NOW - timedelta(days=1), NOW - timedelta(days=90)]),
        ),
        max_size=3,
    ).map(tuple),
    budget_left=st.one_of(st.none(), st.integers(0, 10_000_000)),
)


@settings(max_examples=300, deadline=None)
@given(person=people, offer_list=st.lists(offers, max_size=12), context=contexts)
def test_no_excluded_offer_is_ever_returned_as_a_match(
    person: Person, offer_list: list[BedOffer], context: Context
) -> None:
    ranking = rank(person, offer_list, context)
    for match in ranking.eligible:
        assert hard_refusal(person, match.offer, context) is None
        assert match.offer.free > 0
        if person.is_minor:
            assert not match.offer.target_groups or "minors" in match.offer.target_groups
        if person.age_known and not person.is_minor and match.offer.target_groups:
            assert "minors" not in match.offer.target_groups
        assert match.offer.region not in person.avoid_regions
        assert person.consents_to_shelter
    assert len(ranking.eligible) + sum(len(group) for _, group in ranking.excluded) == len(
        offer_list
    )


@settings(max_examples=200, deadline=None)
@given(person=people, offer_list=st.lists(offers, max_size=12), context=contexts)
def test_ranking_is_deterministic_whatever_the_order_of_the_offers(
    person: Person, offer_list: list[BedOffer], context: Context
) -> None:
    forwards = rank(person, offer_list, context)
    backwards = rank(person, list(reversed(offer_list)), context)
    key = [(m.offer.category_id, m.score) for m in forwards.eligible]
    assert key == [(m.offer.category_id, m.score) for m in backwards.eligible]
    scores = [m.score for m in forwards.eligible]
    assert scores == sorted(scores, reverse=True)


# --- services, matched with the same rules ------------------------------------------------

service_people = st.builds(
    PersonFacts,
    region=st.sampled_from(["stockholm", "syd"]),
    languages=st.lists(st.sampled_from(["sv", "ro", "th"]), min_size=1, max_size=2, unique=True),
    is_minor=st.booleans(),
    age_known=st.booleans(),
    gender=st.sampled_from(["woman", "man"]),
    children_count=st.integers(0, 2),
    interpreter_language=st.sampled_from([None, "ro"]),
).map(lambda person: replace(person, age_known=person.age_known or person.is_minor))


@st.composite
def service_views(draw: st.DrawFn) -> ServiceView:
    service_id = draw(st.integers(1, 10_000))
    unit = draw(st.sampled_from(["hours", "places", "cases"]))
    maximum = draw(st.integers(0, 40))
    return ServiceView(
        id=service_id,
        provider_id=draw(st.integers(1, 3)),
        provider_name="Byrån",
        name=f"Tjänst {service_id}",
        kind=draw(st.sampled_from(["legal_aid", "rehabilitation", "interpreting"])),
        description="",
        matters=["migration_appeal"],
        residential=False,
        length_months=None,
        intake="",
        regions=draw(st.lists(st.sampled_from(["stockholm", "syd"]), max_size=2, unique=True)),
        remote=draw(st.booleans()),
        languages=draw(st.lists(st.sampled_from(["sv", "ro", "th"]), min_size=1, unique=True)),
        target_groups=draw(st.lists(st.sampled_from(["women", "men"]), max_size=2, unique=True)),
        takes_minors=draw(st.booleans()),
        price=draw(st.integers(0, 5_000_000)),
        price_unit={"hours": "hour", "places": "place", "cases": "case"}[unit],
        referral_contact="intag@byran.example",
        capacity_unit=unit,
        active=True,
        capacity=Capacity(
            unit=unit,
            available=draw(st.integers(0, maximum)),
            maximum=maximum,
            reserved=0,
            version=1,
            confirmed_at=draw(st.sampled_from([NOW, NOW - timedelta(days=3)])),
            stale=False,
        ),
    )


unique_services = st.lists(service_views(), max_size=12, unique_by=lambda view: view.id)
NEEDS = ["legal_aid", "rehabilitation", "interpreter", "shelter"]


@settings(max_examples=300, deadline=None)
@given(
    person=service_people,
    service_list=unique_services,
    consented=st.frozensets(st.integers(1, 3)),
    budget=st.one_of(st.none(), st.integers(0, 10_000_000)),
)
def test_no_excluded_service_is_ever_returned_as_a_match(
    person: PersonFacts,
    service_list: list[ServiceView],
    consented: frozenset[int],
    budget: int | None,
) -> None:
    answer = rank_services(
        NEEDS,
        service_list,
        person,
        consented_providers=consented,
        now=NOW,
        stale_hours=24,
        budget_left={"legal_aid": budget, "rehabilitation": budget, "other": budget},
    )
    assert [need.need for need in answer] == ["legal_aid", "rehabilitation", "interpreter"]
    for need in answer:
        for match in need.eligible:
            assert exclusions(match.service.facts, person) == []
            assert match.service.provider_id in consented
            assert match.service.capacity is not None
            assert match.service.capacity.available >= match.units >= 1
            assert match.service.kind == need.kind
            if not match.service.takes_minors:
                assert person.age_known
                assert not person.is_minor
            assert match.service.remote or person.region in match.service.regions
        for match in need.excluded:
            assert match.excluded_by is not None
        of_kind = [service for service in service_list if service.kind == need.kind]
        assert len(need.eligible) + len(need.excluded) == len(of_kind)


@settings(max_examples=200, deadline=None)
@given(person=service_people, service_list=unique_services)
def test_service_ranking_is_deterministic_whatever_the_order_of_the_services(
    person: PersonFacts, service_list: list[ServiceView]
) -> None:
    def ranked(services: list[ServiceView]) -> list[list[tuple[int, int]]]:
        answer = rank_services(
            NEEDS,
            services,
            person,
            consented_providers=frozenset({1, 2, 3}),
            now=NOW,
            stale_hours=24,
            budget_left={},
        )
        return [[(m.service.id, m.score) for m in need.eligible] for need in answer]

    forwards = ranked(service_list)
    assert forwards == ranked(list(reversed(service_list)))
    for need in forwards:
        scores = [score for _, score in need]
        assert scores == sorted(scores, reverse=True)
