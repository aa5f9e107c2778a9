"""Grants through the real pages and the API: caseworker and officer, attachments, letter,
exports."""

from __future__ import annotations

import io
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts import services as accounts
from accounts.domain import Role
from accounts.tables import User
from beneficiaries import services as beneficiaries
from grants import services
from grants.tables import Budget, LedgerEntry, SupportRequest
from tests.accounts.helpers import csrf, make_org, make_user, post_form, sign_in
from tests.beneficiaries.helpers import make_beneficiary
from tests.grants.helpers import (
    KR,
    World,
    make_world,
    request_in,
    submitted_request,
    today_in_sweden,
)

Client = AsyncTestClient[Litestar]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


async def _as(client: Client, user: Any) -> None:
    """Sign out and in as ``user``; a TOTP code counts once, so the test forgets the last one."""
    await post_form(client, "/sign-out", {})
    client.cookies.clear()
    await User.update({User.totp_last_step: 0}).where(User.id == user.id)
    response = await sign_in(client, user)
    assert response.status_code == 303, response.text


async def _committed(world: World) -> int:
    row = (
        await Budget.select(Budget.committed)
        .where((Budget.programme == world.programme_id) & (Budget.category == "legal_aid"))
        .first()
    )
    assert row is not None
    return int(row["committed"])


async def test_caseworker_applies_officer_asks_caseworker_answers_officer_approves_part(
    client: Client,
) -> None:
    world = await make_world()
    beneficiary_id = await make_beneficiary(world.caseworker, consents=("share_funder",))
    code = (await beneficiaries.case_for(world.caseworker, beneficiary_id))["code"]
    await _as(client, world.caseworker_user)

    totals = await client.post(
        "/grants/requests/totals",
        data={
            "line_description": ["Ombud", "Tolk"],
            "line_quantity": ["10", "4"],
            "line_unit": ["timme", "timme"],
            "line_unit_price": ["1500", "850,50"],
            "_csrf_token": await csrf(client, "/grants/requests/new"),
        },
        headers={"HX-Request": "true"},
    )
    assert totals.status_code == 200
    assert "18\xa0402" in totals.text  # 15 000 + 3 402 kr

    created = await post_form(
        client,
        "/grants/requests/new",
        {
            "programme_id": str(world.programme_id),
            "beneficiary_code": code,
            "category": "legal_aid",
            "urgency": "acute",
            "period_start": "2027-02-01",
            "period_end": "2027-04-30",
            "justification": "Överklagande kräver ombud och tolk.",
            "gap": "",
            "line_description": ["Ombud", "Tolk"],
            "line_quantity": ["10", "4"],
            "line_unit": ["timme", "timme"],
            "line_unit_price": ["1500", "850"],
        },
        from_page="/grants/requests/new",
    )
    assert created.status_code == 303, created.text
    path = created.headers["location"]
    request_id = int(path.rsplit("/", 1)[-1])
    row = await SupportRequest.select().where(SupportRequest.id == request_id).first()
    assert row is not None
    assert row["total"] == 18_400 * KR
    submitted = await post_form(client, f"{path}/submit", {}, from_page=path)
    assert submitted.status_code == 303

    await _as(client, world.officer_user)
    queue = await client.get("/grants/queue")
    assert f"/grants/requests/{request_id}" in queue.text
    assert (await post_form(client, f"{path}/review", {}, from_page=path)).status_code == 303
    review = await client.get(path)
    assert "budget-left" in review.text
    assert code in review.text
    asked = await post_form(client, f"{path}/info", {"text": "Bifoga offert."}, from_page=path)
    assert asked.status_code == 303

    await _as(client, world.caseworker_user)
    answered = await post_form(
        client, f"{path}/answer", {"text": "Offert bifogad."}, from_page=path
    )
    assert answered.status_code == 303

    await _as(client, world.officer_user)
    await post_form(client, f"{path}/review", {}, from_page=path)
    form = {"outcome": "approve", "amount": "12000", "reason": "Tolkkostnaden ryms inte."}
    decided = await post_form(client, f"{path}/decide", form, from_page=path)
    assert decided.status_code == 303
    again = await post_form(client, f"{path}/decide", form, from_page=path)
    assert again.status_code == 422
    assert await _committed(world) == 12_000 * KR
    assert await LedgerEntry.count().where(LedgerEntry.kind == "commitment") == 1
    overview = await client.get("/grants/programmes")
    assert "12\xa0000" in overview.text

    letter = await client.get(f"{path}/letter")
    assert letter.status_code == 200
    assert "tolvtusen kronor" in letter.text
    assert "Karin" in letter.text


async def test_executable_renamed_pdf_is_refused_and_other_organisations_get_404(
    client: Client,
) -> None:
    world = await make_world()
    request_id = await submitted_request(world, review=False)
    path = f"/grants/requests/{request_id}"
    await _as(client, world.caseworker_user)
    token = await csrf(client, path)
    refused = await client.post(
        f"{path}/attachments",
        files={"file": ("offert.pdf", io.BytesIO(EXECUTABLE), "application/pdf")},
        data={"_csrf_token": token},
    )
    assert refused.status_code == 422
    too_large = await client.post(
        f"{path}/attachments",
        files={"file": ("big.pdf", io.BytesIO(PDF + b"0" * (10 * 1024 * 1024)), "application/pdf")},
        data={"_csrf_token": token},
    )
    assert too_large.status_code == 422
    accepted = await client.post(
        f"{path}/attachments",
        files={"file": ("offert.exe", io.BytesIO(PDF), "application/octet-stream")},
        data={"_csrf_token": token},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    view = await services.get_request(world.caseworker, request_id)
    assert [(a.content_type, a.size) for a in view.attachments] == [("application/pdf", len(PDF))]
    attachment_path = f"{path}/attachments/{view.attachments[0].id}"
    own = await client.get(attachment_path)
    assert own.status_code == 200
    assert own.content == PDF
    assert own.headers["content-type"].startswith("application/pdf")

    other_org = await make_org("Föreningen Ljusglimt", "802519264")
    stranger = await make_user(
        "maja@other.example", organisation_id=other_org, role=Role.CASEWORKER
    )
    await _as(client, stranger)
    assert (await client.get(attachment_path)).status_code == 404
    assert (await client.get(path)).status_code == 404
    missing = await client.get(f"{path}/attachments/999999")
    assert missing.status_code == 404


async def test_payments_export_as_csv_and_xlsx(client: Client) -> None:
    world = await make_world()
    request_id = await submitted_request(world)
    await services.decide(world.officer, request_id, 15_000 * KR, "Beviljas")
    await services.record_payment(world.officer, request_id, today_in_sweden(), 5_000 * KR, "=V1")
    await _as(client, world.officer_user)
    paid_on = today_in_sweden().isoformat()
    query = f"/grants/payments/export?start={paid_on}&end={paid_on}"
    exported = await client.get(query + "&format=csv")
    assert exported.status_code == 200
    text = exported.content.decode("utf-8-sig")
    assert "5000.00" in text
    assert "'=V1" in text
    workbook = await client.get(query + "&format=xlsx")
    assert workbook.status_code == 200
    assert workbook.content[:2] == b"PK"


async def _token(user_id: int) -> dict[str, str]:
    actor = await accounts.load_actor(user_id, session_epoch=None, membership_id=None)
    assert actor is not None
    _id, token = await accounts.create_token(actor, "test", ["read", "write"])
    return {"Authorization": f"Bearer {token}"}


async def test_api_follows_the_same_rules(client: Client) -> None:
    world = await make_world()
    request_id = await submitted_request(world)
    officer = await _token(world.officer.user_id)
    caseworker = await _token(world.caseworker.user_id)
    programmes = await client.get("/api/v1/programmes", headers=officer)
    assert programmes.status_code == 200
    budgets = {b["category"]: b for b in programmes.json()[0]["budgets"]}
    assert budgets["legal_aid"]["remaining"] == 1_000_000 * KR

    listed = await client.get("/api/v1/support-requests", headers=caseworker)
    assert [r["id"] for r in listed.json()] == [request_id]
    refused = await client.post(
        f"/api/v1/support-requests/{request_id}/decision",
        json={"amount": 15_000 * KR, "reason": "Själv"},
        headers=caseworker,
    )
    assert refused.status_code == 403
    too_much = await client.post(
        f"/api/v1/support-requests/{request_id}/decision",
        json={"amount": 20_000 * KR, "reason": "För mycket"},
        headers=officer,
    )
    assert too_much.status_code == 422
    decided = await client.post(
        f"/api/v1/support-requests/{request_id}/decision",
        json={"amount": 15_000 * KR, "reason": "Beviljas"},
        headers=officer,
    )
    assert decided.status_code == 200
    assert decided.json()["state"] == "approved"
    twice = await client.post(
        f"/api/v1/support-requests/{request_id}/decision",
        json={"amount": 15_000 * KR, "reason": "Beviljas"},
        headers=officer,
    )
    assert twice.status_code == 409
    schema = await client.get("/schema/openapi.json")
    assert "/api/v1/support-requests" in schema.json()["paths"]
    assert "/api/v1/programmes" in schema.json()["paths"]


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_amount_in_words(locale: str) -> None:
    from grants.domain import amount_in_words

    expected: dict[str, Any] = {
        "sv": "tolvtusen femhundra kronor och femtio öre",
        "en": "twelve thousand, five hundred Swedish kronor and fifty öre",
    }
    assert amount_in_words(1_250_050, locale) == expected[locale]


async def test_decision_letter_is_in_the_applicants_language(client: Client) -> None:
    world = await make_world()
    await User.update({User.locale: "en"}).where(User.id == world.caseworker.user_id)
    request_id = await submitted_request(world)
    await services.decide(world.officer, request_id, 12_500 * KR, "Reasonable level.")
    await _as(client, world.officer_user)
    letter = await client.get(f"/grants/requests/{request_id}/letter")
    assert letter.status_code == 200
    assert 'lang="en"' in letter.text
    assert "twelve thousand, five hundred Swedish kronor" in letter.text
    assert "Reasonable level." in letter.text


async def test_api_creates_a_draft_with_computed_totals_that_officers_cannot_see(
    client: Client,
) -> None:
    world = await make_world()
    beneficiary_id = await make_beneficiary(world.caseworker, consents=("share_funder",))
    caseworker = await _token(world.caseworker.user_id)
    officer = await _token(world.officer.user_id)
    payload = {
        "programme_id": world.programme_id,
        "beneficiary_id": beneficiary_id,
        "category": "shelter",
        "period_start": "2027-03-01",
        "period_end": "2027-03-31",
        "justification": "Skyddat boende i 30 nätter.",
        "urgency": "acute",
        "lines": [
            {
                "description": "Natt",
                "quantity": 30,
                "unit": "natt",
                "unit_price": 1_250 * KR,
                "total": 1,
            },
        ],
    }
    created = await client.post("/api/v1/support-requests", json=payload, headers=caseworker)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["state"], body["total"]) == ("draft", 37_500 * KR)
    assert (
        await client.get(f"/api/v1/support-requests/{body['id']}", headers=officer)
    ).status_code == 404
    submitted = await client.post(
        f"/api/v1/support-requests/{body['id']}/submit", headers=caseworker
    )
    assert submitted.json()["decide_by"] is not None
    seen = await client.get(f"/api/v1/support-requests/{body['id']}", headers=officer)
    assert seen.status_code == 200


async def test_caseworker_edits_a_draft_but_not_a_submitted_request(client: Client) -> None:
    world = await make_world()
    beneficiary_id = await make_beneficiary(world.caseworker, consents=("share_funder",))
    request_id = await services.create_request(
        world.caseworker, request_in(world.programme_id, beneficiary_id)
    )
    code = (await beneficiaries.case_for(world.caseworker, beneficiary_id))["code"]
    path = f"/grants/requests/{request_id}/edit"
    await _as(client, world.caseworker_user)
    form_page = await client.get(path)
    assert form_page.status_code == 200
    assert 'value="1500"' in form_page.text
    form = {
        "programme_id": str(world.programme_id),
        "beneficiary_code": code,
        "category": "legal_aid",
        "urgency": "normal",
        "period_start": "2027-02-01",
        "period_end": "2027-04-30",
        "justification": "Ombud behövs.",
        "line_description": ["Ombud", "Resa"],
        "line_quantity": ["8", "1"],
        "line_unit": ["timme", "resa"],
        "line_unit_price": ["1500", "600"],
    }
    saved = await post_form(client, path, form, from_page=path)
    assert saved.status_code == 303, saved.text
    row = await SupportRequest.select().where(SupportRequest.id == request_id).first()
    assert row is not None
    assert row["total"] == 12_600 * KR
    await services.submit(world.caseworker, request_id)
    refused = await post_form(client, path, form, from_page=f"/grants/requests/{request_id}")
    assert refused.status_code == 422
