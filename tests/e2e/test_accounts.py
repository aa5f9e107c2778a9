"""Accounts in a real browser: password and TOTP, organisation switch, language, sign-out."""

from __future__ import annotations

from typing import Any

import pytest

from accounts import services
from accounts.domain import Role
from tests.accounts.helpers import make_org, make_user
from tests.browser import ServerProcess

pytestmark = pytest.mark.browser


async def test_sign_in_with_totp_switch_organisation_and_language_then_sign_out(
    page: Any, live_server: ServerProcess
) -> None:
    ngo = await make_org("Stiftelsen Trygg Hamn", "802471350")
    shelter = await make_org("Skyddade boendet Fyrbåken", "559310478", ngo=False, shelter=True)
    user = await make_user("maja@example.org", organisation_id=ngo, role=Role.CASEWORKER, mfa=True)
    await services.add_membership(None, user.id, shelter, Role.SHELTER_STAFF)

    await page.goto(live_server.url + "/sign-in")
    await page.locator("#f-email").fill(user.email)
    await page.locator("#f-password").fill(user.password)
    await page.locator("#f-password").press("Enter")
    await page.wait_for_url("**/sign-in/two-factor")
    await page.locator("#f-code").fill(user.totp())
    await page.locator("#f-code").press("Enter")
    # The home page, or the beds when the shelter membership is the active one (its start page).
    await page.wait_for_url(lambda url: "/sign-in" not in url)
    assert await page.locator(".account__user").inner_text() == "Maja"

    switcher = page.locator("#context-switch")
    selected = await switcher.locator("option:checked").inner_text()
    assert selected.startswith("Skyddade boendet Fyrbåken") or selected.startswith("Stiftelsen")
    other = (
        "Stiftelsen Trygg Hamn" if selected.startswith("Skyddade") else "Skyddade boendet Fyrbåken"
    )
    option_value = await switcher.locator(f"option:has-text('{other}')").get_attribute("value")
    await switcher.select_option(option_value)
    await page.locator(".context-switch button").click()
    await page.wait_for_load_state()
    now_selected = await page.locator("#context-switch option:checked").inner_text()
    assert now_selected.startswith(other)

    await page.get_by_role("button", name="English").click()
    await page.wait_for_function("document.documentElement?.lang === 'en'")
    assert (
        await page.locator(".site-header form[action='/sign-out'] button").inner_text()
        == "Sign out"
    )

    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_url(live_server.url + "/")
    assert await page.locator(".account__user").inner_text() == "Sign in"
    await page.goto(live_server.url + "/account/")
    assert "/sign-in" in page.url
