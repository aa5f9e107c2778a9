"""Payments are dated between the decision and today, and a wrong one is corrected by a
reversal: a new ledger entry by an officer with a reason, audited, never an edit (issue 11.7)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts import services as accounts
from accounts.tables import AuditEvent
from fristad import i18n
from fristad.errors import Conflict, InvalidInput, PermissionDenied
from grants import services
from grants.domain import State
from grants.tables import Budget, LedgerEntry, Payment, SupportRequest
from tests.accounts.helpers import post_form, sign_in
from tests.grants.helpers import KR, World, make_world, submitted_request, today_in_sweden

Client = AsyncTestClient[Litestar]


async def _approved(world: World, amount: int = 15_000 * KR) -> int:
    i18n.activate("en")  # the messages are asserted in English
    request_id = await submitted_request(world)
    await services.decide(world.officer, request_id, amount, "Beviljas")
    return request_id


async def _paid(request_id: int) -> tuple[int, int]:
    row = await SupportRequest.select(SupportRequest.paid_amount).where(
        SupportRequest.id == request_id
    )
    budget = await Budget.select(Budget.paid).where(Budget.category == "legal_aid")
    return row[0]["paid_amount"], budget[0]["paid"]


async def _bearer(user_id: int) -> dict[str, str]:
    actor = await accounts.load_actor(user_id, session_epoch=None, membership_id=None)
    assert actor is not None
    _id, token = await accounts.create_token(actor, "test", ["read", "write"])
    return {"Authorization": f"Bearer {token}"}


async def test_a_payment_dated_years_ahead_or_before_the_decision_is_refused() -> None:
    world = await make_world()
    request_id = await _approved(world)
    for paid_on in (date(2030, 1, 1), today_in_sweden() + timedelta(days=1)):
        with pytest.raises(InvalidInput) as refused:
            await services.record_payment(world.officer, request_id, paid_on, KR, "V1")
        assert "future" in refused.value.errors["paid_on"]
    with pytest.raises(InvalidInput) as refused:
        await services.record_payment(
            world.officer, request_id, today_in_sweden() - timedelta(days=1), KR, "V1"
        )
    assert "before the decision" in refused.value.errors["paid_on"]
    assert await Payment.count() == 0
    assert await _paid(request_id) == (0, 0)


async def test_a_reversal_is_a_new_ledger_entry_and_the_right_payment_follows() -> None:
    world = await make_world()
    request_id = await _approved(world)
    wrong = await services.record_payment(
        world.officer, request_id, today_in_sweden(), 15_000 * KR, "V1"
    )
    state = await SupportRequest.select(SupportRequest.state).where(SupportRequest.id == request_id)
    assert state[0]["state"] == State.PAID

    reversed_request = await services.reverse_payment(
        world.officer, request_id, wrong.id, "Fel mottagare"
    )

    assert reversed_request.state == State.APPROVED
    assert await _paid(request_id) == (0, 0)
    payment = await Payment.select(Payment.amount).where(Payment.id == wrong.id)
    assert payment == [{"amount": 15_000 * KR}]  # the payment itself is never edited
    entries = await LedgerEntry.select(
        LedgerEntry.kind, LedgerEntry.amount, LedgerEntry.reason, LedgerEntry.created_by
    ).where(LedgerEntry.key == f"reversal:{wrong.id}")
    assert entries == [
        {
            "kind": "payment",
            "amount": -15_000 * KR,
            "reason": "Fel mottagare",
            "created_by": world.officer.user_id,
        }
    ]
    audited = await AuditEvent.select(AuditEvent.detail).where(
        AuditEvent.action == "payment.reversed"
    )
    assert len(audited) == 1
    assert await services.ledger_check() == []
    with pytest.raises(Conflict):
        await services.reverse_payment(world.officer, request_id, wrong.id, "Igen")

    right = await services.record_payment(
        world.officer, request_id, today_in_sweden(), 15_000 * KR, "V2"
    )
    assert right.amount == 15_000 * KR
    assert await _paid(request_id) == (15_000 * KR, 15_000 * KR)
    assert await services.ledger_check() == []


async def test_only_an_officer_reverses_and_always_with_a_reason() -> None:
    world = await make_world()
    request_id = await _approved(world)
    payment = await services.record_payment(
        world.officer, request_id, today_in_sweden(), 5_000 * KR, "V1"
    )
    with pytest.raises(PermissionDenied):
        await services.reverse_payment(world.caseworker, request_id, payment.id, "Fel")
    with pytest.raises(InvalidInput):
        await services.reverse_payment(world.officer, request_id, payment.id, "  ")
    assert await _paid(request_id) == (5_000 * KR, 5_000 * KR)


async def test_ten_officers_reversing_one_payment_at_once_reverse_it_once() -> None:
    world = await make_world()
    request_id = await _approved(world)
    payment = await services.record_payment(
        world.officer, request_id, today_in_sweden(), 5_000 * KR, "V1"
    )

    results = await asyncio.gather(
        *(
            services.reverse_payment(world.officer, request_id, payment.id, f"Fel {n}")
            for n in range(10)
        ),
        return_exceptions=True,
    )

    refused = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, Conflict) for r in refused), refused
    assert len(refused) == 9
    assert await _paid(request_id) == (0, 0)
    assert await LedgerEntry.count().where(LedgerEntry.key == f"reversal:{payment.id}") == 1
    assert await services.ledger_check() == []


async def test_the_page_reverses_a_payment_and_shows_why(client: Client) -> None:
    world = await make_world()
    request_id = await _approved(world)
    payment = await services.record_payment(
        world.officer, request_id, today_in_sweden(), 5_000 * KR, "V1"
    )
    await sign_in(client, world.officer_user)
    path = f"/grants/requests/{request_id}"
    future = await post_form(
        client,
        f"{path}/payments",
        {"paid_on": "2030-01-01", "amount": "100", "reference": "V2"},
        from_page=path,
    )
    assert future.status_code == 422
    assert "future" in future.text or "framtiden" in future.text
    shown = await client.get(path)
    assert f"/reversals/{payment.id}" in shown.text
    no_reason = await post_form(
        client, f"{path}/reversals/{payment.id}", {"reason": ""}, from_page=path
    )
    assert no_reason.status_code == 422
    reversed_ = await post_form(
        client,
        f"{path}/reversals/{payment.id}",
        {"reason": "Dubbelbetalning"},
        from_page=path,
    )
    assert reversed_.status_code == 303
    after = await client.get(path)
    assert "Dubbelbetalning" in after.text
    assert f"/reversals/{payment.id}" not in after.text
    assert await _paid(request_id) == (0, 0)


async def test_the_api_records_refuses_and_reverses_payments(client: Client) -> None:
    world = await make_world()
    request_id = await _approved(world)
    officer = await _bearer(world.officer.user_id)
    caseworker = await _bearer(world.caseworker.user_id)
    base = f"/api/v1/support-requests/{request_id}/payments"
    ahead = await client.post(
        base, json={"paid_on": "2030-01-01", "amount": KR, "reference": "V1"}, headers=officer
    )
    assert ahead.status_code == 422
    assert "paid_on" in ahead.json()["errors"]
    made = await client.post(
        base,
        json={"paid_on": today_in_sweden().isoformat(), "amount": 5_000 * KR, "reference": "V1"},
        headers=officer,
    )
    assert made.status_code == 201, made.text
    payment_id = made.json()["id"]
    not_yours = await client.post(
        f"{base}/{payment_id}/reversal", json={"reason": "Fel"}, headers=caseworker
    )
    assert not_yours.status_code == 403
    done = await client.post(
        f"{base}/{payment_id}/reversal", json={"reason": "Fel belopp"}, headers=officer
    )
    assert done.status_code == 200, done.text
    assert done.json()["paid_amount"] == 0
    listed = (await client.get(base, headers=officer)).json()
    assert listed == [
        {
            "id": payment_id,
            "paid_on": today_in_sweden().isoformat(),
            "amount": 5_000 * KR,
            "reference": "V1",
            "reversal_reason": "Fel belopp",
        }
    ]
