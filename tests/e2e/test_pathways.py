"""The seed's story in real browsers (issue 14): the coordinator of Bergslagen registers a
17-year-old girl from Romania, records on the case plan's minors' path that social services
were told and who the guardian is, holds a minors' bed and has it funded; the girl wants to go
home, so the coordinator records her consent to share with IOM and refers her to the return
programme; Länsstyrelsen's return officer accepts and brings in IOM, whose staff prepare the
return, record the departure, the arrival and the follow-up after three months; the case shows
that she has returned home."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.async_api import expect

from accounts import services as accounts
from accounts.domain import Role
from grants import services as grants
from shelters import services as shelters
from tests.accounts.helpers import TestUser, make_org, make_user, org_number
from tests.beneficiaries.helpers import actor_of
from tests.browser import ServerProcess

pytestmark = pytest.mark.browser

KR = 100
NIGHTS = 30
PRICE_PER_NIGHT = 900 * KR
SHOTS = "/tmp/story-{}.png"


@dataclass
class World:
    coordinator: TestUser
    officer: TestUser
    return_officer: TestUser
    iom_staff: TestUser
    staff: TestUser
    shelter_id: int


async def _world() -> World:
    """Örebro's social services with the coordinator of Bergslagen; a shelter operator in Örebro
    with a minors' unit and a unit for women; Länsstyrelsen in Stockholm with an officer (and a
    shelter budget running today) and a return officer; IOM in Helsinki with its staff."""
    social_services = await make_org("Örebro kommun, socialtjänsten", "212000196")
    coordinator = await make_user(
        "sara@orebro.example",
        organisation_id=social_services,
        role=Role.COORDINATOR,
        region="bergslagen",
        mfa=True,
    )
    operator_id = await make_org("Stiftelsen Vägen", "559310478", ngo=False, shelter=True)
    staff = await make_user(
        "erik@vagen.example", organisation_id=operator_id, role=Role.SHELTER_STAFF
    )
    units = (("Vägen", ["minors"], "Ungdomsplatser"), ("Ekbacken", ["women"], "Kvinnor"))
    for name, groups, unit in units:
        shelter_id = await shelters.create_shelter(
            None,
            operator_id,
            shelters.NewShelter(
                name=name,
                address="Hemliga gatan 7, 702 10 Örebro",
                municipality="1880",  # Örebro
                target_groups=groups,
                languages=["sv", "ro"],
                price_per_night=PRICE_PER_NIGHT,
                experience=["sexual_exploitation"],
                referral_contact="019-123 45",
            ),
        )
        await shelters.add_category(
            None, shelter_id, shelters.NewCategory(name=unit, capacity=2, target_groups=groups)
        )
        if name == "Vägen":
            minors_shelter_id = shelter_id
    authority_id = await make_org(
        "Länsstyrelsen i Stockholm", "202100231", ngo=False, authority=True
    )
    officer = await make_user(
        "karin@lst.example", organisation_id=authority_id, role=Role.OFFICER, mfa=True
    )
    return_officer = await make_user(
        "anders@lst.example", organisation_id=authority_id, role=Role.RETURN_OFFICER, mfa=True
    )
    today = date.today()
    await grants.create_programme(
        await actor_of(officer.id),
        "Stödprogrammet",
        today - timedelta(days=30),
        today + timedelta(days=365),
        500_000 * KR,
        {"shelter": 100_000 * KR, "return": 50_000 * KR},
    )
    iom_id = await accounts.create_organisation(
        None,
        accounts.NewOrganisation(
            name="IOM Helsinki", org_number=org_number("802500123"), is_partner=True
        ),
    )
    iom_staff = await make_user("mika@iom.example", organisation_id=iom_id, role=Role.PARTNER_STAFF)
    return World(coordinator, officer, return_officer, iom_staff, staff, minors_shelter_id)


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


async def _shot(page: Any, name: str) -> None:
    await page.screenshot(path=SHOTS.format(name), full_page=True)


async def test_the_girl_from_romania_is_placed_funded_and_returns_home_with_iom(
    page: Any, browser: Any, live_server: ServerProcess
) -> None:
    world = await _world()

    # The coordinator signs in with two factors and starts on the region view.
    await _sign_in(page, live_server, world.coordinator, "/pathways/plans/region")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Region Bergslagen")
    await _shot(page, "01-region")

    # She registers the girl: 17, from Romania, speaks Romanian, wants support to go home.
    await page.goto(live_server.url + "/beneficiaries/new")
    await page.locator("#f-gender").select_option("woman")
    await page.locator("#f-birth_year").fill(str(date.today().year - 17))
    await page.locator("#f-citizenship").fill("Rumänien")
    await page.locator("input[name=languages][value=ro]").check()
    await page.locator("input[name=exploitation_types][value=sexual_exploitation]").check()
    await page.locator("#f-region").select_option("bergslagen")
    await page.locator("#f-municipality").select_option("1880")
    for need in ("shelter", "return_support"):
        await page.locator(f"input[name=needs][value={need}]").check()
    await page.locator("#record-form button.primary").click()
    await page.wait_for_url(re.compile(r".*/beneficiaries/\d+$"))
    person_path = page.url.removeprefix(live_server.url)
    code = (await page.locator("h1").inner_text()).split()[0]
    await expect(page.locator("#s-record ~ dl")).to_contain_text("minderårig")
    await _shot(page, "02-person")

    # The case plan holds the minors' path: the minor template's actions are on it already.
    await page.get_by_role("link", name="Den gemensamma checklistan med åtgärder").click()
    await page.wait_for_url(f"**{person_path}/plan")
    child_path = page.get_by_role("region", name="Barnets väg")
    await expect(child_path).to_contain_text("Inte ännu")
    await _shot(page, "03-plan")
    today = date.today()
    await child_path.get_by_label("Kommun").select_option("1880")
    await child_path.get_by_label("Dag för underrättelsen").fill(today.isoformat())
    await child_path.get_by_role("button", name="Registrera underrättelsen").click()
    await expect(page.get_by_role("status")).to_contain_text(
        "Underrättelsen till socialtjänsten är registrerad"
    )
    await _shot(page, "04-plan-notified")
    await expect(child_path).to_contain_text(f"Örebro, {today.day} dec")
    await child_path.get_by_label("Gode mannens namn").fill("Elsa Lind")
    await child_path.get_by_label("Gode mannens kontaktuppgift").fill("070-123 45 67")
    await child_path.get_by_role("button", name="Registrera gode mannen").click()
    await expect(page.get_by_role("status")).to_contain_text("Gode mannen är registrerad")
    await expect(child_path).to_contain_text("Elsa Lind, 070-123 45 67")
    await child_path.get_by_label("Samtycke lämnat av").select_option("child_with_guardian")
    await child_path.get_by_role("button", name="Registrera samtycket").click()
    await expect(child_path).to_contain_text("Barnet tillsammans med gode mannen")
    actions = page.get_by_role("table", name="Ärendeplanens åtgärder")
    for done in ("Kommunens socialtjänst underrättad", "God man förordnad och registrerad"):
        await expect(actions.get_by_role("row").filter(has_text=done)).to_contain_text("Klar")
    await _shot(page, "05-plan-path")

    # Back on the case: the consents to share with a shelter, the funder and IOM, explained in
    # Romanian with an interpreter.
    await page.get_by_role("link", name=f"Tillbaka till ärendet {code}").click()
    await page.wait_for_url(f"**{person_path}")
    for scope in ("share_shelter", "share_funder", "share_iom"):
        await page.locator("#consent summary").click()
        consent_form = page.locator("#consent form.stacked")
        await consent_form.locator("#f-scope").select_option(scope)
        await consent_form.locator("#f-language").select_option("ro")
        await consent_form.locator("input[name=interpreter_present]").check()
        await consent_form.get_by_role("button").click()
        await page.wait_for_load_state()
    await expect(page.locator("#consent table tbody tr")).to_have_count(3)

    # Help now offers the minors' place and leaves the women's unit out; she holds it and
    # applies for the nights.
    panel = page.get_by_role("region", name=f"Hjälp nu: {code}")
    await expect(panel).to_contain_text("1 platskategori passar")
    await _shot(page, "06-help-now")
    await panel.get_by_role(
        "button", name=f"Reservera platsen och ansök om {NIGHTS} nätter – Vägen, Ungdomsplatser"
    ).click()
    await page.wait_for_url(re.compile(r".*/grants/requests/\d+/edit$"))
    await expect(page.get_by_label("Vad, rad 1")).to_have_value("Vägen: Ungdomsplatser")
    await page.get_by_role("button", name="Spara som utkast").click()
    await page.wait_for_url(re.compile(r".*/grants/requests/\d+$"))
    request_path = page.url.removeprefix(live_server.url)
    await page.get_by_role("button", name="Skicka till Länsstyrelsen").click()
    funding = page.get_by_role("region", name="Finansiering")
    await expect(funding).to_contain_text("ansökan om stöd: inskickad")

    # The officer approves the whole amount.
    officer_context, officer = await _new_page(browser)
    try:
        await _sign_in(officer, live_server, world.officer, request_path)
        await officer.get_by_role("button", name="Börja handlägga").click()
        await expect(officer.get_by_role("heading", level=1)).to_contain_text("Under handläggning")
        await officer.get_by_label("Beviljat belopp (kr)").fill(str(NIGHTS * 900))
        await officer.get_by_label("Skäl").fill("Ett barn behöver skydd genast.")
        await officer.get_by_role("button", name="Registrera beslutet").click()
        await expect(officer.get_by_role("heading", level=1)).to_contain_text("Beviljad")
    finally:
        await officer_context.close()

    # The shelter takes her in.
    staff_context, staff = await _new_page(browser)
    try:
        await _sign_in(staff, live_server, world.staff, f"/shelters/operate/{world.shelter_id}")
        holds = staff.get_by_role("region", name="Reservationer som väntar på ert svar")
        await (
            holds.get_by_role("article")
            .filter(has_text=code)
            .get_by_role("button", name="Acceptera")
            .click()
        )
        residents = staff.get_by_role("region", name="Boende placerade via Fristad")
        await expect(residents).to_contain_text("finansierad placering")
    finally:
        await staff_context.close()
    await page.goto(live_server.url + person_path)
    await expect(panel.get_by_role("list", name="Reserverat från en matchning")).to_contain_text(
        "finansierad placering"
    )
    await _shot(page, "07-placed")

    # On the case plan the place is marked arranged in its row (htmx): focus stays on the
    # row's button, so the next Tab goes on from there.
    await page.goto(f"{live_server.url}{person_path}/plan")
    place = actions.get_by_role("row").filter(has_text="Plats för ensamkommande barn ordnad")
    await place.get_by_label("Läge").select_option("done")
    save = place.get_by_role("button", name="Spara – Plats för ensamkommande barn ordnad")
    save_id = await save.get_attribute("id")
    await save.focus()
    await page.keyboard.press("Enter")
    await expect(place).to_contain_text("Klar")
    await page.wait_for_function(
        f"document.activeElement && document.activeElement.id === '{save_id}'"
    )

    # She wants to go home: the case plan leads to the return programme, where she refers the
    # girl (she consented to sharing with IOM, in Romanian with an interpreter).
    await page.goto(f"{live_server.url}{person_path}/plan")
    await page.get_by_role("link", name="Hänvisa till återvändandeprogrammet").click()
    await page.wait_for_url("**/pathways/returns/**")
    await page.get_by_label("Ärendekod").fill(code)
    await page.get_by_label("Återvändandeprogram hos").select_option(
        label="Länsstyrelsen i Stockholm"
    )
    await page.get_by_label("Återvänder till").select_option("RO")
    await page.get_by_label("Språk personen informerades på").select_option("ro")
    await page.get_by_label("Tolk var med").check()
    await _shot(page, "08-refer")
    await page.get_by_role("button", name="Hänvisa").click()
    await page.wait_for_url(re.compile(r".*/pathways/returns/\d+$"))
    plan_path = page.url.removeprefix(live_server.url)
    await _shot(page, "09-referred")
    await expect(page.get_by_role("status").last).to_contain_text("Hänvisad")

    # Länsstyrelsen's return officer (two factors) accepts and brings in IOM.
    officer_context, return_officer = await _new_page(browser)
    try:
        await _sign_in(return_officer, live_server, world.return_officer, plan_path)
        await return_officer.get_by_label("Koppla in partnern").select_option(label="IOM Helsinki")
        await return_officer.get_by_role("button", name="Godta hänvisningen").click()
        await expect(return_officer.get_by_role("status").last).to_contain_text("Godtagen")
        await _shot(return_officer, "10-accepted")
    finally:
        await officer_context.close()

    # The coordinator's organisation arranges what is theirs before departure.
    await page.reload()
    before = page.get_by_role("table", name="Före avresan")
    for task in ("Medicinsk bedömning", "Eskort ordnad"):
        await page.get_by_role("button", name=f"Markera som klar – {task}").click()
        await expect(before.get_by_role("row").filter(has_text=task)).to_contain_text("Klar")

    # IOM's staff see the plan and the minimal profile, prepare the rest, record the
    # departure, the hand-over on arrival and the follow-up after three months.
    iom_context, iom = await _new_page(browser)
    try:
        await _sign_in(iom, live_server, world.iom_staff, plan_path)
        # The minimal profile only: no guardian, no identity; her language by its name.
        await expect(iom.locator("main")).not_to_contain_text("Elsa Lind")
        await expect(iom.locator("dd").filter(has_text="minderårig")).to_contain_text("rumänska")
        before = iom.get_by_role("table", name="Före avresan")
        for task in (
            "Resehandling via ambassaden",
            "Plan för återintegrering överenskommen",
            "Riskbedömning i hemlandet",
        ):
            await iom.get_by_role("button", name=f"Markera som klar – {task}").click()
            await expect(before.get_by_role("row").filter(has_text=task)).to_contain_text("Klar")
        await iom.get_by_role("button", name="Registrera avresan").click()
        await expect(iom.get_by_role("status").last).to_contain_text("Avrest")
        await iom.get_by_role("button", name="Markera som klar – Överlämning vid ankomsten").click()
        await expect(
            iom.get_by_role("row").filter(has_text="Överlämning vid ankomst")
        ).to_contain_text("Klar")
        follow_up = iom.get_by_role("row").filter(has_text="Uppföljning efter 3 månader")
        await follow_up.get_by_label("Hur personen har det").select_option("supported")
        await follow_up.get_by_role("button", name="Markera som klar").click()
        await expect(
            iom.get_by_role("row").filter(has_text="Uppföljning efter 3 månader")
        ).to_contain_text("Klar")
        await _shot(iom, "11-iom")
    finally:
        await iom_context.close()

    # The case shows that she has returned home.
    await page.goto(live_server.url + person_path)
    await expect(page.locator("h1 .tag")).to_have_text("Återvände hem")
    await _shot(page, "12-returned")
    # Her case plan leads to the return plan now.
    await page.get_by_role("link", name="Den gemensamma checklistan med åtgärder").click()
    await expect(
        page.get_by_role("link", name="Personens plan för återvändande")
    ).to_have_attribute("href", plan_path)
