"""Other help in real browsers: a caseworker with a Romanian-speaking person who needs a lawyer
for a migration appeal finds a fitting legal-aid service under Help now (and why another firm is
left out), reserves it with its pre-filled support request and submits it; the law firm accepts
the reservation, and the request's page shows the link."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pytest
from playwright.async_api import Page, expect

from accounts.domain import Role
from beneficiaries import services as beneficiaries
from beneficiaries.schemas import ConsentForm, IdentityForm
from grants import services as grants
from providers import services as providers
from tests.accounts.helpers import TestUser, make_org, make_user
from tests.beneficiaries.helpers import actor_of, make_beneficiary
from tests.browser import ServerProcess
from tests.e2e.test_matching import _new_page, _sign_in
from tests.providers.helpers import LAW_FIRM

pytestmark = pytest.mark.browser

KR = 100


@dataclass
class World:
    caseworker: TestUser
    staff: TestUser
    service_id: int
    beneficiary_id: int
    code: str


async def _world() -> World:
    """A law firm in Stockholm taking migration appeals in Romanian (1 500 kr an hour, 40 hours
    this month) and one that works only in Thai; an NGO's caseworker with a Romanian-speaking
    woman in Stockholm who needs legal aid and consents to share with the firm and the funder;
    a programme with a legal aid budget running today."""
    firm_id = await make_org("Advokatbyrån Lind", "556677889", ngo=False, provider=True)
    staff = await make_user(
        "juno@advokatbyran-lind.example", organisation_id=firm_id, role=Role.PROVIDER_STAFF
    )
    service_id = await providers.create_service(None, firm_id, LAW_FIRM)
    await providers.create_service(
        None, firm_id, replace(LAW_FIRM, name="Thailändska byrån", languages=["th"])
    )
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
        {"legal_aid": 100_000 * KR},
    )
    beneficiary_id = await make_beneficiary(
        caseworker_actor,
        identity=IdentityForm(name="Ana Popescu"),
        consents=("share_funder",),
        languages=["ro"],
        region="stockholm",
        needs=["legal_aid"],
    )
    await beneficiaries.record_consent(
        caseworker_actor,
        beneficiary_id,
        ConsentForm(scope="share_provider", organisation_id=firm_id),
    )
    code = (await beneficiaries.case_for(caseworker_actor, beneficiary_id))["code"]
    return World(caseworker, staff, service_id, beneficiary_id, code)


async def test_reserve_a_matched_lawyer_for_a_migration_appeal_submit_and_the_firm_accepts(
    page: Page, browser: object, live_server: ServerProcess
) -> None:
    world = await _world()
    person_path = f"/beneficiaries/{world.beneficiary_id}"

    # The caseworker opens the person's page: Help now ranks the legal-aid services.
    await _sign_in(page, live_server, world.caseworker, person_path)
    panel = page.get_by_role("region", name=f"Hjälp nu: {world.code}")
    await expect(panel).to_be_visible()
    services = panel.get_by_role("list", name="Tjänster för: Juridiskt stöd")
    candidate = services.get_by_role("listitem").filter(has_text="Migrationsöverklaganden")
    await expect(candidate).to_contain_text("Advokatbyrån Lind")
    await expect(candidate).to_contain_text("Ges på ett språk som personen talar.")
    await expect(candidate.get_by_role("button")).to_have_count(1)

    # Why not the Thai-only firm: the group unfolds from the keyboard.
    excluded = panel.locator("details").filter(has_text="Thailändska byrån")
    await excluded.locator("summary").focus()
    await page.keyboard.press("Enter")
    await expect(excluded.get_by_role("listitem").first).to_be_visible()

    # Reserve for the migration appeal: the draft request opens, filled in from the match.
    await candidate.get_by_label("Rättsligt ärende").select_option("migration_appeal")
    reserve = candidate.get_by_role("button", name="Reservera och ansök – Migrationsöverklaganden")
    await reserve.focus()
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r".*/grants/requests/\d+/edit$"))
    await expect(page.get_by_role("status")).to_contain_text("Tjänsten är reserverad.")
    await expect(page.get_by_label("Kategori")).to_have_value("legal_aid")
    await expect(page.get_by_label("Vad, rad 1")).to_have_value(
        "Advokatbyrån Lind: Migrationsöverklaganden"
    )
    await expect(page.get_by_label("Antal, rad 1")).to_have_value("10")
    await page.get_by_role("button", name="Spara som utkast").click()
    await page.wait_for_url(re.compile(r".*/grants/requests/\d+$"))
    request_path = page.url.removeprefix(live_server.url)
    funding = page.get_by_role("region", name="Finansiering")
    await expect(funding).to_contain_text("Migrationsöverklaganden")
    await page.get_by_role("button", name="Skicka till Länsstyrelsen").click()
    await expect(funding).to_contain_text("ansökan om stöd: inskickad")

    # The law firm sees the person's minimal profile and accepts.
    staff_context, staff = await _new_page(browser)
    try:
        await _sign_in(staff, live_server, world.staff, "/providers/operate/")
        row = staff.get_by_role("row").filter(has_text=world.code)
        await expect(row).to_contain_text("Överklagande i migrationsärende")
        await row.get_by_role("button", name="Acceptera").click()
        await expect(staff.get_by_role("row").filter(has_text=world.code)).to_contain_text(
            "Accepterad"
        )
    finally:
        await staff_context.close()

    # The request's page shows the reservation accepted.
    await page.goto(live_server.url + request_path)
    await expect(page.get_by_role("region", name="Finansiering")).to_contain_text(
        "reservation accepterad"
    )
