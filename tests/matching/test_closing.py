"""Closing a case or marking it returned home ends what is still open for the person (issue 11.1):
the place and the beds held are freed, support requests not yet paid are withdrawn, each audited,
in the transaction of the status change and only with the caseworker's confirmation; a closed
case takes no new hold nor support request, also while it is closing."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from accounts.tables import AuditEvent
from beneficiaries import services as beneficiaries
from beneficiaries.tables import Beneficiary
from fristad import i18n
from fristad.errors import Conflict, InvalidInput
from fristad.settings import Settings
from grants import services as grants
from grants.schemas import CostLineIn, RequestIn
from grants.tables import Budget, SupportRequest
from matching import services as matching
from shelters import services as shelters
from shelters.tables import BedCategory, Hold, Placement
from tests.accounts.helpers import csrf, post_form, sign_in
from tests.matching.helpers import KR, World, category_for, make_world, person_for
from tests.matching.test_domain import OFFER, WOMAN


def request_for(world: World, beneficiary_id: int) -> RequestIn:
    today = date.today()
    return RequestIn(
        programme_id=world.programme_id,
        beneficiary_id=beneficiary_id,
        category="legal_aid",
        period_start=today,
        period_end=today,
        justification="Ombud för överklagandet.",
        urgency="normal",
        lines=[CostLineIn(description="Ombud", quantity=2, unit="h", unit_price=1_000 * KR)],
    )


async def placed_with_hold_elsewhere(world: World) -> tuple[int, int, int, int]:
    """A person placed at Linden (after a hold accepted); returns (person, placement, Linden's
    category, another category)."""
    person = await person_for(world, WOMAN)
    linden = await category_for(world, OFFER)
    held = await shelters.hold_bed(world.caseworker, linden, person)
    await shelters.accept_hold(world.staff, held.hold.id)
    placement = await Placement.select(Placement.id).first()
    assert placement is not None
    other = await category_for(world, replace(OFFER, shelter_name="Eken"))
    return person, placement["id"], linden, other


async def counts(category_id: int) -> tuple[int, int, int]:
    row = (
        await BedCategory.select(BedCategory.free, BedCategory.held, BedCategory.occupied)
        .where(BedCategory.id == category_id)
        .first()
    )
    assert row is not None
    return row["free"], row["held"], row["occupied"]


async def test_closing_lists_what_is_open_and_refuses_without_confirmation(jobs: Redis) -> None:
    world = await make_world()
    person, placement_id, linden, _other = await placed_with_hold_elsewhere(world)
    draft = await grants.create_request(world.caseworker, request_for(world, person))

    open_items = await beneficiaries.still_open(world.caseworker, person, "closed")
    assert {item.key for item in open_items} == {
        f"placement:{placement_id}",
        f"support_request:{draft}",
    }
    assert any("Linden" in item.label for item in open_items)
    with pytest.raises(beneficiaries.CaseHasOpenItems) as refused:
        await beneficiaries.change_status(world.caseworker, person, "closed", "needs_met")
    assert "Linden" in refused.value.message
    status = await Beneficiary.select(Beneficiary.status).where(Beneficiary.id == person).first()
    assert status == {"status": "placed"}
    assert await counts(linden) == (OFFER.free - 1, 0, 1)


async def test_closing_with_confirmation_ends_the_place_and_withdraws_requests(
    jobs: Redis,
) -> None:
    world = await make_world()
    person, placement_id, linden, _other = await placed_with_hold_elsewhere(world)
    draft = await grants.create_request(world.caseworker, request_for(world, person))
    keys = [item.key for item in await beneficiaries.still_open(world.caseworker, person, "closed")]

    record = await beneficiaries.change_status(
        world.caseworker, person, "closed", "needs_met", end=keys
    )

    assert record.status == "closed"
    assert await counts(linden) == (OFFER.free, 0, 0)
    stay = await Placement.select(Placement.discharged_at).where(Placement.id == placement_id)
    assert stay[0]["discharged_at"] is not None
    state = await SupportRequest.select(SupportRequest.state).where(SupportRequest.id == draft)
    assert state == [{"state": "withdrawn"}]
    actions = {
        row["action"]
        for row in await AuditEvent.select(AuditEvent.action).where(
            AuditEvent.action.is_in(["placement.discharged", "support_request.withdrawn"])
        )
    }
    assert actions == {"placement.discharged", "support_request.withdrawn"}
    assert await shelters.broken_invariants() == []


async def test_returning_home_frees_a_held_bed_and_keeps_the_requests(jobs: Redis) -> None:
    world = await make_world()
    person = await person_for(world, WOMAN)
    linden = await category_for(world, OFFER)
    hold = (await shelters.hold_bed(world.caseworker, linden, person)).hold
    draft = await grants.create_request(world.caseworker, request_for(world, person))
    open_items = await beneficiaries.still_open(world.caseworker, person, "returned")
    assert [item.key for item in open_items] == [f"hold:{hold.id}"]

    await beneficiaries.change_status(world.caseworker, person, "returned", end=[f"hold:{hold.id}"])

    assert await counts(linden) == (OFFER.free, 0, 0)
    assert (await Hold.select(Hold.status))[0]["status"] == "released"
    state = await SupportRequest.select(SupportRequest.state).where(SupportRequest.id == draft)
    assert state == [{"state": "draft"}]
    with pytest.raises(Conflict):
        await shelters.hold_bed(world.caseworker, linden, person)


async def test_a_withdrawn_approved_request_gives_its_money_back(jobs: Redis) -> None:
    world = await make_world()
    person = await person_for(world, WOMAN)
    request_id = await grants.create_request(world.caseworker, request_for(world, person))
    await grants.submit(world.caseworker, request_id)
    await grants.start_review(world.officer, request_id)
    await grants.decide(world.officer, request_id, 2_000 * KR, "Rimligt.")
    budget = await Budget.select(Budget.committed).where(Budget.category == "legal_aid").first()
    assert budget == {"committed": 2_000 * KR}

    await beneficiaries.change_status(
        world.caseworker, person, "closed", "needs_met", end=[f"support_request:{request_id}"]
    )

    budget = await Budget.select(Budget.committed).where(Budget.category == "legal_aid").first()
    assert budget == {"committed": 0}


async def test_a_closed_case_takes_no_support_request(jobs: Redis) -> None:
    world = await make_world()
    person = await person_for(world, WOMAN)
    await beneficiaries.change_status(world.caseworker, person, "closed", "needs_met")
    with pytest.raises(InvalidInput) as refused:
        await grants.create_request(world.caseworker, request_for(world, person))
    assert "closed" in refused.value.errors["beneficiary_code"]
    assert await SupportRequest.count() == 0


async def test_holds_made_while_the_case_closes_do_not_survive(jobs: Redis) -> None:
    """Twenty holds on twenty categories race the closing (confirmed with nothing open): either
    the closing is refused, listing the hold that came first, or every hold is refused."""
    world = await make_world()
    person = await person_for(world, WOMAN)
    categories = [await category_for(world, OFFER) for _ in range(20)]

    results = await asyncio.gather(
        beneficiaries.change_status(world.caseworker, person, "closed", "needs_met"),
        *(shelters.hold_bed(world.caseworker, category, person) for category in categories),
        return_exceptions=True,
    )

    for result in results:
        assert not isinstance(result, Exception) or isinstance(result, Conflict), result
    status = await Beneficiary.select(Beneficiary.status).where(Beneficiary.id == person).first()
    pending = await Hold.count().where(Hold.status == "pending")
    assert status is not None
    if status["status"] == "closed":
        assert pending == 0
    else:
        assert isinstance(results[0], beneficiaries.CaseHasOpenItems)
        assert pending == 1
    assert await shelters.broken_invariants() == []


async def test_requests_made_while_the_case_closes_do_not_survive(jobs: Redis) -> None:
    world = await make_world()
    person = await person_for(world, WOMAN)

    results = await asyncio.gather(
        beneficiaries.change_status(world.caseworker, person, "closed", "needs_met"),
        *(grants.create_request(world.caseworker, request_for(world, person)) for _ in range(10)),
        return_exceptions=True,
    )

    for result in results:
        assert not isinstance(result, Exception) or isinstance(result, Conflict | InvalidInput), (
            result
        )
    status = await Beneficiary.select(Beneficiary.status).where(Beneficiary.id == person).first()
    drafts = await SupportRequest.count().where(SupportRequest.state == "draft")
    assert status is not None
    if status["status"] == "closed":
        assert drafts == 0
    else:
        assert isinstance(results[0], beneficiaries.CaseHasOpenItems)


async def test_the_close_page_lists_what_is_open_by_name_and_ends_it(
    app: Litestar, jobs: Redis
) -> None:
    world = await make_world()
    person, _placement_id, linden, _other = await placed_with_hold_elsewhere(world)
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, world.caseworker_user)
        client.cookies.set(i18n.LOCALE_COOKIE, "en", domain="testserver.local")
        shown = await client.get(f"/beneficiaries/{person}/close")
        assert shown.status_code == 200
        assert "A place at Linden" in shown.text
        # Without the confirmation (a stale form): refused, the list shown again.
        refused = await post_form(
            client,
            f"/beneficiaries/{person}/status",
            {"status": "closed", "reason": "needs_met"},
            from_page=f"/beneficiaries/{person}/close",
        )
        assert refused.status_code == 409
        assert "A place at Linden" in refused.text
        assert await counts(linden) == (OFFER.free - 1, 0, 1)
        still_open = await beneficiaries.still_open(world.caseworker, person, "closed")
        keys = [item.key for item in still_open]
        token = await csrf(client, f"/beneficiaries/{person}/close")
        closed = await client.post(
            f"/beneficiaries/{person}/status",
            data={"status": "closed", "reason": "needs_met", "end": keys, "_csrf_token": token},
            follow_redirects=False,
        )
        assert closed.status_code == 303
    assert await counts(linden) == (OFFER.free, 0, 0)


async def test_returned_home_from_the_page_asks_first_when_a_bed_is_held(
    app: Litestar, jobs: Redis
) -> None:
    world = await make_world()
    person = await person_for(world, WOMAN)
    linden = await category_for(world, OFFER)
    await shelters.hold_bed(world.caseworker, linden, person)
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, world.caseworker_user)
        client.cookies.set(i18n.LOCALE_COOKIE, "en", domain="testserver.local")
        asked = await post_form(
            client,
            f"/beneficiaries/{person}/status",
            {"status": "returned"},
            from_page=f"/beneficiaries/{person}",
        )
    assert asked.status_code == 409
    assert "A bed held at Linden" in asked.text
    assert "End these and mark as returned home" in asked.text
    assert await counts(linden) == (OFFER.free - 1, 1, 0)


async def test_the_api_answers_409_with_the_list_until_confirmed(
    app: Litestar, jobs: Redis
) -> None:
    world = await make_world()
    person = await person_for(world, WOMAN)
    linden = await category_for(world, OFFER)
    hold = (await shelters.hold_bed(world.caseworker, linden, person)).hold
    async with AsyncTestClient(app=app) as client:
        client.cookies.set(i18n.LOCALE_COOKIE, "en")
        bearer = {"Authorization": f"Bearer {await world.token()}"}
        path = f"/api/v1/beneficiaries/{person}/status"
        refused = await client.post(
            path, json={"status": "closed", "reason": "needs_met"}, headers=bearer
        )
        assert refused.status_code == 409
        listed = refused.json()["open"]
        assert [item["key"] for item in listed] == [f"hold:{hold.id}"]
        assert "Linden" in listed[0]["label"]
        done = await client.post(
            path,
            json={"status": "closed", "reason": "needs_met", "end": [f"hold:{hold.id}"]},
            headers=bearer,
        )
        assert done.status_code == 200, done.text
        assert done.json()["status"] == "closed"
    assert await counts(linden) == (OFFER.free, 0, 0)


async def test_closing_settles_the_funded_stay_by_its_nights_and_withdraws_nothing_it_pays(
    jobs: Redis, settings: Settings
) -> None:
    """The request that pays for the place is not withdrawn (that would give back money owed
    for the nights stayed): the stay ends and is paid by its nights, the rest released."""
    world = await make_world()
    person = await person_for(world, WOMAN)
    linden = await category_for(world, replace(OFFER, price_per_night=1_000 * KR))
    held = await matching.hold_and_apply(world.caseworker, person, linden, 30, settings)
    await grants.submit(world.caseworker, held.support_request_id)
    await grants.start_review(world.officer, held.support_request_id)
    await grants.decide(world.officer, held.support_request_id, 30_000 * KR, "Behov styrkt.")
    await shelters.accept_hold(world.staff, held.hold_id)
    still_open = await beneficiaries.still_open(world.caseworker, person, "closed")
    funder = next(item for item in still_open if item.kind == "support_request")
    assert "nights stayed" in funder.label

    await beneficiaries.change_status(
        world.caseworker, person, "closed", "needs_met", end=[item.key for item in still_open]
    )

    row = await SupportRequest.select(SupportRequest.state, SupportRequest.paid_amount).where(
        SupportRequest.id == held.support_request_id
    )
    assert row == [{"state": "paid", "paid_amount": 1_000 * KR}]  # one night, the same day
    assert await counts(linden) == (OFFER.free, 0, 0)
    assert await grants.ledger_check() == []


async def test_a_decision_awaiting_its_second_officer_holds_the_closing_back(
    jobs: Redis,
) -> None:
    world = await make_world(shelter_budget=1_000_000 * KR)  # four eyes above 500 000 kr
    person = await person_for(world, WOMAN)
    large = msgspec.structs.replace(
        request_for(world, person),
        category="shelter",
        lines=[CostLineIn(description="Boende", quantity=600, unit="natt", unit_price=1_000 * KR)],
    )
    request_id = await grants.create_request(world.caseworker, large)
    await grants.submit(world.caseworker, request_id)
    await grants.start_review(world.officer, request_id)
    decided = await grants.decide(world.officer, request_id, 600_000 * KR, "Stort behov.")
    assert decided.state == "awaiting_confirmation"
    still_open = await beneficiaries.still_open(world.caseworker, person, "closed")
    assert [item.can_end for item in still_open] == [False]
    with pytest.raises(beneficiaries.CaseHasOpenItems):
        await beneficiaries.change_status(
            world.caseworker, person, "closed", "needs_met", end=[still_open[0].key]
        )
    state = await SupportRequest.select(SupportRequest.state).where(SupportRequest.id == request_id)
    assert state == [{"state": "awaiting_confirmation"}]


async def test_a_discharge_while_the_case_closes_frees_the_bed_once(jobs: Redis) -> None:
    """Both take the case row first, so neither deadlocks the other (PostgreSQL) and the bed
    is freed exactly once."""
    world = await make_world()
    person, placement_id, linden, _other = await placed_with_hold_elsewhere(world)

    results = await asyncio.gather(
        beneficiaries.change_status(
            world.caseworker, person, "closed", "needs_met", end=[f"placement:{placement_id}"]
        ),
        shelters.discharge(world.staff, placement_id, "moved_on"),
        return_exceptions=True,
    )

    for result in results:
        assert not isinstance(result, Exception) or isinstance(result, Conflict), result
    assert await counts(linden) == (OFFER.free, 0, 0)
    assert await shelters.broken_invariants() == []
