"""Decisions: amounts and reasons, four eyes, conflict of interest, the workflow table."""

from __future__ import annotations

import asyncio

import pytest

from accounts import services as accounts
from accounts.domain import Role
from accounts.tables import AuditEvent
from fristad.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from grants import services
from grants.domain import State
from grants.tables import Budget, Decision, LedgerEntry, SupportRequest
from tests.accounts.helpers import make_org, make_user
from tests.beneficiaries.helpers import actor_of, make_beneficiary
from tests.grants.helpers import KR, make_world, request_in, submitted_request, today_in_sweden


async def _budget(world_programme: int, category: str = "legal_aid") -> dict[str, int]:
    row = (
        await Budget.select()
        .where((Budget.programme == world_programme) & (Budget.category == category))
        .first()
    )
    assert row is not None
    return dict(row)


async def _state(request_id: int) -> str:
    row = (
        await SupportRequest.select(SupportRequest.state)
        .where(SupportRequest.id == request_id)
        .first()
    )
    assert row is not None
    return str(row["state"])


async def test_totals_are_computed_from_the_cost_lines() -> None:
    world = await make_world()
    request_id = await submitted_request(
        world, lines=[("Ombud", 10, 1_500 * KR), ("Tolk", 4, 850 * KR)], review=False
    )
    row = await SupportRequest.select().where(SupportRequest.id == request_id).first()
    assert row is not None
    assert row["total"] == 18_400 * KR
    assert row["state"] == State.SUBMITTED


async def test_submission_needs_consent_to_share_with_the_funder() -> None:
    world = await make_world()
    beneficiary = await make_beneficiary(world.caseworker)
    request_id = await services.create_request(
        world.caseworker, request_in(world.programme_id, beneficiary)
    )
    with pytest.raises(Conflict):
        await services.submit(world.caseworker, request_id)
    assert await _state(request_id) == State.DRAFT


async def test_caseworker_cannot_apply_for_another_organisations_beneficiary() -> None:
    world = await make_world()
    other = await make_org("Föreningen Ljusglimt", "802519264")
    other_user = await make_user("maja@other.example", organisation_id=other, role=Role.CASEWORKER)
    other_actor = await actor_of(other_user.id)
    beneficiary = await make_beneficiary(world.caseworker, consents=("share_funder",))
    with pytest.raises(NotFound):
        await services.create_request(other_actor, request_in(world.programme_id, beneficiary))


async def test_partial_approval_commits_the_amount_with_a_reason_and_an_audit_event() -> None:
    world = await make_world()
    request_id = await submitted_request(world)  # 15 000 kr requested
    with pytest.raises(InvalidInput) as no_reason:
        await services.decide(world.officer, request_id, 10_000 * KR, " ")
    assert "reason" in no_reason.value.errors
    with pytest.raises(InvalidInput) as too_much:
        await services.decide(world.officer, request_id, 15_001 * KR, "Mer än sökt")
    assert "amount" in too_much.value.errors

    result = await services.decide(world.officer, request_id, 10_000 * KR, "Rimlig nivå")
    assert result.state == State.PARTIALLY_APPROVED
    budget = await _budget(world.programme_id)
    assert budget["committed"] == 10_000 * KR
    assert await AuditEvent.exists().where(AuditEvent.action == "support_request.decided")
    assert await services.ledger_check() == []


async def test_rejection_commits_nothing() -> None:
    world = await make_world()
    request_id = await submitted_request(world)
    result = await services.decide(world.officer, request_id, 0, "Utanför programmet")
    assert result.state == State.REJECTED
    assert (await _budget(world.programme_id))["committed"] == 0


async def test_the_same_approval_posted_twice_commits_once() -> None:
    world = await make_world()
    request_id = await submitted_request(world)
    outcomes = await asyncio.gather(
        services.decide(world.officer, request_id, 15_000 * KR, "Beviljas"),
        services.decide(world.officer, request_id, 15_000 * KR, "Beviljas"),
        return_exceptions=True,
    )
    assert sum(not isinstance(outcome, Exception) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, Conflict) for outcome in outcomes) == 1
    with pytest.raises(Conflict):
        await services.decide(world.officer, request_id, 15_000 * KR, "Beviljas")
    assert (await _budget(world.programme_id))["committed"] == 15_000 * KR
    assert await LedgerEntry.count().where(LedgerEntry.kind == "commitment") == 1
    assert await Decision.count() == 1


async def test_above_the_threshold_a_second_different_officer_must_confirm() -> None:
    world = await make_world(threshold=10_000 * KR)
    request_id = await submitted_request(world)  # 15 000 kr > 10 000 kr
    result = await services.decide(world.officer, request_id, 15_000 * KR, "Beviljas")
    assert not result.takes_effect
    assert result.state == State.AWAITING_CONFIRMATION
    assert (await _budget(world.programme_id))["committed"] == 0
    assert await LedgerEntry.count().where(LedgerEntry.kind == "commitment") == 0

    with pytest.raises(PermissionDenied):
        await services.confirm(world.officer, request_id)
    with pytest.raises(Conflict):
        await services.decide(world.officer, request_id, 15_000 * KR, "Igen")
    assert (await _budget(world.programme_id))["committed"] == 0

    confirmed = await services.confirm(world.second_officer, request_id)
    assert confirmed.state == State.APPROVED
    assert (await _budget(world.programme_id))["committed"] == 15_000 * KR
    decision = await Decision.select().first()
    assert decision is not None
    assert decision["confirmed_by"] == world.second_officer.user_id
    with pytest.raises(Conflict):
        await services.confirm(world.second_officer, request_id)
    assert (await _budget(world.programme_id))["committed"] == 15_000 * KR


async def test_second_officer_may_send_a_proposal_back_to_review() -> None:
    world = await make_world(threshold=10_000 * KR)
    request_id = await submitted_request(world)
    await services.decide(world.officer, request_id, 15_000 * KR, "Beviljas")
    await services.send_back(world.second_officer, request_id, "Kontrollera kostnaderna")
    assert await _state(request_id) == State.IN_REVIEW
    assert (await _budget(world.programme_id))["committed"] == 0


async def test_officer_who_is_a_member_of_the_applying_organisation_cannot_decide() -> None:
    world = await make_world()
    await accounts.add_membership(None, world.officer.user_id, world.ngo_id, Role.CASEWORKER)
    officer = await actor_of(world.officer.user_id, world.officer.membership.id)  # type: ignore[union-attr]
    request_id = await submitted_request(world)
    with pytest.raises(PermissionDenied):
        await services.decide(officer, request_id, 15_000 * KR, "Beviljas")
    assert await _state(request_id) == State.IN_REVIEW


async def test_illegal_transitions_are_refused_with_a_message() -> None:
    world = await make_world()
    request_id = await submitted_request(world, review=False)
    with pytest.raises(Conflict) as early:
        await services.decide(world.officer, request_id, 1_000 * KR, "För tidigt")
    assert early.value.message
    with pytest.raises(Conflict):
        await services.start_review(world.caseworker, request_id)
    await services.start_review(world.officer, request_id)
    with pytest.raises(Conflict):
        await services.start_review(world.officer, request_id)


async def test_information_request_and_answer_return_the_request_to_the_queue() -> None:
    world = await make_world()
    request_id = await submitted_request(world)
    await services.request_info(world.officer, request_id, "Bifoga offert från ombudet.")
    assert await _state(request_id) == State.INFO_REQUESTED
    await services.answer_info(world.caseworker, request_id, "Offerten bifogas.")
    assert await _state(request_id) == State.SUBMITTED
    queue = await services.review_queue(world.officer)
    assert [row.id for row in queue] == [request_id]


async def test_queue_shows_acute_requests_first_then_the_oldest() -> None:
    world = await make_world()
    first = await submitted_request(world, review=False)
    second = await submitted_request(world, review=False)
    acute = await submitted_request(world, urgency="acute", review=False)
    queue = await services.review_queue(world.officer)
    assert [row.id for row in queue] == [acute, first, second]


async def test_payments_never_exceed_the_approved_amount_and_withdrawal_releases() -> None:

    world = await make_world()
    request_id = await submitted_request(world)
    await services.decide(world.officer, request_id, 10_000 * KR, "Delvis")
    await services.record_payment(world.officer, request_id, today_in_sweden(), 4_000 * KR, "V1")
    with pytest.raises(Conflict):
        await services.record_payment(
            world.officer, request_id, today_in_sweden(), 6_001 * KR, "V2"
        )
    budget = await _budget(world.programme_id)
    assert (budget["committed"], budget["paid"]) == (10_000 * KR, 4_000 * KR)
    await services.withdraw(world.caseworker, request_id)
    budget = await _budget(world.programme_id)
    assert (budget["committed"], budget["paid"]) == (4_000 * KR, 4_000 * KR)
    assert await services.ledger_check() == []


async def test_full_payment_then_report_then_close() -> None:

    world = await make_world()
    request_id = await submitted_request(world)
    await services.decide(world.officer, request_id, 15_000 * KR, "Beviljas")
    await services.record_payment(world.officer, request_id, today_in_sweden(), 15_000 * KR, "V1")
    assert await _state(request_id) == State.PAID
    await services.report(
        world.caseworker, request_id, 14_000 * KR, "Överklagandet inlämnat till domstolen."
    )
    assert await _state(request_id) == State.REPORTED
    await services.close(world.officer, request_id)
    assert await _state(request_id) == State.CLOSED


async def test_unspent_money_is_released_once_after_the_report_time() -> None:
    from datetime import date

    world = await make_world()
    request_id = await submitted_request(world)
    await services.decide(world.officer, request_id, 15_000 * KR, "Beviljas")
    await services.record_payment(world.officer, request_id, today_in_sweden(), 5_000 * KR, "V1")
    assert await services.release_unspent(date(2027, 5, 1)) == 0
    assert await services.release_unspent(date(2027, 7, 1)) == 1
    assert await services.release_unspent(date(2027, 7, 2)) == 0
    budget = await _budget(world.programme_id)
    assert (budget["committed"], budget["paid"]) == (5_000 * KR, 5_000 * KR)
    assert await services.ledger_check() == []


async def test_budget_adjustment_is_a_ledger_entry_and_cannot_go_below_committed() -> None:
    world = await make_world(legal_aid=20_000 * KR)
    request_id = await submitted_request(world)
    await services.decide(world.officer, request_id, 15_000 * KR, "Beviljas")
    budget = await _budget(world.programme_id)
    with pytest.raises(Conflict):
        await services.adjust_budget(world.officer, budget["id"], -6_000 * KR, "Neddragning")
    line = await services.adjust_budget(world.officer, budget["id"], -5_000 * KR, "Neddragning")
    assert line.remaining == 0
    assert await LedgerEntry.count().where(LedgerEntry.kind == "adjustment") == 1
    with pytest.raises(PermissionDenied):
        await services.adjust_budget(world.caseworker, budget["id"], 1_000 * KR, "Nej")
    assert await services.ledger_check() == []


async def test_ledger_entries_cannot_be_updated() -> None:
    await make_world()
    with pytest.raises(Exception, match="append-only"):
        await LedgerEntry.update({LedgerEntry.amount: 1}).where(LedgerEntry.id > 0)


async def test_ledger_check_reports_a_budget_that_disagrees_with_its_ledger() -> None:
    world = await make_world()
    budget = await _budget(world.programme_id)
    await Budget.update({Budget.committed: 1}).where(Budget.id == budget["id"])
    differences = await services.ledger_check()
    assert [(d.budget_id, d.field, d.stored, d.from_ledger) for d in differences] == [
        (budget["id"], "committed", 1, 0)
    ]
