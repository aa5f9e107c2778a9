"""Help now for a person, and one chain from the bed found to the money that pays for it."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from redis.asyncio import Redis

from fristad.errors import DomainError
from fristad.settings import Settings
from grants import services as grants
from grants.tables import LedgerEntry, Payment, SupportRequest
from matching import services
from matching.services.facts import now
from matching.tables import FundingLink, UnmetDemand
from shelters import services as shelters
from shelters.tables import BedCategory, Hold, Placement
from tests.matching.helpers import KR, World, category_for, make_world, person_for
from tests.matching.test_domain import OFFER, WOMAN

PRICE = 1_000 * KR
GIRL_WITH_CHILDREN = replace(
    WOMAN, is_minor=True, children_count=2, avoid_regions=frozenset({"vast"})
)
MINORS_WITH_CHILDREN = replace(
    OFFER,
    target_groups=frozenset({"minors"}),
    children_allowed=True,
    price_per_night=PRICE,
)


async def _held_and_approved(world: World, settings: Settings, nights: int = 30) -> tuple[int, int]:
    beneficiary_id = await person_for(world, WOMAN)
    category_id = await category_for(world, replace(OFFER, price_per_night=PRICE))
    held = await services.hold_and_apply(
        world.caseworker, beneficiary_id, category_id, nights, settings
    )
    await grants.submit(world.caseworker, held.support_request_id)
    await grants.start_review(world.officer, held.support_request_id)
    await grants.decide(world.officer, held.support_request_id, nights * PRICE, "Behov styrkt.")
    return beneficiary_id, held.hold_id


async def test_a_minor_with_two_children_gets_only_places_for_minors_with_children(
    jobs: Redis, settings: Settings
) -> None:
    world = await make_world()
    girl = await person_for(world, GIRL_WITH_CHILDREN)
    fitting = await category_for(world, replace(MINORS_WITH_CHILDREN, shelter_name="A"))
    await category_for(
        world, replace(MINORS_WITH_CHILDREN, shelter_name="B", children_allowed=False)
    )
    await category_for(world, replace(OFFER, shelter_name="C", children_allowed=True))
    await category_for(
        world,
        replace(MINORS_WITH_CHILDREN, shelter_name="D", region="vast", municipality="1480"),
    )
    await category_for(world, replace(MINORS_WITH_CHILDREN, shelter_name="E", free=0))
    found = await services.help_now(world.caseworker, girl, services.MatchFilters(), settings)
    assert [match.offer.category_id for match in found.ranking.eligible] == [fitting]
    assert {code: len(group) for code, group in found.ranking.excluded} == {
        "minor_needs_minors_place": 1,
        "children_not_allowed": 1,
        "region_to_avoid": 1,
    }
    assert found.full_categories == 1
    assert found.budget is not None
    assert found.budget.remaining == 100_000 * KR


async def test_a_search_with_nothing_eligible_is_unmet_demand_without_identity(
    jobs: Redis, settings: Settings
) -> None:
    world = await make_world()
    girl = await person_for(world, replace(WOMAN, is_minor=True))
    await category_for(world, OFFER)
    found = await services.help_now(world.caseworker, girl, services.MatchFilters(), settings)
    assert found.ranking.none_eligible
    rows = await UnmetDemand.select()
    assert len(rows) == 1
    assert rows[0]["kind"] == "no_offer"
    assert rows[0]["age_band"] == "0-17"
    assert rows[0]["target_group"] == "minors"
    assert set(rows[0]) == {
        "id",
        "at",
        "kind",
        "help",
        "region",
        "age_band",
        "gender",
        "target_group",
        "protected",
    }
    assert not rows[0]["protected"]


async def test_unmet_demand_marks_a_person_with_protected_identity(
    jobs: Redis, settings: Settings
) -> None:
    world = await make_world()
    girl = await person_for(
        world, replace(WOMAN, is_minor=True, protected_identity="confidentiality_marking")
    )
    await category_for(world, OFFER)
    await services.help_now(world.caseworker, girl, services.MatchFilters(), settings)
    rows = await UnmetDemand.select(UnmetDemand.kind, UnmetDemand.protected)
    assert [(row["kind"], bool(row["protected"])) for row in rows] == [("no_offer", True)]


async def test_holding_from_a_match_and_approving_gives_one_placement_one_commitment_and_a_link(
    jobs: Redis, settings: Settings
) -> None:
    world = await make_world()
    beneficiary_id, hold_id = await _held_and_approved(world, settings)
    await shelters.accept_hold(world.staff, hold_id)
    placement_id = await shelters.placement_of_hold(hold_id)

    assert await Placement.count() == 1
    assert await LedgerEntry.count().where(LedgerEntry.kind == "commitment") == 1
    [link] = await services.funding_of_case(world.caseworker, beneficiary_id)
    assert link.funded
    assert link.nights == 30
    request_side = await services.funding_of_request(world.officer, link.support_request_id)
    assert request_side is not None
    assert request_side.link_id == link.link_id
    shelter_side = await services.funding_of_placement(world.staff, placement_id)
    assert shelter_side is not None
    assert shelter_side.link_id == link.link_id


async def test_discharge_after_10_of_30_approved_nights_pays_10_and_releases_20(
    jobs: Redis, settings: Settings
) -> None:
    world = await make_world()
    beneficiary_id, hold_id = await _held_and_approved(world, settings)
    await shelters.accept_hold(world.staff, hold_id)
    await Placement.update({Placement.admitted_at: now() - timedelta(days=10)}).where(
        Placement.hold == hold_id
    )
    [placement] = await Placement.select(Placement.id)
    await shelters.discharge(world.staff, placement["id"], "moved_on")

    assert await services.settle_all() == {"settled": 1}
    assert await services.settle_all() == {}  # a second run changes nothing
    payments = await Payment.select(Payment.amount)
    assert payments == [{"amount": 10 * PRICE}]
    releases = await LedgerEntry.select(LedgerEntry.amount).where(LedgerEntry.kind == "release")
    assert releases == [{"amount": -20 * PRICE}]
    [link] = await services.funding_of_case(world.caseworker, beneficiary_id)
    assert (link.outcome, link.paid_amount, link.released_amount) == (
        "settled",
        10 * PRICE,
        20 * PRICE,
    )
    assert await grants.ledger_check() == []


async def test_a_rejected_request_releases_the_held_bed(jobs: Redis, settings: Settings) -> None:
    world = await make_world()
    beneficiary_id = await person_for(world, WOMAN)
    category_id = await category_for(world, replace(OFFER, price_per_night=PRICE))
    held = await services.hold_and_apply(world.caseworker, beneficiary_id, category_id, 5, settings)
    await grants.submit(world.caseworker, held.support_request_id)
    await grants.start_review(world.officer, held.support_request_id)
    await grants.decide(world.officer, held.support_request_id, 0, "Annan huvudman ansvarar.")

    assert await services.settle_all() == {"released": 1}
    assert await Hold.select(Hold.status) == [{"status": "released"}]
    counts = await BedCategory.select(BedCategory.free, BedCategory.held).first()
    assert counts == {"free": 2, "held": 0}
    [link] = await FundingLink.select(FundingLink.outcome)
    assert link == {"outcome": "released"}


async def test_many_concurrent_holds_from_matches_give_the_last_bed_once(
    jobs: Redis, settings: Settings
) -> None:
    world = await make_world()
    people = [await person_for(world, WOMAN) for _ in range(12)]
    category_id = await category_for(world, replace(OFFER, price_per_night=PRICE, free=1))

    async def attempt(beneficiary_id: int) -> bool:
        try:
            await services.hold_and_apply(
                world.caseworker, beneficiary_id, category_id, 5, settings
            )
        except DomainError:
            return False
        return True

    results = await asyncio.gather(*(attempt(person) for person in people))
    assert results.count(True) == 1
    assert await Hold.count() == 1
    assert await FundingLink.count() == 1
    assert await SupportRequest.count() == 1  # no draft left behind by a refused hold
    counts = await BedCategory.select(BedCategory.free, BedCategory.held).first()
    assert counts == {"free": 0, "held": 1}
