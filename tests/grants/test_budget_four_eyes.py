"""Budget adjustments (issue 11.6): above the programme's four-eyes threshold a second officer
confirms; every adjustment has a reason; the ledger shows who made and who confirmed it; the
same through the pages and the API."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts import services as accounts
from accounts.tables import User
from fristad.errors import Conflict, InvalidInput, PermissionDenied
from grants import services
from grants.tables import Budget, LedgerEntry
from tests.accounts.helpers import post_form, sign_in
from tests.grants.helpers import KR, World, make_officer, make_world

Client = AsyncTestClient[Litestar]
ABOVE = 600_000 * KR  # the world's threshold is 500 000 kr
LEGAL_AID = 1_000_000 * KR


async def _legal_aid(world: World) -> dict[str, Any]:
    row = (
        await Budget.select()
        .where((Budget.programme == world.programme_id) & (Budget.category == "legal_aid"))
        .first()
    )
    assert row is not None
    return dict(row)


async def _adjustments(budget_id: int) -> list[dict[str, Any]]:
    return await LedgerEntry.select().where(
        (LedgerEntry.budget == budget_id) & (LedgerEntry.kind == "adjustment")
    )


async def test_an_adjustment_above_the_threshold_waits_for_a_second_officer() -> None:
    world = await make_world()
    budget = await _legal_aid(world)
    line = await services.adjust_budget(world.officer, budget["id"], ABOVE, "Tillskott")
    assert line.pending_amount == ABOVE
    assert line.allocated == LEGAL_AID  # nothing moved yet
    assert await _adjustments(budget["id"]) == []
    with pytest.raises(PermissionDenied):
        await services.confirm_adjustment(world.officer, budget["id"])
    with pytest.raises(Conflict):  # one waiting change at a time
        await services.adjust_budget(world.second_officer, budget["id"], ABOVE, "Till")

    line = await services.confirm_adjustment(world.second_officer, budget["id"])
    assert (line.allocated, line.pending_amount) == (LEGAL_AID + ABOVE, None)
    (entry,) = await _adjustments(budget["id"])
    assert (entry["amount"], entry["reason"]) == (ABOVE, "Tillskott")
    assert (entry["created_by"], entry["confirmed_by"]) == (
        world.officer.user_id,
        world.second_officer.user_id,
    )
    ledger = await services.programme_ledger(world.officer, world.programme_id)
    assert (ledger[0].created_by_name, ledger[0].confirmed_by_name) == (
        world.officer.name,
        world.second_officer.name,
    )
    assert await services.ledger_check() == []


async def test_small_adjustments_take_effect_at_once_and_every_one_needs_a_reason() -> None:
    world = await make_world()
    budget = await _legal_aid(world)
    with pytest.raises(InvalidInput) as no_reason:
        await services.adjust_budget(world.officer, budget["id"], 1_000 * KR, "  ")
    assert "reason" in no_reason.value.errors
    with pytest.raises(InvalidInput) as too_much:
        await services.adjust_budget(world.officer, budget["id"], 10**15, "Fel")
    assert "amount" in too_much.value.errors
    line = await services.adjust_budget(world.officer, budget["id"], -1_000 * KR, "Neddragning")
    assert (line.allocated, line.pending_amount) == (LEGAL_AID - 1_000 * KR, None)
    (entry,) = await _adjustments(budget["id"])
    assert (entry["created_by"], entry["confirmed_by"]) == (world.officer.user_id, None)


async def test_a_refused_change_leaves_the_budget_as_it_was() -> None:
    world = await make_world()
    budget = await _legal_aid(world)
    await services.adjust_budget(world.officer, budget["id"], -ABOVE, "Omfördelning")
    line = await services.refuse_adjustment(world.second_officer, budget["id"])
    assert (line.allocated, line.pending_amount) == (LEGAL_AID, None)
    with pytest.raises(Conflict):
        await services.confirm_adjustment(world.second_officer, budget["id"])
    assert await _adjustments(budget["id"]) == []


async def test_many_officers_confirming_at_once_apply_the_change_once() -> None:
    world = await make_world()
    budget = await _legal_aid(world)
    await services.adjust_budget(world.officer, budget["id"], ABOVE, "Tillskott")
    officers = [world.second_officer]
    for index in range(11):
        officer, _user = await make_officer(f"officer{index}@lst.example", world.authority_id)
        officers.append(officer)
    outcomes = await asyncio.gather(
        *(services.confirm_adjustment(officer, budget["id"]) for officer in officers),
        return_exceptions=True,
    )
    confirmed = [outcome for outcome in outcomes if isinstance(outcome, services.BudgetLine)]
    assert len(confirmed) == 1, outcomes
    assert all(isinstance(o, Conflict) for o in outcomes if o not in confirmed)
    assert (await _legal_aid(world))["allocated"] == LEGAL_AID + ABOVE
    assert len(await _adjustments(budget["id"])) == 1
    assert await services.ledger_check() == []


async def _as(client: Client, user: Any) -> None:
    await post_form(client, "/sign-out", {})
    client.cookies.clear()
    await User.update({User.totp_last_step: 0}).where(User.id == user.id)
    assert (await sign_in(client, user)).status_code == 303


async def test_the_pages_ask_a_second_officer_and_the_ledger_names_both(client: Client) -> None:
    world = await make_world()
    budget = await _legal_aid(world)
    await _as(client, world.officer_user)
    page = "/grants/programmes"
    proposed = await post_form(
        client,
        f"/grants/budgets/{budget['id']}/adjust",
        {"amount": "600000", "reason": "Tillskott från regeringen"},
        from_page=page,
    )
    assert proposed.status_code == 303
    mine = await client.get(page)
    assert f'id="pending-{budget["id"]}"' in mine.text
    assert f"/grants/budgets/{budget['id']}/confirm" not in mine.text  # not one's own
    assert (await _legal_aid(world))["allocated"] == LEGAL_AID

    await _as(client, world.second_officer_user)
    theirs = await client.get(page)
    assert f"/grants/budgets/{budget['id']}/confirm" in theirs.text
    confirmed = await post_form(
        client, f"/grants/budgets/{budget['id']}/confirm", {}, from_page=page
    )
    assert confirmed.status_code == 303
    after = await client.get(page)
    assert f'id="pending-{budget["id"]}"' not in after.text
    assert f'<td class="made-by">{world.officer.name}</td>' in after.text
    assert f'<td class="confirmed-by">{world.second_officer.name}</td>' in after.text
    assert (await _legal_aid(world))["allocated"] == LEGAL_AID + ABOVE


async def _token(user_id: int) -> dict[str, str]:
    actor = await accounts.load_actor(user_id, session_epoch=None, membership_id=None)
    assert actor is not None
    _id, token = await accounts.create_token(actor, "test", ["read", "write"])
    return {"Authorization": f"Bearer {token}"}


async def test_the_api_twin_follows_the_same_rules(client: Client) -> None:
    world = await make_world()
    budget = await _legal_aid(world)
    officer = await _token(world.officer.user_id)
    second = await _token(world.second_officer.user_id)
    path = f"/api/v1/budgets/{budget['id']}"
    no_reason = await client.post(
        f"{path}/adjustments", json={"amount": ABOVE, "reason": ""}, headers=officer
    )
    assert no_reason.status_code in (400, 422)
    proposed = await client.post(
        f"{path}/adjustments", json={"amount": ABOVE, "reason": "Tillskott"}, headers=officer
    )
    assert proposed.status_code == 200, proposed.text
    assert proposed.json()["pending_amount"] == ABOVE
    assert proposed.json()["allocated"] == LEGAL_AID
    own = await client.post(f"{path}/adjustment-confirmation", headers=officer)
    assert own.status_code == 403
    confirmed = await client.post(f"{path}/adjustment-confirmation", headers=second)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["allocated"] == LEGAL_AID + ABOVE
    ledger = await client.get(f"/api/v1/programmes/{world.programme_id}/ledger", headers=second)
    assert ledger.status_code == 200
    assert ledger.json()[0]["confirmed_by_name"] == world.second_officer.name


async def test_the_database_refuses_an_adjustment_confirmed_by_its_maker() -> None:
    world = await make_world()
    budget = await _legal_aid(world)
    with pytest.raises(Exception, match="ledger_entry_second_officer"):
        await LedgerEntry.insert(
            LedgerEntry(
                budget=budget["id"],
                kind="adjustment",
                amount=KR,
                key="adjustment:test",
                created_by=world.officer.user_id,
                confirmed_by=world.officer.user_id,
                created_at=datetime.now(UTC),
            )
        )
