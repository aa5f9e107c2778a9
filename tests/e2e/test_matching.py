"""Matching in real browsers: a caseworker finds a bed under Help now on the person's page, sees
why another shelter is left out, holds the bed with its pre-filled support request and submits
it; an officer approves it, the shelter takes the person in, and the person's page shows the
funded placement."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.async_api import expect

from accounts.domain import Role
from beneficiaries import services as beneficiaries
from beneficiaries.schemas import IdentityForm
from grants import services as grants
from shelters import services as shelters
from tests.accounts.helpers import TestUser, make_org, make_user
from tests.beneficiaries.helpers import actor_of, make_beneficiary
from tests.browser import ServerProcess

pytestmark = pytest.mark.browser

KR = 100
NIGHTS = 30
PRICE_PER_NIGHT = 800 * KR


@dataclass
class World:
    caseworker: TestUser
    officer: TestUser
    staff: TestUser
    shelter_id: int
    beneficiary_id: int
    code: str


async def _world() -> World:
    """Two shelters in Malmö at 800 kr a night, one for women only and one for women and men,
    an NGO's caseworker with a woman from Malmö who needs a place for women only and consents
    to share with a shelter and with the funder, and Länsstyrelsen's officer with a shelter
    budget running today."""
    operator_id = await make_org("Skyddade boendet Fyrbåken", "559310478", ngo=False, shelter=True)
    staff = await make_user(
        "erik@fyrbaken.example", organisation_id=operator_id, role=Role.SHELTER_STAFF
    )
    units = (("Linden", ["women"], "Kvinnoavdelning"), ("Eken", ["women", "men"], "Blandad"))
    for name, groups, unit in units:
        shelter_id = await shelters.create_shelter(
            None,
            operator_id,
            shelters.NewShelter(
                name=name,
                address="Hemliga gatan 7, 123 45 Hemlösa",
                municipality="1280",  # Malmö
                target_groups=groups,
                languages=["sv", "ro"],
                price_per_night=PRICE_PER_NIGHT,
                experience=["sexual_exploitation"],
                referral_contact="040-123 45",
            ),
        )
        await shelters.add_category(
            None, shelter_id, shelters.NewCategory(name=unit, capacity=3, target_groups=groups)
        )
        if name == "Linden":
            linden_id = shelter_id
    ngo_id = await make_org("Stiftelsen Trygg Hamn", "802471350")
    caseworker = await make_user(
        "lina@trygghamn.example", organisation_id=ngo_id, role=Role.CASEWORKER
    )
    caseworker_actor = await actor_of(caseworker.id)
    authority_id = await make_org(
        "Länsstyrelsen i Stockholm", "202100231", ngo=False, authority=True
    )
    officer = await make_user(
        "karin@lst.example", organisation_id=authority_id, role=Role.OFFICER, mfa=True
    )
    today = date.today()
    await grants.create_programme(
        await actor_of(officer.id),
        "Stödprogrammet",
        today - timedelta(days=30),
        today + timedelta(days=365),
        500_000 * KR,
        {"shelter": 100_000 * KR},
    )
    beneficiary_id = await make_beneficiary(
        caseworker_actor,
        identity=IdentityForm(name="Ana Popescu"),
        consents=("share_shelter", "share_funder"),
        region="syd",
        municipality="1280",
    )
    code = (await beneficiaries.case_for(caseworker_actor, beneficiary_id))["code"]
    return World(caseworker, officer, staff, linden_id, beneficiary_id, code)


async def _sign_in(page: Any, server: ServerProcess, user: TestUser, target: str) -> None:
    await page.goto(f"{server.url}/sign-in?next={target}")
    await page.get_by_label("E-post").fill(user.email)
    await page.get_by_label("Lösenord").fill(user.password)
    await page.get_by_label("Lösenord").press("Enter")
    if user.totp_secret:
        await page.wait_for_url("**/sign-in/two-factor")
        await page.locator("#f-code").fill(user.totp())
        await page.locator("#f-code").press("Enter")
    await page.wait_for_url(f"**{target}")


async def _new_page(browser: Any) -> tuple[Any, Any]:
    context = await browser.new_context(locale="sv-SE")
    context.set_default_timeout(10_000)
    return context, await context.new_page()


async def test_hold_a_matched_bed_apply_approve_admit_and_see_the_funded_placement(
    page: Any, browser: Any, live_server: ServerProcess
) -> None:
    world = await _world()
    person_path = f"/beneficiaries/{world.beneficiary_id}"

    # The caseworker opens the person's page: Help now loads in place.
    await _sign_in(page, live_server, world.caseworker, person_path)
    panel = page.get_by_role("region", name=f"Hjälp nu: {world.code}")
    await expect(panel).to_be_visible()
    await expect(panel).to_contain_text("1 platskategori passar")
    candidate = panel.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Linden – Kvinnoavdelning")
    )
    await expect(candidate).to_contain_text("I personens kommun")
    await expect(candidate).to_contain_text("Personalen talar rumänska")

    # Why not the mixed shelter: the group unfolds from the keyboard.
    excluded = panel.locator("details").filter(has_text="Är inte endast för kvinnor (1)")
    reason = excluded.get_by_role("listitem").filter(has_text="Eken, Blandad")
    await expect(reason).to_be_hidden()
    await excluded.locator("summary").focus()
    await page.keyboard.press("Enter")
    await expect(reason).to_be_visible()
    await expect(reason).to_contain_text(
        "Personen behöver en plats endast för kvinnor; den här kategorin tar även emot män."
    )

    # Hold the bed: the draft support request opens, filled in from the match.
    hold_button = panel.get_by_role(
        "button", name=f"Reservera platsen och ansök om {NIGHTS} nätter – Linden, Kvinnoavdelning"
    )
    await hold_button.focus()
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r".*/grants/requests/\d+/edit$"))
    await expect(page.get_by_role("status")).to_contain_text("Platsen är reserverad.")
    await expect(page.get_by_label("Kategori")).to_have_value("shelter")
    await expect(page.get_by_label("Vad, rad 1")).to_have_value("Linden: Kvinnoavdelning")
    await expect(page.get_by_label("Antal, rad 1")).to_have_value(str(NIGHTS))
    await page.get_by_role("button", name="Spara som utkast").click()
    await page.wait_for_url(re.compile(r".*/grants/requests/\d+$"))
    request_path = page.url.removeprefix(live_server.url)
    funding = page.get_by_role("region", name="Finansiering")
    await expect(funding).to_contain_text("Linden")
    await expect(funding).to_contain_text("ansökan om stöd: utkast")
    await page.get_by_role("button", name="Skicka till Länsstyrelsen").click()
    await expect(funding).to_contain_text("ansökan om stöd: inskickad")

    # The officer starts the review and approves the whole amount.
    officer_context, officer = await _new_page(browser)
    try:
        await _sign_in(officer, live_server, world.officer, request_path)
        await officer.get_by_role("button", name="Börja handlägga").click()
        await officer.get_by_label("Beviljat belopp (kr)").fill(str(NIGHTS * 800))
        await officer.get_by_label("Skäl").fill("Skyddat boende behövs genast.")
        await officer.get_by_role("button", name="Registrera beslutet").click()
        await expect(officer.get_by_role("heading", level=1)).to_contain_text("Beviljad")
        await expect(officer.get_by_role("region", name="Finansiering")).to_contain_text(
            "ansökan om stöd: beviljad"
        )
    finally:
        await officer_context.close()

    # The shelter's staff take the person in on the operator page.
    staff_context, staff = await _new_page(browser)
    try:
        await _sign_in(staff, live_server, world.staff, f"/shelters/operate/{world.shelter_id}")
        holds = staff.get_by_role("region", name="Reservationer som väntar på ert svar")
        held_for_them = holds.get_by_role("article").filter(has_text=world.code)
        await held_for_them.get_by_role("button", name="Acceptera").click()
        residents = staff.get_by_role("region", name="Boende placerade via Fristad")
        await expect(residents).to_contain_text(world.code)
        await expect(residents).to_contain_text("finansierad placering")
        # Shelter staff see what pays for the stay, not a link to a request they cannot open.
        await expect(residents).to_contain_text("ansökan om stöd: beviljad")
        await expect(
            residents.get_by_role("link", name=re.compile("ansökan om stöd"))
        ).to_have_count(0)
    finally:
        await staff_context.close()

    # Back on the person's page, Help now shows the funded placement.
    await page.goto(live_server.url + person_path)
    held = panel.get_by_role("list", name="Reserverat från en matchning")
    await expect(held).to_contain_text("finansierad placering")
    await expect(held.get_by_role("link", name="ansökan om stöd: beviljad")).to_have_attribute(
        "href", request_path
    )
