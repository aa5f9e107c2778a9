"""Who may read the development outbox: a password-reset link in it is the credential itself.

The whole application, in the default mode (FRISTAD_ENV=development, no SMTP server): only a
signed-in system admin sees the outbox or any message in it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from accounts.domain import Role
from accounts.web import system_admin
from fristad.app import create_app
from fristad.mail import list_outbox
from fristad.outbox import outbox_enabled
from fristad.settings import Settings
from tests.accounts.helpers import make_org, make_user, post_form, sign_in
from tests.jobs import run_queued_jobs

Client = AsyncTestClient[Litestar]


@pytest.fixture
def development(settings: Settings, tmp_path: Path) -> Settings:
    """The default mode: development, mails written to an outbox of this test's own."""
    return msgspec.structs.replace(settings, env="development", smtp_url="", var_dir=str(tmp_path))


@pytest.fixture
async def dev_client(development: Settings, db: None, redis: Redis) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(development)) as client:
        yield client


async def _reset_link_for_an_officer(client: Client, settings: Settings) -> tuple[str, str]:
    """Someone asks for an officer's password reset; returns the outbox message name and the
    link's token path."""
    authority = await make_org("Länsstyrelsen", "202100625", ngo=False, authority=True)
    await make_user("olle@lst.example", organisation_id=authority, role=Role.OFFICER, mfa=True)
    asked = await post_form(
        client, "/password/forgot", {"email": "olle@lst.example"}, from_page="/password/forgot"
    )
    assert asked.status_code == 200
    await run_queued_jobs(settings)
    [entry] = list_outbox(settings)
    assert entry.to == "olle@lst.example"
    return entry.name, "/password/reset/"


def _shows_nothing_of_the_outbox(response: object, reset_path: str) -> None:
    text = getattr(response, "text", "")
    assert "outbox-heading" not in text
    assert "message-heading" not in text
    assert "olle@lst.example" not in text
    assert reset_path not in text


async def test_anonymous_visitor_is_sent_to_sign_in_and_sees_no_mail(
    dev_client: Client, development: Settings
) -> None:
    name, reset_path = await _reset_link_for_an_officer(dev_client, development)
    for path in ("/dev/outbox", "/dev/outbox/", f"/dev/outbox/{name}"):
        response = await dev_client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/sign-in?next=")
        _shows_nothing_of_the_outbox(response, reset_path)
    fragment = await dev_client.get(f"/dev/outbox/{name}", headers={"HX-Request": "true"})
    assert fragment.status_code == 204
    assert fragment.headers["hx-redirect"].startswith("/sign-in?next=")
    _shows_nothing_of_the_outbox(fragment, reset_path)


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.ORG_ADMIN, Role.OFFICER])
async def test_signed_in_user_who_is_not_a_system_admin_gets_not_found(
    dev_client: Client, development: Settings, role: Role
) -> None:
    name, reset_path = await _reset_link_for_an_officer(dev_client, development)
    officer = role == Role.OFFICER
    organisation = await make_org("Org A", "802471350", ngo=not officer, authority=officer)
    user = await make_user("lina@a.example", organisation_id=organisation, role=role, mfa=True)
    assert (await sign_in(dev_client, user)).status_code == 303
    for path in ("/dev/outbox", f"/dev/outbox/{name}"):
        response = await dev_client.get(path, follow_redirects=False)
        assert response.status_code == 404, path
        _shows_nothing_of_the_outbox(response, reset_path)


async def test_system_admin_reads_the_outbox_in_development(
    dev_client: Client, development: Settings
) -> None:
    name, reset_path = await _reset_link_for_an_officer(dev_client, development)
    admin = await make_user("admin@f.example", admin=True, mfa=True)
    assert (await sign_in(dev_client, admin)).status_code == 303
    listing = await dev_client.get("/dev/outbox")
    assert listing.status_code == 200
    assert "olle@lst.example" in listing.text
    assert listing.headers["cache-control"] == "no-store"
    message = await dev_client.get(f"/dev/outbox/{name}")
    assert message.status_code == 200
    assert reset_path in message.text
    assert message.headers["cache-control"] == "no-store"


def test_every_outbox_route_of_the_app_is_for_system_admins(development: Settings) -> None:
    """Any route under /dev/outbox (a later raw download too) sits behind both guards."""
    app = create_app(development)
    handlers = [
        handler
        for route in app.routes
        if route.path.startswith("/dev/outbox")
        for handler in getattr(route, "route_handlers", ())
    ]
    # Litestar answers OPTIONS on every path by itself (the allowed methods, nothing else).
    content = [handler for handler in handlers if handler.http_methods != {"OPTIONS"}]
    assert len(content) == 2
    for handler in content:
        # Litestar wraps sync guards; .func is the guard itself.
        guards = [getattr(guard, "func", guard) for guard in handler.resolve_guards()]
        assert guards.index(outbox_enabled) < guards.index(system_admin), handler
