"""The demo fills a programme with requests in every state, and the ledger agrees with it."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts import demo as accounts_demo
from accounts.demo import DEMO_PASSWORD
from beneficiaries import demo as beneficiaries_demo
from grants import demo, services
from grants.domain import State
from grants.tables import Programme, SupportRequest
from tests.accounts import helpers as account_helpers
from tests.accounts.helpers import csrf, sign_in


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


async def test_every_demo_request_page_renders_for_its_caseworker_and_an_officer(
    client: AsyncTestClient[Litestar],
) -> None:
    await accounts_demo.populate()
    await beneficiaries_demo.populate()
    await demo.populate()
    requests = await SupportRequest.select(SupportRequest.id, SupportRequest.state)
    officer = account_helpers.TestUser(
        id=0, email="karin@lansstyrelsen.example", password=DEMO_PASSWORD
    )
    assert (await sign_in(client, officer)).status_code == 303
    for path in ("/grants/queue", "/grants/programmes", "/grants/payments/export"):
        assert (await client.get(path)).status_code == 200, path
    for row in requests:
        page = await client.get(f"/grants/requests/{row['id']}")
        expected = 404 if row["state"] == State.DRAFT else 200
        assert page.status_code == expected, (row, page.text[-500:])
        letter = await client.get(f"/grants/requests/{row['id']}/letter")
        assert letter.status_code in (200, 404)
        if row["state"] in (State.APPROVED, State.REJECTED, State.CLOSED):
            assert letter.status_code == 200, row
    await client.post("/sign-out", data={"_csrf_token": await csrf(client, "/")})
    client.cookies.clear()
    caseworker = account_helpers.TestUser(
        id=0, email="lina@trygghamn.example", password=DEMO_PASSWORD
    )
    assert (await sign_in(client, caseworker)).status_code == 303
    listing = await client.get("/grants/requests")
    assert listing.status_code == 200
    assert (await client.get("/grants/requests/new")).status_code == 200
