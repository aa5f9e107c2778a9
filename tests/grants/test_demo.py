"""The demo fills a programme with requests in every state, and the ledger agrees with it."""

from __future__ import annotations

from accounts import demo as accounts_demo
from beneficiaries import demo as beneficiaries_demo
from grants import demo, services
from grants.domain import State
from grants.tables import Programme, SupportRequest


async def test_demo_has_requests_in_every_state_some_acute_and_a_consistent_ledger() -> None:
    await accounts_demo.populate()
    await beneficiaries_demo.populate()
    lines = await demo.populate()
    assert "80 support requests" in lines[0]
    states = {row["state"] for row in await SupportRequest.select(SupportRequest.state)}
    assert states == {str(state) for state in State}
    assert await SupportRequest.count().where(SupportRequest.urgency == "acute") > 5
    assert await services.ledger_check() == []
    again = await demo.populate()
    assert "nothing added" in again[0]
    assert await Programme.count() == 1
