"""Focus after a change (issue 11.15): the next Tab goes on from what changed, and a screen
reader hears it — after showing the identity (htmx swaps the form for it) and after adding a
cost line (the form comes back with one more row, focus on it)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import expect

from beneficiaries.schemas import IdentityForm
from tests.beneficiaries.helpers import make_beneficiary
from tests.browser import ServerProcess
from tests.e2e.test_grants import _sign_in
from tests.grants.helpers import make_world

pytestmark = pytest.mark.browser


async def test_focus_lands_on_the_identity_shown_and_on_the_new_cost_line(
    page: Any, live_server: ServerProcess
) -> None:
    world = await make_world()
    person = await make_beneficiary(world.caseworker, identity=IdentityForm(name="Ana Exempel"))
    await _sign_in(page, live_server, world.caseworker_user, f"/beneficiaries/{person}")

    show = page.locator("#identity button")
    await show.focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("#identity")).to_contain_text("Ana Exempel")
    # Focus moves once htmx has settled the swap (a moment after the text is in).
    await page.wait_for_function(
        "document.activeElement && document.activeElement.closest('#identity') !== null"
    )
    assert await page.evaluate("document.activeElement.tagName") == "DL"
    await expect(page.locator("#announcer")).not_to_have_text("")

    await page.goto(f"{live_server.url}/grants/requests/new")
    rows = await page.locator("input[name=line_description]").count()
    await page.locator("button[name=add_line]").focus()
    await page.keyboard.press("Enter")
    await page.wait_for_load_state()
    await expect(page.locator("input[name=line_description]")).to_have_count(rows + 1)
    assert await page.evaluate("document.activeElement.id") == f"line-{rows + 1}-description"
