"""Beneficiary pages and API: forms with field errors, identity never in a URL, 404 across orgs."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts import services as accounts
from accounts.domain import Role
from accounts.tables import AuditEvent
from beneficiaries import services
from beneficiaries.tables import Beneficiary
from tests.accounts.helpers import make_org, make_user, post_form, sign_in
from tests.beneficiaries.helpers import actor_of, make_beneficiary

Client = AsyncTestClient[Litestar]
VALID = {
    "gender": "woman",
    "birth_year": "1995",
    "citizenship": "RO",
    "languages": ["ro", "en"],
    "exploitation_types": "forced_labour",
    "trafficking_status": "presumed",
    "region": "stockholm",
    "municipality": "0180",
    "needs": ["shelter", "legal_aid"],
    "protected_identity": "none",
    "name": "Maria Exempel",
    "personal_number": "",
}


async def _caseworker(client: Client) -> int:
    organisation = await make_org()
    user = await make_user("lina@a.example", organisation_id=organisation, role=Role.CASEWORKER)
    await sign_in(client, user)
    return user.id


async def test_create_shows_field_errors_then_registers(client: Client) -> None:
    await _caseworker(client)
    invalid = await post_form(
        client,
        "/beneficiaries/",
        {**VALID, "region": "", "personal_number": "123", "exploitation_types": ""},
        from_page="/beneficiaries/new",
    )
    assert invalid.status_code == 422
    assert invalid.text.count('class="field__error"') >= 3
    assert 'id="f-region" name="region" aria-invalid="true"' in invalid.text
    assert 'value="Maria Exempel"' in invalid.text  # nothing typed is lost
    created = await post_form(client, "/beneficiaries/", VALID, from_page="/beneficiaries/new")
    assert created.status_code == 303
    location = created.headers["location"]
    assert re.fullmatch(r"/beneficiaries/\d+", location)
    page = await client.get(location)
    code = (await Beneficiary.select(Beneficiary.code).first())["code"]  # type: ignore[index]
    assert code in page.text
    assert "Maria Exempel" not in page.text  # identity only behind the reveal action
    listing = await client.get("/beneficiaries/")
    assert code in listing.text
    assert "Maria" not in listing.text


async def test_htmx_form_error_returns_the_form_fragment(client: Client) -> None:
    await _caseworker(client)
    response = await post_form(
        client, "/beneficiaries/", {**VALID, "region": ""}, from_page="/beneficiaries/new"
    )
    token = re.search(r'name="_csrf_token" value="([^"]+)"', response.text).group(1)  # type: ignore[union-attr]
    fragment = await client.post(
        "/beneficiaries/",
        data={**VALID, "region": "", "_csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 422
    assert "<html" not in fragment.text
    assert 'id="record-form"' in fragment.text


async def test_identity_is_revealed_by_post_and_never_put_in_a_url(client: Client) -> None:
    user_id = await _caseworker(client)
    actor = await actor_of(user_id)
    from beneficiaries.schemas import IdentityForm

    case = await make_beneficiary(actor, identity=IdentityForm(name="Maria Exempel"))
    assert (await client.get(f"/beneficiaries/{case}/identity")).status_code == 405
    shown = await post_form(
        client, f"/beneficiaries/{case}/identity", {}, from_page=f"/beneficiaries/{case}"
    )
    assert "Maria Exempel" in shown.text
    assert shown.headers["cache-control"] == "no-store"


async def test_other_organisation_gets_404_on_pages_and_api(client: Client) -> None:
    owner_org = await make_org("Org A", "802471350")
    owner = await make_user("a@a.example", organisation_id=owner_org, role=Role.CASEWORKER)
    case = await make_beneficiary(await actor_of(owner.id))
    other_org = await make_org("Org B", "802519264")
    other = await make_user("b@b.example", organisation_id=other_org, role=Role.CASEWORKER)
    await sign_in(client, other)
    assert (await client.get(f"/beneficiaries/{case}")).status_code == 404
    assert (await client.get("/beneficiaries/999999")).status_code == 404
    other_actor = await actor_of(other.id)
    _id, token = await accounts.create_token(other_actor, "api", ["read", "write"])
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get(f"/api/v1/beneficiaries/{case}", headers=headers)).status_code == 404
    assert (await client.get("/api/v1/beneficiaries/", headers=headers)).json() == []


async def test_api_creates_reads_and_updates_with_the_same_rules(client: Client) -> None:
    organisation = await make_org()
    user = await make_user("a@a.example", organisation_id=organisation, role=Role.CASEWORKER)
    actor = await actor_of(user.id)
    _id, token = await accounts.create_token(actor, "api", ["read", "write"])
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "gender": "man",
        "exploitation_types": ["forced_begging"],
        "region": "syd",
        "needs": ["legal_aid"],
        "identity": {"name": "Ion Exempel"},
    }
    created = await client.post("/api/v1/beneficiaries/", json=body, headers=headers)
    assert created.status_code == 201, created.text
    record = created.json()
    assert "identity" not in record
    assert record["code"]
    invalid = await client.post(
        "/api/v1/beneficiaries/", json={**body, "region": "atlantis"}, headers=headers
    )
    assert invalid.status_code == 422
    assert "region" in invalid.json()["errors"]
    updated = await client.put(
        f"/api/v1/beneficiaries/{record['id']}",
        json={**body, "needs": ["shelter"]},
        headers=headers,
    )
    assert updated.json()["needs"] == ["shelter"]
    _rid, read_only = await accounts.create_token(actor, "ro", ["read"])
    refused = await client.post(
        "/api/v1/beneficiaries/", json=body, headers={"Authorization": f"Bearer {read_only}"}
    )
    assert refused.status_code == 403


async def test_closing_needs_a_reason_and_a_confirmation_page(client: Client) -> None:
    user_id = await _caseworker(client)
    case = await make_beneficiary(await actor_of(user_id))
    confirm = await client.get(f"/beneficiaries/{case}/close")
    assert confirm.status_code == 200
    refused = await post_form(
        client, f"/beneficiaries/{case}/status", {"status": "closed"}, from_page=confirm.url.path
    )
    assert refused.status_code == 422
    closed = await post_form(
        client,
        f"/beneficiaries/{case}/status",
        {"status": "closed", "reason": "needs_met"},
        from_page=confirm.url.path,
    )
    assert closed.status_code == 303
    again = await post_form(
        client,
        f"/beneficiaries/{case}/status",
        {"status": "closed", "reason": "needs_met"},
        from_page=f"/beneficiaries/{case}",
    )
    assert again.status_code == 409  # a double-submitted form changes nothing twice


async def test_export_is_a_json_download_of_everything(client: Client) -> None:
    user_id = await _caseworker(client)
    actor = await actor_of(user_id)
    from beneficiaries import services
    from beneficiaries.schemas import IdentityForm

    case = await make_beneficiary(actor, identity=IdentityForm(name="Maria Exempel"))
    await services.add_note(actor, case, "Första samtalet.")
    export = await post_form(
        client, f"/beneficiaries/{case}/export", {}, from_page=f"/beneficiaries/{case}"
    )
    assert export.headers["content-disposition"].startswith("attachment;")
    data = export.json()
    assert data["record"]["identity"]["name"] == "Maria Exempel"
    assert data["notes"][0]["text"] == "Första samtalet."


async def test_an_api_token_does_nothing_on_the_pages(client: Client) -> None:
    """Pages ignore bearer tokens: a read-only token cannot erase, read notes or mint tokens."""
    from beneficiaries import services

    organisation = await make_org()
    user = await make_user("a@a.example", organisation_id=organisation, role=Role.ORG_ADMIN)
    actor = await actor_of(user.id)
    case = await make_beneficiary(actor)
    await services.add_note(actor, case, "Hemlig anteckning")
    _id, token = await accounts.create_token(actor, "ro", ["read"])
    headers = {"Authorization": f"Bearer {token}"}
    csrf_page = await client.get("/sign-in")
    csrf = re.search(r'name="_csrf_token" value="([^"]+)"', csrf_page.text).group(1)  # type: ignore[union-attr]
    notes = await client.get(
        f"/beneficiaries/{case}/notes", headers=headers, follow_redirects=False
    )
    assert notes.status_code == 303
    assert "Hemlig" not in notes.text
    erase = await client.post(
        f"/beneficiaries/{case}/erase",
        data={"_csrf_token": csrf},
        headers=headers,
        follow_redirects=False,
    )
    assert erase.status_code == 303
    assert erase.headers["location"].startswith("/sign-in")
    assert (await Beneficiary.select(Beneficiary.anonymised_at).first())["anonymised_at"] is None  # type: ignore[index]
    mint = await client.post(
        "/account/tokens",
        data={"_csrf_token": csrf, "name": "x", "scopes": "write"},
        headers=headers,
        follow_redirects=False,
    )
    assert mint.status_code == 303
    assert mint.headers["location"].startswith("/sign-in")


async def test_a_record_opened_often_shows_its_newest_events_and_pages_through_the_rest(
    client: Client,
) -> None:
    user_id = await _caseworker(client)
    actor = await actor_of(user_id)
    case = await make_beneficiary(actor)
    for _ in range(260):  # a record opened every working day for a year
        await services.get_beneficiary(actor, case)

    page = await client.get(f"/beneficiaries/{case}")
    trail = page.text[page.text.index('id="s-trail"') :]
    rows = trail[: trail.index("</table>")].count("<tr")
    assert rows == 1 + 50  # the head and the newest 50 (this view's own event first)
    assert f'href="/beneficiaries/{case}/trail"' in trail

    seen: list[int] = []
    path = f"/beneficiaries/{case}/trail"
    while path:
        answer = await client.get(path)
        assert answer.status_code == 200
        seen += [int(i) for i in re.findall(r'<tr data-event="(\d+)"', answer.text)]
        older = re.search(r'href="(/beneficiaries/\d+/trail\?before=\d+)" rel="next"', answer.text)
        path = older.group(1) if older else ""
    events = await AuditEvent.select(AuditEvent.id).where(
        (AuditEvent.object_type == "beneficiary") & (AuditEvent.object_id == str(case))
    )
    assert len(events) > 200  # more than one page of the whole trail
    assert seen == sorted((row["id"] for row in events), reverse=True)  # each once, newest first


async def test_another_organisation_gets_404_on_the_trail(client: Client) -> None:
    owner_org = await make_org("Org A", "802471350")
    owner = await make_user("a@a.example", organisation_id=owner_org, role=Role.CASEWORKER)
    case = await make_beneficiary(await actor_of(owner.id))
    other_org = await make_org("Org B", "802519264")
    other = await make_user("b@b.example", organisation_id=other_org, role=Role.CASEWORKER)
    await sign_in(client, other)
    assert (await client.get(f"/beneficiaries/{case}/trail")).status_code == 404
    assert (await client.get(f"/beneficiaries/{case}/trail?before=abc")).status_code == 400
