"""Follow-up reports (issue 11.4): nonsense is refused with a message naming the bound and the
form keeps what was typed; a sent report is readable by the applicant and waits in the
officers' queue of reports to review until one marks it reviewed; the same through the API."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts import services as accounts
from accounts.tables import User
from fristad.errors import Conflict, InvalidInput
from grants import services
from grants.domain import State
from tests.accounts.helpers import post_form, sign_in
from tests.grants.helpers import KR, World, make_world, submitted_request

Client = AsyncTestClient[Litestar]
OUTCOME = "Överklagandet lämnades in och beslutet om utvisning upphävdes."


async def _approved(world: World) -> int:
    request_id = await submitted_request(world)  # 15 000 kr requested
    await services.decide(world.officer, request_id, 15_000 * KR, "Beviljas")
    return request_id


async def test_implausible_costs_and_a_short_outcome_are_refused_naming_the_bound() -> None:
    world = await make_world()
    request_id = await _approved(world)
    with pytest.raises(InvalidInput) as refused:
        await services.report(world.caseworker, request_id, 10**15, "x")
    assert set(refused.value.errors) == {"actual_costs", "outcome"}
    assert "30" in refused.value.errors["actual_costs"]  # twice the 15 000 kr approved
    assert "20" in refused.value.errors["outcome"]
    record = await services.report(world.caseworker, request_id, 30_000 * KR, OUTCOME)
    assert record.state == State.REPORTED


async def test_the_queue_of_reports_to_review_until_an_officer_has_read_it() -> None:
    world = await make_world()
    request_id = await _approved(world)
    assert await services.reports_to_review(world.officer) == []
    await services.report(world.caseworker, request_id, 14_000 * KR, OUTCOME)
    assert [row.id for row in await services.reports_to_review(world.officer)] == [request_id]
    reviewed = await services.review_report(world.second_officer, request_id)
    assert reviewed.report_reviewed_at is not None
    assert await services.reports_to_review(world.officer) == []
    with pytest.raises(Conflict):
        await services.review_report(world.officer, request_id)


async def _as(client: Client, user: Any) -> None:
    await post_form(client, "/sign-out", {})
    client.cookies.clear()
    await User.update({User.totp_last_step: 0}).where(User.id == user.id)
    assert (await sign_in(client, user)).status_code == 303


async def test_the_pages_keep_a_refused_report_and_show_a_sent_one(client: Client) -> None:
    world = await make_world()
    request_id = await _approved(world)
    path = f"/grants/requests/{request_id}"
    await _as(client, world.caseworker_user)
    refused = await post_form(
        client, f"{path}/report", {"actual_costs": "1000000000", "outcome": "x"}, from_page=path
    )
    assert refused.status_code == 422
    assert 'value="1000000000"' in refused.text
    assert "30\xa0000" in refused.text  # the bound, as an amount
    sent = await post_form(
        client, f"{path}/report", {"actual_costs": "14000", "outcome": OUTCOME}, from_page=path
    )
    assert sent.status_code == 303
    mine = await client.get(path)
    assert 'id="s-report"' in mine.text
    assert OUTCOME in mine.text

    await _as(client, world.officer_user)
    queue = await client.get("/grants/reports")
    assert f'href="/grants/requests/{request_id}#s-report"' in queue.text
    theirs = await client.get(path)
    assert OUTCOME in theirs.text
    assert f"{path}/report-reviewed" in theirs.text
    done = await post_form(client, f"{path}/report-reviewed", {}, from_page=path)
    assert done.status_code == 303
    assert f"/grants/requests/{request_id}#" not in (await client.get("/grants/reports")).text


async def _token(user_id: int) -> dict[str, str]:
    actor = await accounts.load_actor(user_id, session_epoch=None, membership_id=None)
    assert actor is not None
    _id, token = await accounts.create_token(actor, "test", ["read", "write"])
    return {"Authorization": f"Bearer {token}"}


async def test_the_api_twins(client: Client) -> None:
    world = await make_world()
    request_id = await _approved(world)
    caseworker = await _token(world.caseworker.user_id)
    officer = await _token(world.officer.user_id)
    path = f"/api/v1/support-requests/{request_id}/report"
    assert (await client.get(path, headers=caseworker)).status_code == 404  # not sent yet
    nonsense = await client.post(
        path, json={"actual_costs": 10**12, "outcome": "x"}, headers=caseworker
    )
    assert nonsense.status_code in (400, 422)
    sent = await client.post(
        path, json={"actual_costs": 14_000 * KR, "outcome": OUTCOME}, headers=caseworker
    )
    assert sent.status_code == 200, sent.text
    assert (await client.get(path, headers=caseworker)).json()["outcome"] == OUTCOME
    waiting = await client.get("/api/v1/reports", headers=officer)
    assert [row["id"] for row in waiting.json()] == [request_id]
    reviewed = await client.post(
        f"/api/v1/support-requests/{request_id}/report-review", headers=officer
    )
    assert reviewed.status_code == 200, reviewed.text
    assert (await client.get("/api/v1/reports", headers=officer)).json() == []
    assert (await client.get(path, headers=officer)).json()["reviewed_at"] is not None
