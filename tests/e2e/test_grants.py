"""Grants in a real browser: a caseworker applies with two cost lines, an officer asks for more
information, the caseworker answers, the officer approves part, the budget overview changes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import expect

from beneficiaries import services as beneficiaries
from tests.beneficiaries.helpers import make_beneficiary
from tests.browser import ServerProcess
from tests.grants.helpers import make_world

pytestmark = pytest.mark.browser


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


async def _sign_in(page: Any, server: ServerProcess, user: Any, target: str) -> None:
    await page.goto(f"{server.url}/sign-in?next={target}")
    await page.locator("#f-email").fill(user.email)
    await page.locator("#f-password").fill(user.password)
    await page.locator("#f-password").press("Enter")
    if user.totp_secret:
        await page.wait_for_url("**/sign-in/two-factor")
        await page.locator("#f-code").fill(user.totp())
        await page.locator("#f-code").press("Enter")
    await page.wait_for_url(f"**{target}")


async def test_apply_ask_answer_approve_part_and_see_the_budget_change(
    page: Any, browser: Any, live_server: ServerProcess
) -> None:
    world = await make_world()
    beneficiary_id = await make_beneficiary(world.caseworker, consents=("share_funder",))
    code = (await beneficiaries.case_for(world.caseworker, beneficiary_id))["code"]

    # The caseworker fills in a request with two cost lines; the total follows the typing.
    await _sign_in(page, live_server, world.caseworker_user, "/grants/requests/new")
    await page.locator("#f-beneficiary_code").fill(code)
    await page.locator("#f-category").select_option("legal_aid")
    await page.locator("#f-period_start").fill("2027-02-01")
    await page.locator("#f-period_end").fill("2027-04-30")
    await page.locator("#line-1-description").fill("Ombud")
    await page.locator("#line-1-quantity").fill("10")
    await page.locator("#line-1-price").fill("1500")
    await page.locator("#line-2-description").fill("Tolk")
    await page.locator("#line-2-quantity").fill("4")
    await page.locator("#line-2-price").fill("850")
    await expect(page.locator("#totals strong")).to_have_text(re.compile(r"18\s?400"))
    await page.locator("#f-justification").fill("Överklagande kräver ombud och tolk.")
    await page.locator("form.request-form button.primary").click()
    await page.wait_for_url(re.compile(r".*/grants/requests/\d+$"))
    request_path = page.url.removeprefix(live_server.url)
    assert _digits(await page.locator("#request-total").inner_text()) == "18400"
    await page.locator(f"form[action='{request_path}/submit'] button").click()
    await page.wait_for_load_state()

    # The officer, in a browser of their own, takes it up and asks for more information.
    officer_context = await browser.new_context(locale="sv-SE")
    officer_context.set_default_timeout(10_000)
    officer = await officer_context.new_page()
    try:
        await _sign_in(officer, live_server, world.officer_user, "/grants/queue")
        await officer.locator(f"a[href='{request_path}']").click()
        await officer.locator(f"form[action='{request_path}/review'] button").click()
        await officer.locator("#f-question").wait_for()
        assert code in await officer.locator("#s-profile ~ dl").inner_text()
        await officer.locator("#f-question").fill("Bifoga offert från ombudet.")
        await officer.locator(f"form[action='{request_path}/info'] button").click()
        await officer.wait_for_load_state()

        # The caseworker answers.
        await page.goto(live_server.url + request_path)
        assert "Bifoga offert" in await page.locator(".question").inner_text()
        await page.locator("#f-answer").fill("Offerten är bifogad.")
        await page.locator(f"form[action='{request_path}/answer'] button").click()
        await page.wait_for_load_state()

        # The officer reviews again and approves part of it; the budget overview shows it.
        await officer.goto(live_server.url + "/grants/programmes")
        before = _digits(
            await officer.locator("tr[data-category=legal_aid] .remaining").inner_text()
        )
        await officer.goto(live_server.url + request_path)
        assert "Offerten är bifogad." in await officer.locator(".answer").inner_text()
        await officer.locator(f"form[action='{request_path}/review'] button").click()
        await officer.wait_for_load_state()
        await officer.locator("#f-amount").wait_for()
        await officer.locator("#f-amount").fill("12000")
        await officer.locator("#f-reason").fill("Tolkkostnaden ryms inte i programmet.")
        await officer.locator("form.decision-form button.primary").click()
        await officer.wait_for_load_state()
        await officer.locator("#approved-amount").wait_for(timeout=30_000)
        assert _digits(await officer.locator("#approved-amount").inner_text()) == "12000"
        await officer.goto(live_server.url + "/grants/programmes")
        committed = officer.locator("tr[data-category=legal_aid] .committed")
        assert _digits(await committed.inner_text()) == "12000"
        after = _digits(
            await officer.locator("tr[data-category=legal_aid] .remaining").inner_text()
        )
        assert int(before) - int(after) == 12000
    finally:
        await officer_context.close()
