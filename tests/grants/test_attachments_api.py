"""The API twin of attaching a file to a support request: the page's rules (the file's first
bytes decide its type, the applicant only, before the decision), and its download."""

from __future__ import annotations

import io

from accounts import services as accounts
from tests.grants.helpers import make_world, submitted_request
from tests.grants.test_pages import PDF, Client


async def test_the_applicant_uploads_and_downloads_an_attachment_through_the_api(
    client: Client,
) -> None:
    world = await make_world()
    request_id = await submitted_request(world, review=False)
    _id, token = await accounts.create_token(world.caseworker, "api", ["read", "write"])
    bearer = {"Authorization": f"Bearer {token}"}
    path = f"/api/v1/support-requests/{request_id}/attachments"

    fake = await client.post(
        path,
        files={"file": ("x.pdf", io.BytesIO(b"MZ not a pdf"), "application/pdf")},
        headers=bearer,
    )
    assert fake.status_code == 422
    assert "file" in fake.json()["errors"]
    uploaded = await client.post(
        path, files={"file": ("паспорт.pdf", io.BytesIO(PDF), "application/pdf")}, headers=bearer
    )
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.json()["filename"] == "паспорт.pdf"
    assert uploaded.json()["content_type"] == "application/pdf"

    download = await client.get(f"{path}/{uploaded.json()['id']}", headers=bearer)
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["cache-control"] == "no-store"
    assert (await client.get(f"{path}/{uploaded.json()['id']}")).status_code == 401
