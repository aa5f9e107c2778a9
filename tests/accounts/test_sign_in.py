"""Sign-in: passwords, lockout, session renewal and timeouts, MFA, CSRF (ASVS 6.x, 7.x)."""

from __future__ import annotations

import asyncio
import json

import msgspec
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from accounts import services
from accounts.domain import Role
from accounts.tables import AuditEvent
from fristad.app import create_app
from fristad.errors import InvalidInput
from fristad.settings import Settings
from tests.accounts.helpers import (
    PASSWORD,
    make_org,
    make_user,
    post_form,
    session_cookie,
    sign_in,
)

Client = AsyncTestClient[Litestar]
SESSION_PREFIX = "fristad:sessions:"


async def _signed_in_as(client: Client) -> str | None:
    """The name in the header, or None when the page is anonymous."""
    page = await client.get("/account/", follow_redirects=False)
    if page.status_code != 200:
        return None
    return page.text.split('class="account__user" href="/account">', 1)[1].split("<", 1)[0]


async def test_correct_password_signs_in(client: Client) -> None:
    organisation = await make_org()
    user = await make_user("lina@a.example", organisation_id=organisation, role=Role.CASEWORKER)
    response = await sign_in(client, user)
    assert response.status_code == 303
    assert await _signed_in_as(client) == "Lina"
    events = await AuditEvent.select(AuditEvent.action).where(AuditEvent.actor_user_id == user.id)
    assert {"action": "sign_in.succeeded"} in events


async def test_unknown_email_and_wrong_password_get_the_same_answer(client: Client) -> None:
    await make_user("lina@a.example")
    wrong = await post_form(
        client,
        "/sign-in",
        {"email": "lina@a.example", "password": "fel lösenord"},
        from_page="/sign-in",
    )
    unknown = await post_form(
        client,
        "/sign-in",
        {"email": "ingen@a.example", "password": "fel lösenord"},
        from_page="/sign-in",
    )
    assert wrong.status_code == unknown.status_code == 422

    def message(text: str) -> str:
        return text.split('role="alert"><p>', 1)[1].split("<", 1)[0]

    assert message(wrong.text) == message(unknown.text)
    assert await _signed_in_as(client) is None


async def test_lockout_holds_across_two_app_instances_sharing_redis(
    settings: Settings, db: None, redis: Redis
) -> None:
    user = await make_user("lina@a.example")
    async with (
        AsyncTestClient(app=create_app(settings)) as first,
        AsyncTestClient(app=create_app(settings)) as second,
    ):
        for attempt in range(settings.login_max_failures):
            client = first if attempt % 2 else second
            response = await post_form(
                client, "/sign-in", {"email": user.email, "password": "fel"}, from_page="/sign-in"
            )
            assert response.status_code == 422
        # The right password is refused now, on either instance, with the same answer.
        locked = await sign_in(first, user)
        assert locked.status_code == 422
        assert await _signed_in_as(first) is None
        assert (await sign_in(second, user)).status_code == 422
        # Another account is not affected.
        other = await make_user("omar@a.example")
        assert (await sign_in(second, other)).status_code == 303
    failures = await AuditEvent.select(AuditEvent.detail).where(
        AuditEvent.action == "sign_in.failed"
    )
    assert any(json.loads(row["detail"])["reason"] == "locked" for row in failures)


async def test_session_id_is_renewed_at_sign_in(client: Client, redis: Redis) -> None:
    user = await make_user("lina@a.example")
    planted = "a" * 64
    await redis.set(SESSION_PREFIX + planted, msgspec.json.encode({"flash": []}))
    client.cookies.set("fristad_session", planted, domain="testserver.local")
    await sign_in(client, user)
    renewed = session_cookie(client)
    assert renewed is not None
    assert renewed != planted
    assert not await redis.exists(SESSION_PREFIX + planted)
    assert await redis.exists(SESSION_PREFIX + renewed)


async def test_session_id_is_renewed_again_after_the_second_factor(
    client: Client, redis: Redis
) -> None:
    organisation = await make_org("Länsstyrelsen", "202100231", ngo=False, authority=True)
    user = await make_user(
        "karin@l.example", organisation_id=organisation, role=Role.OFFICER, mfa=True
    )
    await post_form(
        client, "/sign-in", {"email": user.email, "password": PASSWORD}, from_page="/sign-in"
    )
    pending = session_cookie(client)
    assert pending is not None
    assert await _signed_in_as(client) is None  # the password alone is not enough
    await post_form(
        client, "/sign-in/two-factor", {"code": user.totp()}, from_page="/sign-in/two-factor"
    )
    signed_in = session_cookie(client)
    assert signed_in not in (None, pending)
    assert not await redis.exists(SESSION_PREFIX + pending)
    assert await _signed_in_as(client) == "Karin"


async def test_session_cookie_flags(client: Client) -> None:
    user = await make_user("lina@a.example")
    response = await sign_in(client, user)
    cookie = next(
        value
        for key, value in response.headers.multi_items()
        if key == "set-cookie" and value.startswith("fristad_session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    assert "Path=/" in cookie


async def test_idle_session_expires_and_activity_keeps_it_alive(
    client: Client, redis: Redis, settings: Settings
) -> None:
    user = await make_user("lina@a.example")
    await sign_in(client, user)
    key = SESSION_PREFIX + str(session_cookie(client))
    idle_limit = settings.session_idle_minutes * 60
    assert 0 < await redis.ttl(key) <= idle_limit
    # Activity renews the idle deadline.
    await redis.expire(key, 100)
    assert await _signed_in_as(client) == "Lina"
    assert await redis.ttl(key) > idle_limit - 10
    # Idle past the limit: Redis drops the session and the next request is anonymous.
    await redis.pexpire(key, 50)
    await asyncio.sleep(0.2)
    assert await _signed_in_as(client) is None


async def test_an_unchanged_session_is_not_written_back_within_a_minute(
    client: Client, redis: Redis, settings: Settings
) -> None:
    user = await make_user("lina@a.example")
    await sign_in(client, user)
    key = SESSION_PREFIX + str(session_cookie(client))
    idle_limit = settings.session_idle_minutes * 60
    # Renewed 30 s ago: reading pages neither rewrites the session nor sends its cookie again.
    await redis.expire(key, idle_limit - 30)
    stored = await redis.get(key)
    page = await client.get("/account/", follow_redirects=False)
    assert page.status_code == 200
    assert not [v for k, v in page.headers.multi_items() if k == "set-cookie" and "session" in v]
    assert await redis.ttl(key) <= idle_limit - 30
    assert await redis.get(key) == stored
    # Renewed 61 s ago: the next request renews it (and the cookie).
    await redis.expire(key, idle_limit - 61)
    page = await client.get("/account/", follow_redirects=False)
    assert [v for k, v in page.headers.multi_items() if k == "set-cookie" and "session" in v]
    assert await redis.ttl(key) > idle_limit - 10


async def test_absolute_timeout_ends_an_active_session(
    client: Client, redis: Redis, settings: Settings
) -> None:
    user = await make_user("lina@a.example")
    await sign_in(client, user)
    key = SESSION_PREFIX + str(session_cookie(client))
    session = json.loads(await redis.get(key))
    session["iat"] -= settings.session_absolute_hours * 3600 - 60  # signed in 11 h 59 min ago
    await redis.set(key, json.dumps(session), keepttl=True)
    assert await _signed_in_as(client) == "Lina"
    session = json.loads(await redis.get(key))
    session["iat"] -= 120  # now 12 h 1 min
    await redis.set(key, json.dumps(session), keepttl=True)
    assert await _signed_in_as(client) is None


async def test_disabled_users_open_session_is_refused_on_the_next_request(
    client: Client, app: Litestar
) -> None:
    organisation = await make_org()
    user = await make_user("lina@a.example", organisation_id=organisation, role=Role.CASEWORKER)
    admin = await make_user("admin@f.example", admin=True)
    await sign_in(client, user)
    assert await _signed_in_as(client) == "Lina"
    admin_actor = await services.load_actor(admin.id, session_epoch=None, membership_id=None)
    assert admin_actor is not None
    await services.set_user_active(admin_actor, user.id, False)
    assert await _signed_in_as(client) is None
    assert (await sign_in(client, user)).status_code == 422


async def test_password_change_ends_the_users_other_sessions(
    settings: Settings, db: None, redis: Redis
) -> None:
    user = await make_user("lina@a.example")
    async with (
        AsyncTestClient(app=create_app(settings)) as laptop,
        AsyncTestClient(app=create_app(settings)) as phone,
    ):
        await sign_in(laptop, user)
        await sign_in(phone, user)
        new_password = "en helt annan fras med ord"
        response = await post_form(
            laptop,
            "/account/password",
            {"current_password": PASSWORD, "password": new_password},
            from_page="/account/",
        )
        assert response.status_code == 303
        assert await _signed_in_as(laptop) == "Lina"
        assert await _signed_in_as(phone) is None


async def test_weak_or_short_passwords_are_refused() -> None:
    from accounts.domain import password_problems

    assert password_problems("kort", user_inputs=[])
    assert password_problems("password1234", user_inputs=[])
    assert password_problems("lina.lindqvist@a.example", user_inputs=["lina.lindqvist@a.example"])
    assert password_problems("qwertyuiopasdf", user_inputs=[])
    assert not password_problems("korrekt häst batteri häftklammer", user_inputs=[])
    long_password = "ett mycket långt lösenord med många ord " * 2  # 80 characters are allowed
    assert not password_problems(long_password, user_inputs=[])


async def test_officer_must_set_up_mfa_before_getting_in(client: Client) -> None:
    import pyotp

    organisation = await make_org("Länsstyrelsen", "202100231", ngo=False, authority=True)
    officer = await make_user("karin@l.example", organisation_id=organisation, role=Role.OFFICER)
    response = await sign_in(client, officer)
    assert response.headers["location"] == "/sign-in/two-factor/setup"
    assert await _signed_in_as(client) is None
    setup = await client.get("/sign-in/two-factor/setup")
    assert "<svg" in setup.text
    secret = setup.text.split('<code class="secret">', 1)[1].split("<", 1)[0].replace(" ", "")
    wrong = await post_form(
        client,
        "/sign-in/two-factor/setup",
        {"code": "000000"},
        from_page="/sign-in/two-factor/setup",
    )
    assert wrong.status_code == 422
    confirmed = await post_form(
        client,
        "/sign-in/two-factor/setup",
        {"code": pyotp.TOTP(secret).now()},
        from_page="/sign-in/two-factor/setup",
    )
    assert confirmed.status_code == 200
    assert confirmed.text.count("<code>") == 10  # recovery codes, shown once
    assert await _signed_in_as(client) == "Karin"


async def test_caseworker_is_not_forced_into_mfa(client: Client) -> None:
    organisation = await make_org()
    user = await make_user("lina@a.example", organisation_id=organisation, role=Role.CASEWORKER)
    response = await sign_in(client, user)
    assert response.headers["location"] == "/"


async def test_mfa_for_everyone_when_configured(settings: Settings, db: None, redis: Redis) -> None:
    user = await make_user("lina@a.example")
    default = await services.authenticate(redis, user.email, PASSWORD, ip=None, settings=settings)
    assert not default.mfa_required
    everyone = msgspec.structs.replace(settings, mfa_required_for_all=True)
    result = await services.authenticate(redis, user.email, PASSWORD, ip=None, settings=everyone)
    assert result.mfa_required


async def test_totp_code_is_refused_on_reuse(client: Client) -> None:
    organisation = await make_org("Länsstyrelsen", "202100231", ngo=False, authority=True)
    officer = await make_user(
        "karin@l.example", organisation_id=organisation, role=Role.OFFICER, mfa=True
    )
    code = officer.totp()
    assert (await sign_in(client, officer, code=code)).status_code == 303
    await post_form(client, "/sign-out", {}, from_page="/account/")
    assert await _signed_in_as(client) is None
    reused = await sign_in(client, officer, code=code)
    assert reused.status_code == 422
    assert await _signed_in_as(client) is None


async def test_one_totp_code_raced_twice_is_accepted_once(db: None, redis: Redis) -> None:
    officer = await make_user("karin@l.example", mfa=True)
    code = officer.totp()
    results = await asyncio.gather(
        *(services.verify_second_factor(redis, officer.id, code, ip=None) for _ in range(4)),
        return_exceptions=True,
    )
    assert sum(result == "totp" for result in results) == 1


async def test_second_factor_guesses_are_limited(client: Client, settings: Settings) -> None:
    officer = await make_user("karin@l.example", mfa=True)
    await post_form(
        client, "/sign-in", {"email": officer.email, "password": PASSWORD}, from_page="/sign-in"
    )
    for _attempt in range(settings.login_max_failures):
        wrong = await post_form(
            client, "/sign-in/two-factor", {"code": "000000"}, from_page="/sign-in/two-factor"
        )
        assert wrong.status_code == 422
    stopped = await post_form(
        client, "/sign-in/two-factor", {"code": officer.totp()}, from_page="/sign-in"
    )
    assert stopped.status_code == 303
    assert stopped.headers["location"] == "/sign-in"  # the half-finished sign-in is gone
    assert await _signed_in_as(client) is None
    locked = await AuditEvent.count().where(AuditEvent.action == "sign_in.mfa_locked")
    assert locked == 1


async def test_simultaneous_guesses_cannot_slip_past_the_lockout(
    db: None, redis: Redis, settings: Settings
) -> None:
    user = await make_user("lina@a.example")

    async def attempt(password: str) -> bool:
        try:
            await services.authenticate(redis, user.email, password, ip=None, settings=settings)
        except InvalidInput:
            return False
        return True

    results = await asyncio.gather(*(attempt("fel lösenord") for _ in range(20)), attempt(PASSWORD))
    assert results[-1] is False  # the right password came with 20 wrong ones: locked
    assert not any(results[:-1])


async def test_recovery_code_signs_in_once(client: Client) -> None:
    officer = await make_user("karin@l.example", mfa=True)
    actor = await services.load_actor(officer.id, session_epoch=None, membership_id=None)
    assert actor is not None
    recovery = await services.new_recovery_codes_for(actor)
    first = await sign_in(client, officer, code=recovery[0].upper().replace("-", " "))
    assert first.status_code == 303
    await post_form(client, "/sign-out", {}, from_page="/account/")
    again = await sign_in(client, officer, code=recovery[0])
    assert again.status_code == 422
    assert await services.recovery_codes_left(officer.id) == 9


async def test_post_without_csrf_token_is_refused(client: Client) -> None:
    user = await make_user("lina@a.example")
    refused = await client.post(
        "/sign-in", data={"email": user.email, "password": PASSWORD}, follow_redirects=False
    )
    assert refused.status_code == 403
    await sign_in(client, user)
    change = await client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": "något helt nytt och långt"},
        follow_redirects=False,
    )
    assert change.status_code == 403


async def test_sign_out_ends_the_session(client: Client, redis: Redis) -> None:
    user = await make_user("lina@a.example")
    await sign_in(client, user)
    key = SESSION_PREFIX + str(session_cookie(client))
    response = await post_form(client, "/sign-out", {}, from_page="/account/")
    assert response.status_code == 303
    assert not await redis.exists(key)
    assert await _signed_in_as(client) is None


async def test_pages_of_signed_in_users_are_not_cached(client: Client) -> None:
    user = await make_user("lina@a.example")
    await sign_in(client, user)
    response = await client.get("/account/")
    assert response.headers["cache-control"] == "no-store"


async def test_sign_in_redirects_only_to_local_paths(client: Client) -> None:
    user = await make_user("lina@a.example")
    response = await post_form(
        client,
        "/sign-in",
        {"email": user.email, "password": PASSWORD, "next": "https://evil.example/"},
        from_page="/sign-in",
    )
    assert response.headers["location"] == "/"


async def test_over_https_the_session_cookie_is_host_only_and_secure(
    settings: Settings, db: None, redis: Redis
) -> None:
    user = await make_user("lina@a.example")
    https_app = create_app(msgspec.structs.replace(settings, https=True))
    async with AsyncTestClient(app=https_app, base_url="https://testserver.local") as client:
        response = await sign_in(client, user)
    cookie = next(
        value
        for key, value in response.headers.multi_items()
        if key == "set-cookie" and value.startswith("__Host-fristad_session=")
    )
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "Path=/" in cookie
    assert "Domain=" not in cookie
    assert response.headers["strict-transport-security"].startswith("max-age=")
