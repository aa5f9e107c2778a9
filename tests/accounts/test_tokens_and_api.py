"""API tokens: hashed, scoped, revocable; an id of another organisation is a 404."""

from __future__ import annotations

import os
import subprocess
import sys

from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts import services
from accounts.domain import Role
from accounts.tables import ApiToken
from tests.accounts.helpers import make_org, make_user, org_number, post_form, sign_in

Client = AsyncTestClient[Litestar]


async def _token(email: str, organisation_id: int, role: Role, scopes: list[str]) -> str:
    user = await make_user(email, organisation_id=organisation_id, role=role)
    actor = await services.load_actor(user.id, session_epoch=None, membership_id=None)
    assert actor is not None
    _id, token = await services.create_token(actor, "test", scopes)
    return token


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_token_of_organisation_a_gets_404_for_organisation_b(client: Client) -> None:
    org_a = await make_org("Org A", "802471350")
    org_b = await make_org("Org B", "802519264")
    await make_user("b@b.example", organisation_id=org_b, role=Role.CASEWORKER)
    token = await _token("a@a.example", org_a, Role.ORG_ADMIN, ["read"])

    own = await client.get(f"/api/v1/organisations/{org_a}", headers=_bearer(token))
    assert own.status_code == 200
    assert own.json()["name"] == "Org A"
    other = await client.get(f"/api/v1/organisations/{org_b}", headers=_bearer(token))
    assert other.status_code == 404
    members = await client.get(f"/api/v1/organisations/{org_b}/members", headers=_bearer(token))
    assert members.status_code == 404
    assert "Org B" not in other.text + members.text
    missing = await client.get("/api/v1/organisations/999999", headers=_bearer(token))
    assert missing.status_code == 404
    assert missing.json() == other.json()


async def test_token_is_stored_as_a_hash_and_identifies_its_role(client: Client) -> None:
    organisation = await make_org()
    token = await _token("a@a.example", organisation, Role.CASEWORKER, ["read"])
    stored = await ApiToken.select(ApiToken.token_hash, ApiToken.prefix).first()
    assert stored is not None
    assert token not in str(stored)
    assert token.startswith(stored["prefix"])
    me = await client.get("/api/v1/me", headers=_bearer(token))
    assert me.json()["role"] == "caseworker"
    assert me.json()["scopes"] == ["read"]


async def test_unknown_revoked_and_session_requests_get_401(client: Client) -> None:
    organisation = await make_org()
    user = await make_user("a@a.example", organisation_id=organisation, role=Role.CASEWORKER)
    actor = await services.load_actor(user.id, session_epoch=None, membership_id=None)
    assert actor is not None
    token_id, token = await services.create_token(actor, "test", ["read"])
    assert (await client.get("/api/v1/me", headers=_bearer("fri_nope"))).status_code == 401
    await services.revoke_token(actor, token_id)
    assert (await client.get("/api/v1/me", headers=_bearer(token))).status_code == 401
    # A browser session never works on the (CSRF-exempt) API.
    await sign_in(client, user)
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_token_scope_limits_what_it_may_do(db: None) -> None:
    from accounts.policy import has_permission

    organisation = await make_org()
    read_only = await _token("a@a.example", organisation, Role.ORG_ADMIN, ["read"])
    actor = await services.actor_for_token(read_only)
    assert actor is not None
    assert has_permission(actor, "members.read", organisation)
    assert not has_permission(actor, "members.manage", organisation)
    assert not has_permission(actor, "organisation.create")


async def test_tokens_are_created_and_revoked_in_the_profile(client: Client) -> None:
    organisation = await make_org()
    user = await make_user("a@a.example", organisation_id=organisation, role=Role.CASEWORKER)
    await sign_in(client, user)
    created = await post_form(
        client, "/account/tokens", {"name": "bokning", "scopes": "read"}, from_page="/account/"
    )
    token = created.text.split('<code class="secret">', 1)[1].split("<", 1)[0]
    assert (await client.get("/api/v1/me", headers=_bearer(token))).status_code == 200
    assert token not in (await client.get("/account/")).text  # shown once
    row = await ApiToken.select(ApiToken.id).first()
    assert row is not None
    await post_form(client, f"/account/tokens/{row['id']}/revoke", {}, from_page="/account/")
    assert (await client.get("/api/v1/me", headers=_bearer(token))).status_code == 401


async def test_only_org_admins_create_admin_tokens(db: None) -> None:
    import pytest

    from fristad.errors import InvalidInput

    organisation = await make_org()
    user = await make_user("a@a.example", organisation_id=organisation, role=Role.CASEWORKER)
    actor = await services.load_actor(user.id, session_epoch=None, membership_id=None)
    assert actor is not None
    with pytest.raises(InvalidInput):
        await services.create_token(actor, "x", ["admin"])


def test_cli_creates_user_and_token(db: None) -> None:
    env = {**os.environ, "FRISTAD_PASSWORD": "korrekt häst batteri häftklammer"}

    def fristad(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "fristad", *arguments],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    import asyncio

    organisation = asyncio.run(make_org("Org A", "802471350"))
    assert organisation
    made = fristad(
        "createuser",
        "--email",
        "Cli@A.example",
        "--org",
        org_number("802471350"),
        "--role",
        "org_admin",
    )
    assert made.returncode == 0, made.stderr
    token = fristad("token", "create", "--user", "cli@a.example", "--scope", "read")
    assert token.returncode == 0, token.stderr
    assert token.stdout.strip().startswith("fri_")
    weak = subprocess.run(
        [sys.executable, "-m", "fristad", "createuser", "--email", "w@a.example"],
        env={**os.environ, "FRISTAD_PASSWORD": "password123"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert weak.returncode != 0
    assert "Traceback" not in weak.stderr
