"""The bed board in real browsers: an operator changes a count, and another person's open board
shows the new number without a reload (server-sent events)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from tests.browser import ServerProcess
from tests.shelters.helpers import make_world

pytestmark = pytest.mark.browser


async def _sign_in(page: Any, server: ServerProcess, user: Any) -> None:
    await page.goto(server.url + "/sign-in")
    await page.locator("#f-email").fill(user.email)
    await page.locator("#f-password").fill(user.password)
    await page.locator("#f-password").press("Enter")
    # Shelter staff start on their beds, everyone else on the home page.
    await page.wait_for_url(lambda url: "/sign-in" not in url)


async def test_operator_changes_a_count_and_another_board_shows_it_without_reload(
    page: Any, browser: Any, live_server: ServerProcess
) -> None:
    world = await make_world(capacity=4)
    viewer_context = await browser.new_context(locale="sv-SE")
    viewer = await viewer_context.new_page()
    try:
        await _sign_in(viewer, live_server, world.caseworker)
        await viewer.goto(live_server.url + "/shelters/")
        free = viewer.locator(f'[data-category="{world.category_id}"]')
        await expect(free).to_have_text("4")
        await expect(viewer.locator('[data-live="ready"]')).to_have_count(1)
        await viewer.evaluate("window.loadedOnce = true")  # gone if the page reloads

        await _sign_in(page, live_server, world.staff)
        await page.goto(f"{live_server.url}/shelters/operate/{world.shelter_id}")
        row = page.locator(f"#category-{world.category_id}")
        await row.get_by_role("button", name="En ledig plats färre – Kvinnoavdelning").click()
        await expect(row.locator("[data-free]")).to_have_text("3")

        await expect(free).to_have_text("3", timeout=2000)
        assert await viewer.evaluate("window.loadedOnce === true")  # the same page, not reloaded
    finally:
        await viewer_context.close()
