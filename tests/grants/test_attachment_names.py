"""Attachments of any name download (the hardening issue, item 6): headers are Latin-1, so the
name goes as RFC 5987 ``filename*`` with an ASCII ``filename`` beside it (RFC 6266)."""

from __future__ import annotations

import io
import re
from urllib.parse import unquote

import pytest

from fristad.web import content_disposition
from grants import services
from tests.accounts.helpers import csrf
from tests.grants.helpers import make_world, submitted_request
from tests.grants.test_pages import PDF, Client, _as

NAMES = ["паспорт.pdf", "Ștefan_Ionescu.pdf", "kvitto 📄😀.pdf", "offert;100%.pdf", "Åsa.pdf"]


@pytest.mark.parametrize("name", NAMES)
async def test_an_attachment_with_a_non_latin_name_uploads_and_downloads(
    client: Client, name: str
) -> None:
    world = await make_world()
    request_id = await submitted_request(world, review=False)
    path = f"/grants/requests/{request_id}"
    await _as(client, world.caseworker_user)
    uploaded = await client.post(
        f"{path}/attachments",
        files={"file": (name, io.BytesIO(PDF), "application/pdf")},
        data={"_csrf_token": await csrf(client, path)},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303
    view = await services.get_request(world.caseworker, request_id)
    download = await client.get(f"{path}/attachments/{view.attachments[0].id}")
    assert download.status_code == 200
    assert download.content == PDF
    disposition = download.headers["content-disposition"]
    disposition.encode("ascii")
    exact = re.search(r"filename\*=UTF-8''([^;\s]+)", disposition)
    assert exact is not None
    assert unquote(exact.group(1)) == name
    fallback = re.search(r'filename="([^"]*)"', disposition)
    assert fallback is not None
    assert fallback.group(1).endswith(".pdf")
    assert (await client.get(path)).status_code == 200


def test_an_ascii_name_needs_no_encoded_form() -> None:
    assert content_disposition("offert.pdf") == 'attachment; filename="offert.pdf"'
