"""The same rules guard the hold: every path that holds a bed refuses what matching excludes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from beneficiaries.tables import Beneficiary
from fristad import i18n
from fristad.errors import Conflict, PermissionDenied
from matching import services as matching
from matching.domain import BedOffer, Context, Person, hard_refusal
from matching.tables import UnmetDemand
from providers import services as providers
from shelters import services as shelters
from shelters.tables import BedCategory, Hold, Shelter
from tests.accounts.helpers import post_form, sign_in
from tests.matching.helpers import CASES_AT_THE_HOLD, category_for, make_world, person_for
from tests.matching.test_domain import NOW, OFFER, WOMAN
from tests.providers.helpers import make_case
from tests.providers.helpers import make_world as provider_world


@pytest.mark.parametrize(("person_change", "offer_change", "rule"), CASES_AT_THE_HOLD)
async def test_each_hard_rule_refuses_the_hold(
    jobs: Redis, person_change: dict[str, Any], offer_change: dict[str, Any], rule: str | None
) -> None:
    world = await make_world()
    person = replace(WOMAN, **person_change)
    offer = replace(OFFER, **offer_change)
    beneficiary_id = await person_for(world, person)
    category_id = await category_for(world, offer)
    if rule is None:
        held = await shelters.hold_bed(world.caseworker, category_id, beneficiary_id)
        assert held.created
        return
    expected = PermissionDenied if rule == "no_consent" else Conflict
    with pytest.raises(expected) as refused:
        await shelters.hold_bed(world.caseworker, category_id, beneficiary_id)
    reason = hard_refusal(person, offer, Context(now=NOW))
    if rule != "no_consent":
        assert reason is not None
        assert refused.value.message == reason.text
    assert await Hold.count() == 0
    counts = await BedCategory.select(BedCategory.free, BedCategory.held).first()
    assert counts == {"free": offer.free, "held": 0}


async def test_a_minor_cannot_be_held_into_an_adults_bed_through_the_api(
    app: Litestar, jobs: Redis
) -> None:
    world = await make_world()
    girl = await person_for(world, replace(WOMAN, is_minor=True))
    adults = await category_for(world, OFFER)
    async with AsyncTestClient(app=app) as client:
        client.cookies.set(i18n.LOCALE_COOKIE, "en")  # the user's own language is Swedish
        token = await world.token()
        response = await client.post(
            "/api/v1/holds",
            json={"category_id": adults, "beneficiary_id": girl},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 409
    assert "minor" in response.json()["detail"]
    assert await Hold.count() == 0


async def test_a_minor_cannot_be_held_into_an_adults_bed_from_the_page(
    app: Litestar, jobs: Redis
) -> None:
    world = await make_world()
    girl = await person_for(world, replace(WOMAN, is_minor=True))
    adults = await category_for(world, OFFER)
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, world.caseworker_user)
        client.cookies.set(i18n.LOCALE_COOKIE, "en", domain="testserver.local")
        code = (await Beneficiary.select(Beneficiary.code).where(Beneficiary.id == girl))[0]
        response = await post_form(
            client,
            f"/shelters/categories/{adults}/hold",
            {"code": code["code"]},
            from_page=f"/shelters/categories/{adults}/hold",
        )
    assert response.status_code == 422
    assert "minor" in response.text
    assert await Hold.count() == 0


async def test_a_hold_refused_for_lack_of_a_bed_is_counted_as_unmet_demand(jobs: Redis) -> None:
    world = await make_world()
    beneficiary_id = await person_for(world, WOMAN)
    full = await category_for(world, replace(OFFER, free=0))
    with pytest.raises(Conflict):
        await shelters.hold_bed(world.caseworker, full, beneficiary_id)
    rows = await UnmetDemand.select(
        UnmetDemand.kind, UnmetDemand.help, UnmetDemand.region, UnmetDemand.gender
    )
    assert rows == [{"kind": "no_bed", "help": "shelter", "region": "syd", "gender": "woman"}]


people = st.builds(
    Person,
    gender=st.sampled_from(["woman", "man"]),
    is_minor=st.booleans(),
    children_count=st.integers(0, 2),
    languages=st.frozensets(st.sampled_from(["sv", "ro"]), min_size=1),
    requirements=st.frozensets(st.sampled_from(["women_only", "accessible"]), max_size=1),
    protected_identity=st.sampled_from(["none", "confidentiality_marking"]),
    avoid_regions=st.frozensets(st.sampled_from(["syd", "vast"]), max_size=1),
    region=st.just("syd"),
    municipality=st.just("1280"),
    consents_to_shelter=st.just(True),
)
offers = st.builds(
    BedOffer,
    category_id=st.just(0),
    shelter_id=st.just(0),
    shelter_name=st.just("Ek"),
    category_name=st.just("Rum"),
    region=st.sampled_from(["syd", "vast"]),
    municipality=st.sampled_from(["1280", "1480"]),
    target_groups=st.frozensets(
        st.sampled_from(["women", "men", "minors", "families"]), min_size=1
    ),
    children_allowed=st.booleans(),
    accessible=st.booleans(),
    security_level=st.sampled_from(["standard", "high"]),
    languages=st.frozensets(st.sampled_from(["sv", "ro"]), min_size=1),
    free=st.just(1),
    confirmed_at=st.just(NOW),
).map(lambda offer: replace(offer, region={"1280": "syd", "1480": "vast"}[offer.municipality]))


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(person=people, offer=offers)
async def test_hold_bed_refuses_exactly_the_offers_the_rules_exclude(
    jobs: Redis, person: Person, offer: BedOffer
) -> None:
    from fristad import database

    await database.truncate_all()
    world = await make_world()
    beneficiary_id = await person_for(world, person)
    category_id = await category_for(world, offer)
    excluded = hard_refusal(person, offer, Context(now=NOW)) is not None
    try:
        await shelters.hold_bed(world.caseworker, category_id, beneficiary_id)
        held = True
    except Conflict:
        held = False
    assert held is not excluded
    assert await Shelter.count() == 1


service_cases = st.fixed_dictionaries(
    {
        "gender": st.sampled_from(["woman", "man"]),
        "birth_year": st.sampled_from([None, 1996, date.today().year - 16]),
        "languages": st.lists(st.sampled_from(["sv", "ro", "th"]), min_size=1, unique=True),
        "region": st.sampled_from(["stockholm", "syd"]),
        "interpreter_language": st.sampled_from(["", "ro"]),
    }
).map(lambda case: {**case, "municipality": {"stockholm": "0180", "syd": "1280"}[case["region"]]})
service_data = st.fixed_dictionaries(
    {
        "regions": st.lists(st.sampled_from(["stockholm", "syd"]), min_size=1, unique=True),
        "remote": st.booleans(),
        "languages": st.lists(st.sampled_from(["sv", "ro", "th"]), min_size=1, unique=True),
        "takes_minors": st.booleans(),
        "target_groups": st.lists(st.sampled_from(["women", "men"]), unique=True),
    }
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    case=service_cases,
    service=service_data,
    available=st.sampled_from([0, 40]),
    consent=st.booleans(),
)
async def test_reserve_service_refuses_exactly_the_services_matching_excludes(
    jobs: Redis,
    case: dict[str, Any],
    service: dict[str, Any],
    available: int,
    consent: bool,
) -> None:
    """The services' twin of the bed property above: what help now lists as eligible for the
    person can be reserved, and whatever it excludes is refused."""
    from fristad import database
    from fristad.settings import get_settings

    await database.truncate_all()
    world = await provider_world(available=available, **service)
    beneficiary_id = await make_case(world, consent=consent, needs=["legal_aid"], **case)
    [need] = await matching.services_now(world.caseworker_actor, beneficiary_id, get_settings())
    [match] = [*need.eligible, *need.excluded]
    try:
        await providers.reserve_service(
            world.caseworker_actor, world.service_id, beneficiary_id, units=match.units
        )
        reserved = True
    except (Conflict, PermissionDenied):
        reserved = False
    assert reserved is match.eligible
    assert await providers.broken_invariants() == []
