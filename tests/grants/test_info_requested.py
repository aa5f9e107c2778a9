"""When an officer asks for more information (issue 11.5), the applicant may change the cost
lines and add files, then resubmit with the answer; the officer sees what changed since the
question."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts import services as accounts
from accounts.tables import User
from fristad.errors import Conflict
from grants import services
from grants.domain import State
from grants.tables import SupportRequest
from tests.accounts.helpers import post_form, sign_in
from tests.grants.helpers import KR, World, make_world, request_in, submitted_request

Client = AsyncTestClient[Litestar]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def _asked(world: World) -> tuple[int, int]:
    """A request (Ombud 10 × 1 500 kr, Tolk 4 × 850 kr) the officer asked about; its id and the
    person's."""
    request_id = await submitted_request(
        world, lines=[("Ombud", 10, 1_500 * KR), ("Tolk", 4, 850 * KR)]
    )
    await services.request_info(world.officer, request_id, "Hur många timmar tolk behövs?")
    row = await SupportRequest.select(SupportRequest.beneficiary).where(
        SupportRequest.id == request_id
    )
    return request_id, row[0]["beneficiary"]


async def test_the_applicant_changes_the_lines_and_the_officer_sees_what_changed() -> None:
    world = await make_world()
    request_id, person = await _asked(world)
    changed = request_in(
        world.programme_id,
        person,
        lines=[("Ombud", 12, 1_500 * KR), ("Resa", 1, 900 * KR)],
    )
    saved = await services.save_draft(world.caseworker, changed, request_id)
    assert (saved.state, saved.total) == (State.INFO_REQUESTED, 18_900 * KR)
    await services.add_attachment(world.caseworker, request_id, "intyg.pdf", PDF)
    await services.answer_info(world.caseworker, request_id, "Tolken behövs inte; resa tillkommer.")

    view = await services.get_request(world.officer, request_id)
    assert view.support_request.state == State.SUBMITTED
    assert view.total_asked_about == 18_400 * KR
    assert {(c.description, c.kind, c.before, c.after) for c in view.line_changes} == {
        ("Ombud", "changed", (10, 1_500 * KR), (12, 1_500 * KR)),
        ("Resa", "added", None, (1, 900 * KR)),
        ("Tolk", "removed", (4, 850 * KR), None),
    }
    assert [view.attached_since_question(a) for a in view.attachments] == [True]


async def test_once_resubmitted_or_decided_the_request_cannot_be_changed() -> None:
    world = await make_world()
    request_id, person = await _asked(world)
    await services.answer_info(world.caseworker, request_id, "Se bifogat intyg.")
    with pytest.raises(Conflict):
        await services.save_draft(
            world.caseworker, request_in(world.programme_id, person), request_id
        )


async def _as(client: Client, user: Any) -> None:
    await post_form(client, "/sign-out", {})
    client.cookies.clear()
    await User.update({User.totp_last_step: 0}).where(User.id == user.id)
    assert (await sign_in(client, user)).status_code == 303


async def test_the_pages_let_the_applicant_edit_and_show_the_officer_the_diff(
    client: Client,
) -> None:
    world = await make_world()
    request_id, _person = await _asked(world)
    path = f"/grants/requests/{request_id}"
    await _as(client, world.caseworker_user)
    assert f'href="{path}/edit"' in (await client.get(path)).text
    form = await client.get(f"{path}/edit")
    assert form.status_code == 200
    code = (await services.get_request(world.caseworker, request_id)).support_request
    saved = await post_form(
        client,
        f"{path}/edit",
        {
            "programme_id": str(world.programme_id),
            "beneficiary_code": code.beneficiary_code,
            "category": "legal_aid",
            "urgency": "normal",
            "period_start": "2027-02-01",
            "period_end": "2027-04-30",
            "justification": "Överklagande av utvisningsbeslut kräver ombud.",
            "line_description": ["Ombud", "Tolk"],
            "line_quantity": ["10", "2"],
            "line_unit": ["timme", "timme"],
            "line_unit_price": ["1500", "850"],
        },
        from_page=f"{path}/edit",
    )
    assert saved.status_code == 303, saved.text
    answered = await post_form(
        client, f"{path}/answer", {"text": "Två timmar tolk räcker."}, from_page=path
    )
    assert answered.status_code == 303

    await _as(client, world.officer_user)
    page = await client.get(path)
    assert '<tr data-change="changed"><td>Tolk</td>' in page.text
    assert 'id="total-change"' in page.text


async def _token(user_id: int) -> dict[str, str]:
    actor = await accounts.load_actor(user_id, session_epoch=None, membership_id=None)
    assert actor is not None
    _id, token = await accounts.create_token(actor, "test", ["read", "write"])
    return {"Authorization": f"Bearer {token}"}


async def test_the_api_twins_change_and_answer(client: Client) -> None:
    world = await make_world()
    request_id, person = await _asked(world)
    caseworker = await _token(world.caseworker.user_id)
    body = {
        "programme_id": world.programme_id,
        "beneficiary_id": person,
        "category": "legal_aid",
        "period_start": "2027-02-01",
        "period_end": "2027-04-30",
        "justification": "Överklagande kräver ombud.",
        "lines": [{"description": "Ombud", "quantity": 8, "unit": "h", "unit_price": 150_000}],
    }
    changed = await client.put(
        f"/api/v1/support-requests/{request_id}", json=body, headers=caseworker
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["total"] == 8 * 1_500 * KR
    answered = await client.post(
        f"/api/v1/support-requests/{request_id}/answer",
        json={"text": "Färre timmar."},
        headers=caseworker,
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["state"] == State.SUBMITTED
