"""A withdrawn consent to share with the funder reaches the support request too: the officer
sees no personal text (page and API), is told why, and the review waits for a new consent."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts import services as accounts
from beneficiaries import services as beneficiaries
from beneficiaries.schemas import ConsentForm
from fristad.errors import Conflict, PermissionDenied
from fristad.i18n import LOCALE_COOKIE
from grants import services
from grants.tables import Decision, SupportRequest
from tests.accounts.helpers import post_form, sign_in
from tests.beneficiaries.helpers import make_beneficiary
from tests.grants.helpers import KR, World, make_world, request_in

Client = AsyncTestClient[Litestar]
GAP = "Hon saknar uppehållstillstånd och socialtjänsten i Malmö har avslagit."
JUSTIFICATION = "Ombud för överklagandet av Amira Haddads utvisning."
LINE = "Ombud åt Amira i Migrationsdomstolen"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def _request_in_review(world: World) -> tuple[int, int]:
    """A request with a gap explanation, in review; returns (request id, beneficiary id)."""
    beneficiary_id = await make_beneficiary(world.caseworker, consents=("share_funder",))
    support_request = request_in(world.programme_id, beneficiary_id, lines=[(LINE, 10, 1_500 * KR)])
    support_request.justification = JUSTIFICATION
    support_request.gap = GAP
    request_id = await services.create_request(world.caseworker, support_request)
    await services.add_attachment(world.caseworker, request_id, "Amira_Haddad_beslut.pdf", PDF)
    await services.submit(world.caseworker, request_id)
    await services.start_review(world.officer, request_id)
    return request_id, beneficiary_id


async def _withdraw_funder_consent(world: World, beneficiary_id: int) -> None:
    for consent in await beneficiaries.consents_of(world.caseworker, beneficiary_id):
        if consent.scope == "share_funder" and consent.withdrawn_at is None:
            await beneficiaries.withdraw_consent(world.caseworker, beneficiary_id, consent.id)


async def _token(user_id: int) -> dict[str, str]:
    actor = await accounts.load_actor(user_id, session_epoch=None, membership_id=None)
    assert actor is not None
    _id, token = await accounts.create_token(actor, "test", ["read", "write"])
    return {"Authorization": f"Bearer {token}"}


async def _state(request_id: int) -> Any:
    row = await SupportRequest.select(SupportRequest.state).where(SupportRequest.id == request_id)
    return row[0]["state"]


async def test_officer_sees_no_personal_text_and_cannot_decide_after_withdrawal() -> None:
    world = await make_world()
    request_id, beneficiary_id = await _request_in_review(world)
    before = await services.get_request(world.officer, request_id)
    assert (before.gap, before.support_request.consent_withdrawn) == (GAP, False)

    await _withdraw_funder_consent(world, beneficiary_id)

    view = await services.get_request(world.officer, request_id)
    assert view.support_request.consent_withdrawn
    assert (view.gap, view.justification, view.attachments, view.profile) == ("", "", (), None)
    assert [line.description for line in view.support_request.lines] == [""]
    assert view.support_request.total == 15_000 * KR  # the money stays visible
    assert not view.actions & {"reject", "request_info", "approve"}
    queue = await services.review_queue(world.officer)
    assert [(r.id, r.consent_withdrawn) for r in queue] == [(request_id, True)]
    attachment_id = (await services.get_request(world.caseworker, request_id)).attachments[0].id
    with pytest.raises(PermissionDenied, match="återkallat sitt samtycke"):
        await services.open_attachment(world.officer, request_id, attachment_id)

    for step in (
        services.decide(world.officer, request_id, 15_000 * KR, "Beviljas"),
        services.decide(world.officer, request_id, 0, "Avslås"),
        services.request_info(world.officer, request_id, "Hur gammal är hon?"),
    ):
        with pytest.raises(Conflict, match="återkallat sitt samtycke"):
            await step
    assert await _state(request_id) == "in_review"
    assert await Decision.count().where(Decision.request == request_id) == 0

    # The caseworker still sees everything on the request of their own organisation.
    own = await services.get_request(world.caseworker, request_id)
    assert (own.gap, own.support_request.consent_withdrawn) == (GAP, False)

    # Consent given again: the review goes on.
    await beneficiaries.record_consent(
        world.caseworker, beneficiary_id, ConsentForm(scope="share_funder")
    )
    assert (await services.get_request(world.officer, request_id)).gap == GAP
    result = await services.decide(world.officer, request_id, 15_000 * KR, "Beviljas")
    assert result.state == "approved"


async def test_the_request_page_says_consent_was_withdrawn_in_swedish_and_english(
    client: Client,
) -> None:
    world = await make_world()
    request_id, beneficiary_id = await _request_in_review(world)
    await _withdraw_funder_consent(world, beneficiary_id)
    await sign_in(client, world.officer_user)
    page = await client.get(f"/grants/requests/{request_id}")
    assert page.status_code == 200
    for personal in (GAP, JUSTIFICATION, LINE, "Amira_Haddad_beslut.pdf"):
        assert personal not in page.text
    assert 'id="consent-withdrawn"' in page.text
    assert "återkallat sitt samtycke" in page.text
    assert 'action="/grants/requests/' + str(request_id) + '/decide"' not in page.text
    queue = await client.get("/grants/queue")
    assert "samtycke återkallat" in queue.text

    refused = await post_form(
        client,
        f"/grants/requests/{request_id}/decide",
        {"outcome": "approve", "amount": "15000", "reason": "Beviljas"},
        from_page=f"/grants/requests/{request_id}",
    )
    assert refused.status_code in (409, 422)
    assert "återkallat sitt samtycke" in refused.text
    assert GAP not in refused.text
    assert await Decision.count().where(Decision.request == request_id) == 0

    client.cookies.set(LOCALE_COOKIE, "en", domain="testserver.local")
    english = await client.get(f"/grants/requests/{request_id}")
    assert "withdrawn their consent to share with the funder" in english.text


async def test_api_shows_no_personal_text_and_refuses_the_decision(client: Client) -> None:
    world = await make_world()
    request_id, beneficiary_id = await _request_in_review(world)
    officer = await _token(world.officer.user_id)
    await _withdraw_funder_consent(world, beneficiary_id)

    one = await client.get(f"/api/v1/support-requests/{request_id}", headers=officer)
    assert one.status_code == 200
    assert one.json()["consent_withdrawn"] is True
    assert LINE not in one.text
    assert GAP not in one.text
    listed = await client.get("/api/v1/support-requests", headers=officer)
    assert [(r["id"], r["consent_withdrawn"]) for r in listed.json()] == [(request_id, True)]
    assert LINE not in listed.text

    refused = await client.post(
        f"/api/v1/support-requests/{request_id}/decision",
        json={"amount": 15_000 * KR, "reason": "Beviljas"},
        headers=officer,
    )
    assert refused.status_code == 409
    assert "återkallat sitt samtycke" in refused.text
    assert await _state(request_id) == "in_review"
    assert await Decision.count().where(Decision.request == request_id) == 0

    caseworker = await _token(world.caseworker.user_id)
    own = await client.get(f"/api/v1/support-requests/{request_id}", headers=caseworker)
    assert own.json()["consent_withdrawn"] is False
    assert own.json()["lines"][0]["description"] == LINE
