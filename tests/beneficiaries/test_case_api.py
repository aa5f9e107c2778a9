"""The API twins of the case page's actions: consent, notes and sharing, with the
pages' rules (owning organisation; a withdrawn consent ends sharing) and problem details."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts import services as accounts
from accounts.domain import Actor, Role
from beneficiaries import services as beneficiaries
from beneficiaries.tables import CaseNote, Share
from tests.accounts.helpers import make_org, make_user
from tests.beneficiaries.helpers import actor_of, make_beneficiary

Client = AsyncTestClient[Litestar]


async def _caseworker(email: str, organisation_id: int) -> tuple[Actor, dict[str, str]]:
    """A caseworker, and the headers of an API token of theirs."""
    user = await make_user(email, organisation_id=organisation_id, role=Role.CASEWORKER)
    actor = await actor_of(user.id)
    _id, token = await accounts.create_token(actor, "api", ["read", "write"])
    return actor, {"Authorization": f"Bearer {token}"}


async def test_consents_notes_and_identity_through_the_api(client: Client) -> None:
    organisation = await make_org()
    actor, headers = await _caseworker("lina@a.example", organisation)
    beneficiary_id = await make_beneficiary(actor)
    base = f"/api/v1/beneficiaries/{beneficiary_id}"

    refused = await client.post(f"{base}/consents", json={"scope": "nonsense"}, headers=headers)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "scope" in refused.json()["errors"]
    given = await client.post(f"{base}/consents", json={"scope": "share_shelter"}, headers=headers)
    assert given.status_code == 201, given.text
    consent = given.json()
    assert consent["scope"] == "share_shelter"
    assert consent["withdrawn_at"] is None
    withdrawn = await client.post(f"{base}/consents/{consent['id']}/withdraw", headers=headers)
    assert withdrawn.json()["withdrawn_at"] is not None
    again = await client.post(f"{base}/consents/{consent['id']}/withdraw", headers=headers)
    assert again.status_code == 404
    listed = await client.get(f"{base}/consents", headers=headers)
    assert [entry["id"] for entry in listed.json()] == [consent["id"]]

    note = await client.post(f"{base}/notes", json={"text": "Talade med Maria."}, headers=headers)
    assert note.status_code == 201
    stored = await CaseNote.select().where(CaseNote.id == note.json()["id"]).first()
    assert "Maria" not in stored["text_encrypted"]  # encrypted at rest
    assert (await beneficiaries.list_notes(actor, beneficiary_id))[0].text == "Talade med Maria."

    _other, other = await _caseworker("olle@b.example", await make_org("Org B", "556677889"))
    assert (await client.get(f"{base}/consents", headers=other)).status_code == 404
    written = await client.post(f"{base}/notes", json={"text": "x"}, headers=other)
    assert written.status_code == 404


async def test_sharing_a_case_and_answering_through_the_api(client: Client) -> None:
    owner_org = await make_org()
    other_org = await make_org("Org B", "556677889")
    actor, headers = await _caseworker("lina@a.example", owner_org)
    _theirs, theirs = await _caseworker("olle@b.example", other_org)
    beneficiary_id = await make_beneficiary(actor)
    base = f"/api/v1/beneficiaries/{beneficiary_id}"

    without_consent = await client.post(
        f"{base}/shares", json={"organisation_id": other_org}, headers=headers
    )
    assert without_consent.status_code in {403, 409, 422}
    await client.post(
        f"{base}/consents",
        json={"scope": "share_organisation", "organisation_id": other_org},
        headers=headers,
    )
    shared = await client.post(
        f"{base}/shares", json={"organisation_id": other_org}, headers=headers
    )
    assert shared.status_code == 201, shared.text
    share_id = shared.json()["id"]
    assert (
        await client.post(
            f"/api/v1/beneficiaries/shares/{share_id}/answer",
            json={"accept": True},
            headers=headers,
        )
    ).status_code == 404  # only the organisation asked answers
    answered = await client.post(
        f"/api/v1/beneficiaries/shares/{share_id}/answer", json={"accept": True}, headers=theirs
    )
    assert answered.status_code == 204
    assert (await Share.select(Share.status).where(Share.id == share_id).first())["status"] == (
        "accepted"
    )
    assert (await client.get(base, headers=theirs)).status_code == 200
