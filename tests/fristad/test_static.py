"""Static files: named by a hash of their content and cached for a year, compressed on the wire;
pages are neither cached nor compressed (BREACH)."""

from __future__ import annotations

import re
from pathlib import Path

from litestar import Litestar
from litestar.testing import AsyncTestClient

from fristad.static import FINGERPRINTED, collect, fingerprinted_name

Client = AsyncTestClient[Litestar]
GZIP = {"Accept-Encoding": "gzip"}


async def test_the_page_links_the_stylesheet_and_scripts_by_content_hash(client: Client) -> None:
    page = (await client.get("/")).text
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert links
    for link in links:
        assert re.search(r"\.[0-9a-f]{12}\.", link), link
        answer = await client.get(link)
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == FINGERPRINTED
        assert "content-security-policy" in answer.headers


async def test_static_files_are_gzipped_and_pages_are_not(client: Client) -> None:
    page = await client.get("/", headers=GZIP)
    stylesheet = re.search(r'href="(/static/fristad\.[0-9a-f]+\.css)"', page.text)
    assert stylesheet
    css = await client.get(stylesheet.group(1), headers=GZIP)
    assert css.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in page.headers
    assert page.headers["cache-control"] == "no-store"


async def test_a_plain_name_still_answers_but_is_revalidated(client: Client) -> None:
    css = await client.get("/static/fristad.css")
    assert css.status_code == 200
    assert css.headers["cache-control"] == "no-cache"
    assert (await client.get("/static/nothing-here.css")).status_code == 404
    assert (await client.get("/static/../settings.py")).status_code == 404


def test_a_changed_file_gets_a_new_name(tmp_path: Path) -> None:
    (tmp_path / "site.css").write_text("body { color: black; }")
    before = collect({"": tmp_path}).url("site.css")
    (tmp_path / "site.css").write_text("body { color: navy; }")
    after = collect({"": tmp_path}).url("site.css")
    assert before != after
    assert re.fullmatch(r"/static/site\.[0-9a-f]{12}\.css", after)
    assert fingerprinted_name("vendor/htmx-2/htmx.min.js", b"x").startswith("vendor/htmx-2/htmx.")
