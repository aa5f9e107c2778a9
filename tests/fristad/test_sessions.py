"""Sessions only for people who sign in: a request without a session cookie leaves nothing in
Redis (the hardening issue, item 4), and signing in, CSRF and flashes still work."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from accounts import services
from accounts.domain import Role
from tests.accounts.helpers import make_org, make_user, session_cookie, sign_in
from tests.beneficiaries.helpers import actor_of

Client = AsyncTestClient[Litestar]
SESSIONS = "fristad:sessions:*"


async def _session_keys(redis: Redis) -> list[bytes]:
    return [key async for key in redis.scan_iter(match=SESSIONS)]


async def test_cookieless_requests_create_no_session(client: Client, redis: Redis) -> None:
    organisation = await make_org()
    user = await make_user("lina@a.example", organisation_id=organisation, role=Role.ORG_ADMIN)
    _id, token = await services.create_token(await actor_of(user.id), "test", ["read"])
    bearer = {"Authorization": f"Bearer {token}"}
    paths = ["/", "/sign-in", "/password/forgot", "/healthz", "/no-such-page", "/shelters/"]
    for _round in range(10):
        for path in paths:
            client.cookies.clear()
            assert (await client.get(path)).status_code < 500
        client.cookies.clear()
        assert (await client.get("/api/v1/me", headers=bearer)).status_code == 200
        client.cookies.clear()
        assert (await client.get(f"/api/v1/organisations/{organisation}")).status_code == 401
    assert await _session_keys(redis) == []


async def test_a_made_up_session_cookie_is_cleared_not_stored(client: Client, redis: Redis) -> None:
    client.cookies.set("fristad_session", "b" * 64, domain="testserver.local")
    response = await client.get("/")
    assert response.status_code == 200
    assert await _session_keys(redis) == []
    assert session_cookie(client) is None


async def test_signing_in_without_a_session_still_works_and_makes_one(
    client: Client, redis: Redis
) -> None:
    user = await make_user("lina@a.example")
    assert (await client.get("/sign-in")).status_code == 200
    assert await _session_keys(redis) == []
    response = await sign_in(client, user)
    assert response.status_code == 303
    keys = await _session_keys(redis)
    assert len(keys) == 1
    assert keys[0].decode().endswith(str(session_cookie(client)))


async def test_the_sign_in_form_still_checks_csrf_without_a_session(
    client: Client, redis: Redis
) -> None:
    """Litestar's CSRF token is a signed cookie of its own (double submit), not session data."""
    user = await make_user("lina@a.example")
    await client.get("/sign-in")
    refused = await client.post(
        "/sign-in",
        data={"email": user.email, "password": user.password, "_csrf_token": "forged"},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    client.cookies.clear()
    without = await client.post(
        "/sign-in", data={"email": user.email, "password": user.password}, follow_redirects=False
    )
    assert without.status_code == 403
    assert await _session_keys(redis) == []
