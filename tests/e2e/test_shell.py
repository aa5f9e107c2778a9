"""The shell in a real browser: Swedish by default, English after the switch, keyboard first."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import ServerProcess

pytestmark = pytest.mark.browser


async def _lang(page: Any) -> str:
    return str(await page.locator("html").get_attribute("lang"))


async def test_home_page_switches_from_swedish_to_english(
    page: Any, live_server: ServerProcess
) -> None:
    await page.goto(live_server.url + "/")
    assert await _lang(page) == "sv"
    heading = page.get_by_role("heading", level=1)
    assert (await heading.inner_text()).startswith("Fristad – hjälp")

    await page.get_by_role("button", name="English").click()
    await page.wait_for_function("document.documentElement?.lang === 'en'")
    assert (await heading.inner_text()).startswith("Fristad – help")

    await page.reload()
    assert await _lang(page) == "en"
    await page.get_by_role("button", name="Svenska").click()
    await page.wait_for_function("document.documentElement?.lang === 'sv'")
    assert "Hoppa till innehållet" in await page.content()


async def test_first_tab_reaches_the_skip_link_which_moves_focus_to_main(
    page: Any, live_server: ServerProcess
) -> None:
    await page.goto(live_server.url + "/")
    await page.keyboard.press("Tab")
    focused = await page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Hoppa till innehållet"
    await page.keyboard.press("Enter")
    assert await page.evaluate("document.activeElement.id") == "main"


async def test_htmx_loads_under_the_content_security_policy(
    page: Any, live_server: ServerProcess
) -> None:
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    await page.goto(live_server.url + "/")
    await page.wait_for_function("window.htmx !== undefined")
    assert await page.evaluate("htmx.version") == "2.0.3"
    assert await page.evaluate("htmx.config.historyCacheSize") == 0
    assert await page.evaluate("htmx.config.allowEval") is False
    assert errors == []
