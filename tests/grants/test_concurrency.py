"""Concurrent approvals against one category never overspend it (both engines)."""

from __future__ import annotations

import asyncio

from accounts.tables import Membership
from fristad import i18n
from grants import services
from grants.domain import State
from grants.services import BudgetExhausted
from grants.tables import Budget, LedgerEntry, SupportRequest
from tests.grants.helpers import KR, make_officer, make_world, submitted_request

ATTEMPTS = 40
AFFORDABLE = 25
AMOUNT = 10_000 * KR


async def test_forty_officers_approving_at_once_spend_only_what_the_category_has() -> None:
    world = await make_world(legal_aid=AFFORDABLE * AMOUNT, threshold=10 * AMOUNT)
    requests = [
        await submitted_request(world, lines=[("Ombud", 1, AMOUNT)]) for _ in range(ATTEMPTS)
    ]
    officers = [world.officer, world.second_officer]
    for index in range(ATTEMPTS - 2):
        officer, _user = await make_officer(f"officer{index}@lst.example", world.authority_id)
        officers.append(officer)
    assert await Membership.count().where(Membership.role == "officer") == ATTEMPTS

    i18n.activate("en")  # the refusals' text, checked below
    outcomes = await asyncio.gather(
        *(
            services.decide(officer, request_id, AMOUNT, "Beviljas")
            for officer, request_id in zip(officers, requests, strict=True)
        ),
        return_exceptions=True,
    )

    approved = [o for o in outcomes if isinstance(o, services.DecisionResult)]
    refused = [o for o in outcomes if isinstance(o, BudgetExhausted)]
    assert len(approved) == AFFORDABLE, [o for o in outcomes if isinstance(o, Exception)][:3]
    assert len(refused) == ATTEMPTS - AFFORDABLE
    assert all(error.message.startswith("Budget exhausted") for error in refused)
    i18n.activate("sv")
    assert await SupportRequest.count().where(SupportRequest.state == State.APPROVED) == AFFORDABLE
    assert await SupportRequest.count().where(SupportRequest.state == State.IN_REVIEW) == (
        ATTEMPTS - AFFORDABLE
    )
    budget = (
        await Budget.select()
        .where((Budget.programme == world.programme_id) & (Budget.category == "legal_aid"))
        .first()
    )
    assert budget is not None
    remaining = budget["allocated"] - budget["committed"]
    assert remaining >= 0
    ledger = await LedgerEntry.select(LedgerEntry.kind, LedgerEntry.amount).where(
        LedgerEntry.budget == budget["id"]
    )
    allocated = sum(e["amount"] for e in ledger if e["kind"] in ("allocation", "adjustment"))
    committed = sum(e["amount"] for e in ledger if e["kind"] in ("commitment", "release"))
    assert committed == AFFORDABLE * AMOUNT
    assert remaining == allocated - committed == 0
    assert await services.ledger_check() == []
