"""Officers' work (issue 11.11): an acute request and a decision waiting for a second officer
are told to the programme's officers in the app and by mail, without personal data; the queue
shows deadlines and assignees; an officer takes a request ("assigned to me")."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts import services as accounts
from accounts.tables import User
from beneficiaries.tables import Beneficiary
from fristad.errors import Conflict
from fristad.mail import list_outbox, read_outbox
from fristad.settings import Settings
from grants import services
from grants.tables import SupportRequest
from tests.accounts.helpers import post_form, sign_in
from tests.grants.helpers import KR, make_officer, make_world, submitted_request
from tests.jobs import run_queued_jobs

Client = AsyncTestClient[Litestar]


async def test_officers_hear_of_an_acute_request_and_of_a_decision_to_confirm(
    settings: Settings, tmp_path: Path
) -> None:
    world = await make_world(threshold=1_000 * KR)
    # Each mail in its recipient's language
    await User.update({User.locale: "en"}).where(User.id == world.officer.user_id)
    acute = await submitted_request(world, urgency="acute", review=False)
    normal = await submitted_request(world)
    await services.decide(world.officer, normal, 15_000 * KR, "Beviljas, över gränsen")

    mine = await services.take_notices(world.officer)
    assert [(n.kind, n.support_request_id) for n in mine] == [("acute", acute)]
    theirs = await services.take_notices(world.second_officer)
    assert [(n.kind, n.support_request_id) for n in theirs] == [
        ("confirmation", normal),
        ("acute", acute),
    ]
    assert await services.take_notices(world.second_officer) == []  # shown once

    outbox_settings = msgspec.structs.replace(settings, smtp_url="", var_dir=str(tmp_path))
    await run_queued_jobs(outbox_settings)
    mails = [entry for entry in list_outbox(outbox_settings) if entry.to != world.caseworker.email]
    assert sorted((entry.to, entry.subject) for entry in mails) == sorted(
        [
            (world.officer.email, "Fristad: an acute support request waits for a decision"),
            (world.second_officer.email, "Fristad: en akut stödansökan väntar på beslut"),
            (world.second_officer.email, "Fristad: ett beslut väntar på en andra handläggare"),
        ]
    )
    codes = [row["code"] for row in await Beneficiary.select(Beneficiary.code)]
    for entry in mails:
        message = read_outbox(outbox_settings, entry.name)
        assert message is not None
        assert "/grants/requests/" in message.text
        assert not any(code in message.text + entry.subject for code in codes)
        assert "Ombud" not in message.text
        assert "utvisningsbeslut" not in message.text


async def test_the_queue_is_ordered_by_deadline_and_an_officer_takes_a_request() -> None:
    world = await make_world()
    normal = await submitted_request(world)
    acute = await submitted_request(world, urgency="acute")
    queue = await services.review_queue(world.officer)
    assert [row.id for row in queue] == [acute, normal]
    assert queue[0].decide_by is not None
    assert queue[1].decide_by is not None
    assert (queue[1].decide_by - queue[0].decide_by).days >= 28  # 24 hours against 30 days

    taken = await services.take_request(world.officer, acute)
    assert taken.assigned_to == world.officer.user_id
    assert [row.id for row in await services.review_queue(world.officer, mine=True)] == [acute]
    assert await services.review_queue(world.second_officer, mine=True) == []


async def test_many_officers_taking_at_once_leave_one_assignee() -> None:
    world = await make_world()
    request_id = await submitted_request(world)
    officers = [world.officer, world.second_officer]
    for index in range(8):
        officer, _user = await make_officer(f"taker{index}@lst.example", world.authority_id)
        officers.append(officer)
    outcomes = await asyncio.gather(
        *(services.take_request(officer, request_id) for officer in officers),
        return_exceptions=True,
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    row = await SupportRequest.select(SupportRequest.assigned_to).where(
        SupportRequest.id == request_id
    )
    assert row[0]["assigned_to"] in {officer.user_id for officer in officers}


async def test_a_decided_request_cannot_be_taken() -> None:
    world = await make_world()
    request_id = await submitted_request(world)
    await services.decide(world.officer, request_id, 15_000 * KR, "Beviljas")
    with pytest.raises(Conflict):
        await services.take_request(world.second_officer, request_id)


async def _as(client: Client, user: Any) -> None:
    await post_form(client, "/sign-out", {})
    client.cookies.clear()
    await User.update({User.totp_last_step: 0}).where(User.id == user.id)
    assert (await sign_in(client, user)).status_code == 303


async def test_the_queue_page_shows_deadline_assignee_and_notices(client: Client) -> None:
    world = await make_world()
    acute = await submitted_request(world, urgency="acute", review=False)
    await _as(client, world.officer_user)
    page = await client.get("/grants/queue")
    assert 'id="s-notices"' in page.text
    assert f'<a href="/grants/requests/{acute}">#{acute}</a>:' in page.text
    assert '<td class="deadline">' in page.text
    taken = await post_form(client, f"/grants/requests/{acute}/take", {}, from_page="/grants/queue")
    assert taken.status_code == 303
    mine = await client.get("/grants/queue?mine=true")
    assert '<td class="assignee">' in mine.text
    assert f"/grants/requests/{acute}/take" not in mine.text  # mine already
    assert 'id="s-notices"' not in mine.text  # the notice was shown once
    await _as(client, world.second_officer_user)
    assert '<td class="assignee">' not in (await client.get("/grants/queue?mine=true")).text
    assert world.officer.name in (await client.get("/grants/queue")).text


async def test_the_api_twins(client: Client) -> None:
    world = await make_world()
    acute = await submitted_request(world, urgency="acute", review=False)
    actor = await accounts.load_actor(world.officer.user_id, session_epoch=None, membership_id=None)
    assert actor is not None
    _id, token = await accounts.create_token(actor, "test", ["read", "write"])
    headers = {"Authorization": f"Bearer {token}"}
    notices = await client.get("/api/v1/notices", headers=headers)
    assert [(n["kind"], n["support_request_id"]) for n in notices.json()] == [("acute", acute)]
    taken = await client.post(f"/api/v1/support-requests/{acute}/assignment", headers=headers)
    assert taken.status_code == 200, taken.text
    assert taken.json()["assigned_to"] == world.officer.user_id
