"""The web shell: pages, languages, htmx fragments, security headers, CSRF, error pages."""

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from fristad.app import create_app
from fristad.settings import Settings

Client = AsyncTestClient[Litestar]


async def _csrf(client: Client) -> str:
    page = await client.get("/")
    match = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert match
    return match.group(1)


async def test_home_page_is_swedish_by_default(client: Client) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert '<html lang="sv">' in response.text
    assert "Hoppa till innehållet" in response.text
    assert "Stödprogram mot människohandel" in response.text


async def test_browser_language_is_used_when_the_user_has_not_chosen(client: Client) -> None:
    response = await client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in response.text
    assert "Skip to content" in response.text


async def test_language_switch_is_a_post_that_remembers_the_choice(client: Client) -> None:
    token = await _csrf(client)
    response = await client.post(
        "/language",
        data={"locale": "en", "next": "/", "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    set_cookie = response.headers["set-cookie"].lower()
    assert "fristad_lang=en" in set_cookie
    assert "httponly" in set_cookie
    assert "samesite=lax" in set_cookie
    page = await client.get("/", headers={"Accept-Language": "sv"})
    assert '<html lang="en">' in page.text


async def test_language_switch_does_not_redirect_off_site(client: Client) -> None:
    token = await _csrf(client)
    response = await client.post(
        "/language",
        data={"locale": "sv", "next": "//evil.example/", "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


async def test_language_switch_via_get_changes_nothing(client: Client) -> None:
    response = await client.get("/language?locale=en")
    assert response.status_code == 405
    assert "set-cookie" not in {key.lower() for key in response.headers if "lang" in key}
    assert "fristad_lang" not in response.headers.get("set-cookie", "")


async def test_post_without_csrf_token_is_refused(client: Client) -> None:
    response = await client.post("/language", data={"locale": "en"}, follow_redirects=False)
    assert response.status_code == 403
    assert "fristad_lang" not in response.headers.get("set-cookie", "")


async def test_post_with_csrf_header_as_htmx_sends_it_is_accepted(client: Client) -> None:
    token = await _csrf(client)
    response = await client.post(
        "/language",
        data={"locale": "en"},
        headers={"x-csrftoken": token, "HX-Request": "true"},
        follow_redirects=False,
    )
    assert response.status_code == 303


async def test_page_carries_the_security_headers(client: Client) -> None:
    response = await client.get("/")
    headers = response.headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert "camera=()" in headers["permissions-policy"]
    assert headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in headers


async def test_pages_have_no_inline_script(client: Client) -> None:
    html = (await client.get("/")).text
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag
    assert not re.search(r"<script[^>]*>\s*[^<\s]", html)
    assert " on" not in " ".join(re.findall(r"<[^>]+\son[a-z]+=", html))


async def test_https_deployment_adds_hsts_and_secure_host_cookies(
    settings: Settings, db: None
) -> None:
    import msgspec

    https_app = create_app(msgspec.structs.replace(settings, https=True))
    async with AsyncTestClient(app=https_app, base_url="https://testserver.local") as client:
        response = await client.get("/")
    assert response.headers["strict-transport-security"].startswith("max-age=")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-fristad_csrf=")
    assert "Secure" in cookie
    assert "HttpOnly" in cookie


async def test_static_files_may_be_cached_pages_may_not(client: Client) -> None:
    css = await client.get("/static/fristad.css")
    assert css.status_code == 200
    assert css.headers.get("cache-control") != "no-store"
    assert "content-security-policy" in css.headers


async def test_htmx_is_served_from_static_at_the_pinned_version(client: Client) -> None:
    page = (await client.get("/")).text
    src = re.search(r'<script src="(/static/vendor/htmx-[^"]+)"', page)
    assert src
    script = await client.get(src.group(1))
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert 'version:"2.0.3"' in script.text.replace(" ", "")


async def test_htmx_is_configured_for_privacy_and_422_swaps(client: Client) -> None:
    page = (await client.get("/")).text
    config = re.search(r'<meta name="htmx-config" content="([^"]+)"', page)
    assert config
    value = config.group(1).replace("&#34;", '"')
    assert '"historyCacheSize":0' in value
    assert '"allowEval":false' in value
    assert '"includeIndicatorStyles":false' in value
    assert '{"code":"422","swap":true}' in value
    assert 'hx-headers=\'{"x-csrftoken": "' in page


async def test_htmx_request_gets_a_fragment_and_a_plain_request_the_page(client: Client) -> None:
    fragment = await client.get("/", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text
    assert "<h1" in fragment.text
    boosted = await client.get("/", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.text


async def test_not_found_page_is_in_the_users_language(client: Client) -> None:
    swedish = await client.get("/finns-inte")
    assert swedish.status_code == 404
    assert "Sidan hittades inte" in swedish.text
    assert swedish.headers["content-security-policy"]
    english = await client.get("/finns-inte", headers={"Accept-Language": "en"})
    assert "Page not found" in english.text


async def test_api_errors_are_json(client: Client) -> None:
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 404
    assert response.json()["title"] == "Not Found"


async def test_head_request_answers_with_headers_only(client: Client) -> None:
    response = await client.head("/")
    assert response.status_code == 200
    assert response.headers["content-security-policy"]
    assert response.content == b""


async def test_layout_has_landmarks_skip_link_and_labelled_controls(client: Client) -> None:
    html = (await client.get("/")).text
    assert re.search(r'<a class="skip-link" href="#main">', html)
    assert '<main id="main"' in html
    assert "<header" in html
    assert "<footer" in html
    assert '<nav class="site-nav" aria-label=' in html
    for button in re.findall(r"<button[^>]*>([^<]*)</button>", html):
        assert button.strip()


async def test_an_unexpected_error_is_a_500_page_in_the_users_language(
    settings: Settings, db: None
) -> None:
    from litestar import get

    @get("/test-breaks", sync_to_thread=False)
    def breaks() -> str:
        raise RuntimeError("secret internal detail")

    app = create_app(settings)
    app.register(breaks)
    async with AsyncTestClient(app=app) as client:
        swedish = await client.get("/test-breaks")
        english = await client.get("/test-breaks", headers={"Accept-Language": "en"})
    assert swedish.status_code == 500
    assert "Något gick fel" in swedish.text
    assert "Something went wrong" in english.text
    assert "secret internal detail" not in swedish.text + english.text
    assert "Traceback" not in swedish.text


def test_secret_link_tokens_never_reach_the_access_log() -> None:
    import logging

    from fristad.security import ScrubSecretsFilter

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/password/reset/s3cr3t-token?x=1", "1.1", 200),
        None,
    )
    ScrubSecretsFilter().filter(record)
    line = record.getMessage()
    assert "s3cr3t-token" not in line
    assert "/password/reset/…" in line


def test_a_served_process_logs_no_single_use_link_tokens(live_server: Any) -> None:
    import httpx

    httpx.get(f"{live_server.url}/invitations/tok-abc123-secret")
    httpx.get(f"{live_server.url}/password/reset/tok-def456-secret")
    httpx.get(f"{live_server.url}/healthz")
    log = live_server.log()
    assert '"GET /healthz' in log  # access logging is on
    assert "tok-abc123-secret" not in log
    assert "tok-def456-secret" not in log
