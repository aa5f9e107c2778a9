"""A caseworker in a real browser: register with a mistake, fix it, consent, share, see trail."""

from __future__ import annotations

import re
from typing import Any

import pytest

from accounts.domain import Role
from tests.accounts.helpers import make_org, make_user
from tests.browser import ServerProcess

pytestmark = pytest.mark.browser


async def test_register_fix_consent_share_and_see_the_trail(
    page: Any, live_server: ServerProcess
) -> None:
    home = await make_org("Stiftelsen Trygg Hamn", "802471350")
    await make_org("Föreningen Ljusglimt", "802519264")
    user = await make_user("lina@example.org", organisation_id=home, role=Role.CASEWORKER)
    caseworker_name = "Lina"  # make_user names a user after their address

    await page.goto(live_server.url + "/sign-in?next=/beneficiaries/new")
    await page.locator("#f-email").fill(user.email)
    await page.locator("#f-password").fill(user.password)
    await page.locator("#f-password").press("Enter")
    await page.wait_for_url("**/beneficiaries/new")

    # A mistake: no region and no form of exploitation. htmx swaps in the form with errors.
    await page.locator("#f-gender").select_option("woman")
    await page.locator("#f-name").fill("Maria Exempel")
    submit = page.locator("#record-form button.primary")
    await submit.click()
    region_error = page.locator("#f-region-error")
    await region_error.wait_for()
    assert await page.locator("#f-region").get_attribute("aria-invalid") == "true"
    assert await page.locator("#f-name").input_value() == "Maria Exempel"  # nothing lost
    # Focus moves to the first field in error once htmx has settled the swap.
    await page.wait_for_function(
        "document.activeElement && document.activeElement.getAttribute('aria-invalid') === 'true'"
    )

    await page.locator("#f-region").select_option("stockholm")
    await page.locator("input[name=exploitation_types][value=forced_labour]").check()
    await page.locator("#record-form button.primary").click()
    await page.wait_for_url(re.compile(r".*/beneficiaries/\d+$"))
    code = (await page.locator("h1").inner_text()).split()[0]
    assert len(code) == 7
    assert "Maria Exempel" not in await page.content()

    # The page leads with where the person is now and what waits (issue 11.10).
    first_heading = await page.locator("main h2").first.inner_text()
    assert first_heading in ("Nu", "Now")
    assert "#consent" in await page.locator("#s-now ~ ul a").first.get_attribute("href")

    # Consent to share with Ljusglimt (the form is behind its button), then share.
    assert not await page.locator("#f-scope").is_visible()
    await page.locator("#consent summary").focus()
    await page.keyboard.press("Enter")
    consent_form = page.locator("#consent form.stacked")
    await consent_form.locator("#f-scope").select_option("share_organisation")
    await consent_form.locator("#f-organisation_id").select_option(label="Föreningen Ljusglimt")
    await consent_form.get_by_role("button").click()
    await page.wait_for_load_state()
    assert "Föreningen Ljusglimt" in await page.locator("#consent table").inner_text()

    await page.locator("#sharing summary").click()
    share_form = page.locator("#sharing form.stacked")
    await share_form.locator("#f-organisation_id").select_option(label="Föreningen Ljusglimt")
    await share_form.get_by_role("button").click()
    await page.wait_for_load_state()
    assert "Föreningen Ljusglimt" in await page.locator("#sharing ul").inner_text()

    trail = await page.locator("#s-trail ~ table").inner_text()
    for action in ("beneficiary.created", "consent.recorded", "beneficiary.share_offered"):
        assert action in trail
    # Who did it, by name (not "2 (Handläggare)").
    assert caseworker_name in trail
    assert "Stiftelsen Trygg Hamn" in trail
