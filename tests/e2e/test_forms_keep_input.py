"""A refused registration keeps everything typed (issue 11.2): a non-numeric child age used to
empty the whole form."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.domain import Role
from tests.accounts.helpers import make_org, make_user
from tests.browser import ServerProcess

pytestmark = pytest.mark.browser


async def test_a_non_numeric_child_age_keeps_the_whole_registration_form(
    page: Any, live_server: ServerProcess
) -> None:
    home = await make_org("Stiftelsen Trygg Hamn", "802471350")
    user = await make_user("lina@example.org", organisation_id=home, role=Role.CASEWORKER)
    await page.goto(live_server.url + "/sign-in?next=/beneficiaries/new")
    await page.locator("#f-email").fill(user.email)
    await page.locator("#f-password").fill(user.password)
    await page.locator("#f-password").press("Enter")
    await page.wait_for_url("**/beneficiaries/new")

    await page.locator("#f-gender").select_option("woman")
    await page.locator("#f-birth_year").fill("1994")
    await page.locator("#f-children_count").fill("2")
    await page.locator("#f-children_ages").fill("4 tre")
    await page.locator("#f-region").select_option("bergslagen")
    await page.locator("input[name=exploitation_types][value=forced_labour]").check()
    await page.locator("#f-gap").fill("EU-medborgare utan rätt till bistånd.")
    await page.locator("#f-name").fill("Maria Exempel")
    await page.locator("#record-form button.primary").click()

    await page.locator("#f-children_ages-error").wait_for()
    assert await page.locator("#f-children_ages").input_value() == "4 tre"
    assert await page.locator("#f-gender").input_value() == "woman"
    assert await page.locator("#f-birth_year").input_value() == "1994"
    assert await page.locator("#f-children_count").input_value() == "2"
    assert await page.locator("#f-region").input_value() == "bergslagen"
    forced_labour = page.locator("input[name=exploitation_types][value=forced_labour]")
    assert await forced_labour.is_checked()
    assert await page.locator("#f-gap").input_value() == "EU-medborgare utan rätt till bistånd."
    assert await page.locator("#f-name").input_value() == "Maria Exempel"
