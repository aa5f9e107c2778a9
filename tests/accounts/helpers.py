"""Building blocks for accounts tests: organisations, users, and signing in through the pages."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

import pyotp
from stdnum import luhn

from accounts import services
from accounts.domain import Role
from accounts.tables import User
from fristad import crypto

PASSWORD = "korrekt häst batteri häftklammer"


def org_number(first_nine: str) -> str:
    digits = first_nine + luhn.calc_check_digit(first_nine)
    return f"{digits[:6]}-{digits[6:]}"


async def make_org(name: str = "Org A", prefix: str = "802471350", **kinds: bool) -> int:
    return await services.create_organisation(
        None,
        services.NewOrganisation(
            name=name,
            org_number=org_number(prefix),
            is_member_ngo=kinds.get("ngo", True),
            is_authority=kinds.get("authority", False),
            is_shelter_operator=kinds.get("shelter", False),
            is_provider=kinds.get("provider", False),
            is_partner=kinds.get("partner", False),
        ),
    )


@dataclass
class TestUser:
    id: int
    email: str
    password: str = PASSWORD
    totp_secret: str | None = None

    def totp(self, offset_steps: int = 0) -> str:
        assert self.totp_secret
        return pyotp.TOTP(self.totp_secret).at(time.time() + 30 * offset_steps)


async def make_user(
    email: str,
    *,
    organisation_id: int | None = None,
    role: Role | None = None,
    admin: bool = False,
    mfa: bool = False,
    region: str | None = None,
) -> TestUser:
    user_id = await services.create_user(
        email, email.split("@")[0].title(), PASSWORD, is_admin=admin
    )
    if organisation_id is not None and role is not None:
        await services.add_membership(None, user_id, organisation_id, role, region)
    user = TestUser(id=user_id, email=email)
    if mfa:
        secret = pyotp.random_base32()
        await User.update({User.totp_secret: crypto.encrypt(secret), User.mfa_enabled: True}).where(
            User.id == user_id
        )
        user.totp_secret = secret
    return user


def csrf_from(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


async def csrf(client: Any, path: str = "/sign-in") -> str:
    return csrf_from((await client.get(path)).text)


async def post_form(client: Any, path: str, data: dict[str, Any], *, from_page: str = "/") -> Any:
    token = await csrf(client, from_page)
    return await client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)


async def sign_in(client: Any, user: TestUser, *, code: str | None = None) -> Any:
    """Sign in through the real pages: password, then the TOTP code when the user has MFA."""
    response = await post_form(
        client, "/sign-in", {"email": user.email, "password": user.password}, from_page="/sign-in"
    )
    if response.status_code == 303 and response.headers["location"] == "/sign-in/two-factor":
        response = await post_form(
            client,
            "/sign-in/two-factor",
            {"code": code or user.totp()},
            from_page="/sign-in/two-factor",
        )
    return response


def session_cookie(client: Any) -> str | None:
    values = [c.value for c in client.cookies.jar if c.name == "fristad_session"]
    value = values[-1] if values else None
    return None if value in (None, "null") else str(value)
