"""Each role starts on its own work after signing in (issue 11.9), in a real browser: the
caseworker on Today with the request an officer asked about, the officer on the queue."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from tests.browser import ServerProcess
from tests.grants.helpers import make_world, submitted_request

pytestmark = pytest.mark.browser


async def _sign_in_from_the_home_page(page: Any, server: ServerProcess, user: Any) -> None:
    await page.goto(f"{server.url}/sign-in")
    await page.locator("#f-email").fill(user.email)
    await page.locator("#f-password").fill(user.password)
    await page.locator("#f-password").press("Enter")
    if user.totp_secret:
        await page.wait_for_url("**/sign-in/two-factor")
        await page.locator("#f-code").fill(user.totp())
        await page.locator("#f-code").press("Enter")
    await page.wait_for_url(lambda url: "/sign-in" not in url)


async def test_a_caseworker_lands_on_today_and_an_officer_on_the_queue(
    browser: Any, live_server: ServerProcess
) -> None:
    world = await make_world()
    request_id = await submitted_request(world, review=False)

    for user, start, heading in (
        (world.caseworker_user, "/today", "Idag"),
        (world.officer_user, "/grants/queue", None),
    ):
        context = await browser.new_context(locale="sv-SE")
        try:
            page = await context.new_page()
            await _sign_in_from_the_home_page(page, live_server, user)
            assert page.url == live_server.url + start
            if heading:
                await expect(page.locator("h1")).to_have_text(heading)
            # The request waits for a decision: on the caseworker's Today, in the officer's queue.
            await expect(page.locator(f'a[href="/grants/requests/{request_id}"]')).to_be_visible()
        finally:
            await context.close()
