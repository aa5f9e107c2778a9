"""Fristad on a phone (390 × 844, touch): every page of the main journeys fits the screen, for the
operator, the caseworker and the officer of the demo world, and every control is big enough for
a finger. Runs on the demo data, which has long lists, every request state and stale shelters."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.async_api import expect

from accounts.demo import DEMO_PASSWORD
from accounts.tables import User
from beneficiaries import services as beneficiaries
from shelters import services as shelters
from tests.beneficiaries.helpers import actor_of
from tests.browser import ServerProcess
from tests.shelters.helpers import make_world

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
OPERATOR, CASEWORKER, OFFICER = (
    "erik@fyrbaken.example",
    "lina@trygghamn.example",
    "karin@lansstyrelsen.example",
)
# The main journeys per role; "~pattern" opens the first link seen so far that matches.
JOURNEYS = {
    OPERATOR: ["/", "/shelters/operate/", r"~/shelters/operate/\d+$", "/shelters/", "/account"],
    CASEWORKER: [
        "/",
        "/beneficiaries/",
        "/beneficiaries/new",
        r"~/beneficiaries/\d+$",
        "NOTES",
        "/shelters/",
        "/shelters/holds",
        "/grants/requests",
        "/grants/requests/new",
        r"~/grants/requests/\d+$",
    ],
    OFFICER: ["/", "/grants/queue", r"~/grants/requests/\d+$", "/grants/programmes", "/shelters/"],
}
# Controls a finger must hit: buttons, fields, selects and disclosure buttons (links inside
# running text are exempt, WCAG 2.5.5).
CONTROLS = (
    "button, .button, select, summary, "
    "input:not([type=hidden]):not([type=checkbox]):not([type=radio])"
)
TOO_SMALL = """(selector) => [...document.querySelectorAll(selector)]
    .filter((element) => element.checkVisibility())
    .map((element) => [element, element.getBoundingClientRect()])
    .filter(([, box]) => box.width < 44 || box.height < 44)
    .map(([element, box]) => `${element.outerHTML.slice(0, 80)} ${box.width}×${box.height}`)"""
WIDER_THAN_SCREEN = """() => [...document.querySelectorAll("body *")]
    .filter((element) => element.getBoundingClientRect().right > window.visualViewport.width + 1)
    .slice(0, 3).map((element) => element.outerHTML.slice(0, 100))"""


async def sign_in(
    page: Any, server: ServerProcess, email: str, password: str = DEMO_PASSWORD
) -> None:
    await page.goto(server.url + "/sign-in")
    await page.locator("#f-email").fill(email)
    await page.locator("#f-password").fill(password)
    await page.get_by_role("button", name="Logga in").tap()
    await page.wait_for_url(lambda url: "/sign-in" not in url)


async def assert_fits(page: Any, path: str) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    wide = await page.evaluate(WIDER_THAN_SCREEN)
    assert width <= 390, f"{path} is {width} px wide: {wide}"
    small = await page.evaluate(TOO_SMALL, CONTROLS)
    assert not small, f"{path}: controls smaller than 44 × 44 px: {small}"


async def note_of_one_long_word(email: str, beneficiary_path: str) -> str:
    """A 10 000-character note without a space on the case; returns the notes page's path."""
    user = await User.objects().where(User.email == email).first()
    assert user is not None
    beneficiary_id = int(beneficiary_path.rstrip("/").rsplit("/", 1)[1])
    await beneficiaries.add_note(await actor_of(user.id), beneficiary_id, "x" * 10_000)
    return f"{beneficiary_path}/notes"


async def walk_the_journey(page: Any, server: ServerProcess, email: str) -> None:
    """Every page of ``email``'s main journey fits, and so does the open menu."""
    await sign_in(page, server, email)
    seen: list[str] = []
    opened: list[str] = []
    for step in JOURNEYS[email]:
        path = step
        if step.startswith("~"):
            matching = [href for href in seen if re.search(step[1:], href)]
            assert matching, f"no link like {step[1:]} on {opened}"
            path = matching[0]
        elif step == "NOTES":
            path = await note_of_one_long_word(email, opened[-1])
        await page.goto(server.url + path)
        opened.append(path)
        seen += await page.eval_on_selector_all(
            "main a[href]", "links => links.map((link) => link.getAttribute('href'))"
        )
        await assert_fits(page, path)
    await page.get_by_text("Meny", exact=True).tap()
    await page.get_by_role("button", name="Logga ut").wait_for()
    await assert_fits(page, "the open menu")


async def sign_in_behind_the_page(context: Any, server: ServerProcess, email: str) -> None:
    """Sign in through the context's request API: the cookies are the browser's, its cache
    stays empty (the stylesheet and scripts are not loaded yet)."""
    form = await context.request.get(server.url + "/sign-in")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', await form.text())
    assert token
    answer = await context.request.post(
        server.url + "/sign-in",
        form={"_csrf_token": token.group(1), "email": email, "password": DEMO_PASSWORD},
    )
    assert "/sign-in" not in answer.url


async def transferred_bytes(page: Any) -> int:
    """What the page cost on the wire: the document and every resource it loaded (compressed,
    headers included), from the browser's resource timings."""
    return int(
        await page.evaluate(
            """() => performance.getEntriesByType("navigation")
                .concat(performance.getEntriesByType("resource"))
                .reduce((sum, entry) => sum + entry.transferSize, 0)"""
        )
    )


@pytest.mark.once  # layout and weight: the same on either engine
async def test_every_page_of_the_main_journeys_fits_a_phone_screen_and_the_beds_are_light(
    browser: Any, demo_world: None, live_server: ServerProcess
) -> None:
    """The operator's, the caseworker's and the officer's journeys, one browser each (one demo
    world for all three: it takes a while to build); then, each in a browser with an empty
    cache, a shelter's operator page and the bed board weigh under 60 kB. (The demo operator's
    start page holds 17 categories of many shelters and is printed too.)"""
    for email in (OPERATOR, CASEWORKER, OFFICER):
        context = await browser.new_context(locale="sv-SE", **PHONE)
        context.set_default_timeout(10_000)
        try:
            await walk_the_journey(await context.new_page(), live_server, email)
        finally:
            await context.close()
    weights = {}
    for email, path in (
        (OPERATOR, "/shelters/operate/"),
        (OPERATOR, r"~/shelters/operate/\d+$"),
        (CASEWORKER, "/shelters/"),
    ):
        context = await browser.new_context(locale="sv-SE", **PHONE)
        try:
            await sign_in_behind_the_page(context, live_server, email)
            if path.startswith("~"):
                start = await context.request.get(live_server.url + "/shelters/operate/")
                path = next(iter(re.findall(r'href="(/shelters/operate/\d+)"', await start.text())))
            page = await context.new_page()
            await page.goto(live_server.url + path)
            await page.wait_for_load_state("load")
            weights[path] = await transferred_bytes(page)
        finally:
            await context.close()
    print("\nTransferred with an empty cache (HTML, CSS, JS):")
    for path, weight in weights.items():
        print(f"  {path}: {weight} bytes ({weight / 1000:.1f} kB)")
    operator_page, board = list(weights.values())[1:]
    assert operator_page < 60_000
    assert board < 60_000


@pytest.mark.once  # layout and weight: the same on either engine
async def test_the_header_is_a_compact_bar_with_a_menu_that_works_without_javascript(
    browser: Any, live_server: ServerProcess
) -> None:
    world = await make_world()
    context = await browser.new_context(locale="sv-SE", java_script_enabled=False, **PHONE)
    try:
        page = await context.new_page()
        await sign_in(page, live_server, world.caseworker.email, world.caseworker.password)
        header = page.locator(".site-header")
        assert (await header.bounding_box())["height"] <= 64
        menu_link = page.get_by_role("link", name="Platstavla")
        assert not await menu_link.is_visible()
        await page.get_by_text("Meny", exact=True).tap()
        await menu_link.tap()
        await page.wait_for_url("**/shelters/")
    finally:
        await context.close()


async def test_operator_changes_a_count_in_three_taps_after_sign_in(
    browser: Any, live_server: ServerProcess
) -> None:
    """Sign-in lands on the beds; "Still correct" takes the stale warning away, and one tap on −
    changes the count: each confirmed in place and in the live region, with focus kept on the
    button that was used."""
    world = await make_world(capacity=4, confirmed_at=datetime.now(UTC) - timedelta(days=3))
    context = await browser.new_context(locale="sv-SE", **PHONE)
    context.set_default_timeout(10_000)
    try:
        page = await context.new_page()
        taps = 0
        await page.goto(live_server.url + "/sign-in")
        await page.locator("#f-email").fill(world.staff.email)
        await page.locator("#f-password").fill(world.staff.password)
        await page.get_by_role("button", name="Logga in").tap()
        taps += 1
        await page.wait_for_url("**/shelters/operate/")
        await page.wait_for_function("window.htmx !== undefined")

        row = page.locator(f"#category-{world.category_id}")
        warning = row.locator(".category__stale")
        await expect(warning).to_be_visible()
        confirm = row.get_by_role("button", name="Stämmer fortfarande – Kvinnoavdelning")
        await confirm.tap()
        taps += 1
        await expect(warning).to_have_count(0)
        await expect(page.locator("#announcer")).to_have_text("Bekräftat. Tack.")
        await expect(confirm).to_be_focused()

        fewer = row.get_by_role("button", name="En ledig plats färre – Kvinnoavdelning")
        await fewer.tap()
        taps += 1
        await expect(row.locator("[data-free]")).to_have_text("3")
        assert taps <= 3
        await expect(row).to_contain_text("Sparat: Kvinnoavdelning har 3 lediga")
        await expect(page.locator("#announcer")).to_have_text(
            "Sparat: Kvinnoavdelning har 3 lediga, 0 ur bruk."
        )
        assert await page.locator("#announcer").get_attribute("aria-live") == "polite"
        await expect(fewer).to_be_focused()
        await assert_fits(page, "the operator's start page")
    finally:
        await context.close()


async def _operator_on_the_start_page(browser: Any, server: ServerProcess, world: Any) -> Any:
    context = await browser.new_context(locale="sv-SE", **PHONE)
    context.set_default_timeout(10_000)
    page = await context.new_page()
    await sign_in(page, server, world.staff.email, world.staff.password)
    await page.wait_for_url("**/shelters/operate/")
    await page.wait_for_function("window.htmx !== undefined")
    return context, page


async def test_a_change_made_offline_is_kept_shown_as_not_sent_and_sent_when_back_online(
    browser: Any, live_server: ServerProcess
) -> None:
    world = await make_world(capacity=4)
    context, page = await _operator_on_the_start_page(browser, live_server, world)
    try:
        row = page.locator(f"#category-{world.category_id}")
        await context.set_offline(True)
        await row.get_by_role("button", name="En ledig plats färre – Kvinnoavdelning").tap()
        await expect(row.locator("[data-pending]")).to_contain_text("Inte skickat ännu")
        await expect(row.locator("[data-free]")).to_have_text("3")
        kept = await page.evaluate("localStorage.getItem('fristad:pending-numbers')")
        assert '"free":3' in kept
        assert (await shelters.operator_category(world.staff_actor, world.category_id)).free == 4

        await context.set_offline(False)
        await expect(row).to_contain_text("Sparat: Kvinnoavdelning har 3 lediga")
        await expect(row.locator("[data-pending]")).to_have_count(0)
        assert (await shelters.operator_category(world.staff_actor, world.category_id)).free == 3
        assert await page.evaluate("localStorage.getItem('fristad:pending-numbers')") == "{}"
    finally:
        await context.close()


async def test_an_offline_change_meeting_a_change_made_meanwhile_offers_both_numbers(
    browser: Any, live_server: ServerProcess
) -> None:
    world = await make_world(capacity=4)
    context, page = await _operator_on_the_start_page(browser, live_server, world)
    try:
        row = page.locator(f"#category-{world.category_id}")
        await context.set_offline(True)
        await row.get_by_role("button", name="En ledig plats färre – Kvinnoavdelning").tap()
        await expect(row.locator("[data-pending]")).to_be_visible()
        # Meanwhile a colleague takes two beds (the version the phone saw is gone).
        for _ in range(2):
            seen = await shelters.operator_category(world.staff_actor, world.category_id)
            await shelters.adjust(
                world.staff_actor, world.category_id, "free", -1, version=seen.version
            )

        await context.set_offline(False)
        conflict = row.locator("[data-conflict]")
        await expect(conflict).to_contain_text("Du ville ha 3 lediga")
        await expect(conflict).to_contain_text("nu är det 2 lediga")
        assert (await shelters.operator_category(world.staff_actor, world.category_id)).free == 2

        await conflict.get_by_role("button", name="Använd mina: 3 lediga").tap()
        await expect(row).to_contain_text("Sparat: Kvinnoavdelning har 3 lediga")
        assert (await shelters.operator_category(world.staff_actor, world.category_id)).free == 3
    finally:
        await context.close()


# The paths the service worker keeps, in every cache.
KEPT = """async () => {
    const urls = [];
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        urls.push(...(await cache.keys()).map((entry) => new URL(entry.url).pathname));
    }
    return urls;
}"""


@pytest.mark.once  # layout and weight: the same on either engine
async def test_the_app_installs_and_its_service_worker_keeps_static_files_never_pages(
    browser: Any, live_server: ServerProcess
) -> None:
    world = await make_world(capacity=4)
    context, page = await _operator_on_the_start_page(browser, live_server, world)
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("response", lambda answer: errors.append(answer.url) if answer.status >= 400 else None)
    try:
        manifest = await page.locator('link[rel="manifest"]').get_attribute("href")
        answer = await context.request.get(live_server.url + manifest)
        assert answer.headers["content-type"].startswith("application/manifest+json")
        assert (await answer.json())["display"] == "standalone"

        assert (
            await page.evaluate(
                "navigator.serviceWorker.ready.then((ready) => ready.active.scriptURL)"
            )
            == live_server.url + "/static/sw.js"
        )
        await page.reload()  # now under the service worker
        await page.goto(live_server.url + f"/shelters/operate/{world.shelter_id}")
        kept = await page.evaluate(KEPT)
        assert kept, "the service worker keeps the static files"
        assert all(re.fullmatch(r"/static/.+\.[0-9a-f]{12}\.[a-z.]+", url) for url in kept), kept

        # After a release the phone keeps the new version of a file, not both: plant an older
        # version and have the current one asked for anew.
        stylesheet = next(url for url in kept if url.endswith(".css"))
        superseded = re.sub(r"\.[0-9a-f]{12}\.", ".000000000000.", stylesheet)
        await page.evaluate(
            """async ([superseded, stylesheet]) => {
                const cache = await caches.open("fristad-static");
                await cache.put(superseded, (await cache.match(stylesheet)).clone());
                await cache.delete(stylesheet);
            }""",
            [superseded, stylesheet],
        )
        assert superseded in await page.evaluate(KEPT)
        # The page asks for the new version (past the browser's memory cache), as after a release.
        await page.evaluate("(url) => fetch(url, {cache: 'no-store'})", stylesheet)
        for _ in range(50):  # the worker drops it after answering: wait up to 5 s
            if superseded not in await page.evaluate(KEPT):
                break
            await page.wait_for_timeout(100)
        assert superseded not in await page.evaluate(KEPT)
        assert stylesheet in await page.evaluate(KEPT)
        assert errors == []
    finally:
        await context.close()


CONTRAST = """(element) => {
    const channels = (colour) => colour.match(/[\\d.]+/g).slice(0, 3).map(Number);
    const luminance = (colour) => {
        const [r, g, b] = channels(colour).map((value) => {
            const c = value / 255;
            return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    let opacity = 1;
    for (let node = element; node; node = node.parentElement) {
        opacity *= Number(getComputedStyle(node).opacity);
    }
    const style = getComputedStyle(element);
    const [light, dark] = [luminance(style.color), luminance(style.backgroundColor)]
        .sort((a, b) => b - a);
    return { ratio: (light + 0.05) / (dark + 0.05), opacity };
}"""


@pytest.mark.once  # contrast: the same on either engine
@pytest.mark.parametrize("language", ["sv", "en"])
async def test_the_not_confirmed_recently_badge_on_the_board_has_aa_contrast(
    browser: Any, live_server: ServerProcess, language: str
) -> None:
    """Issue 11 item 16: the stale row was faded (opacity .8), taking the badge to 4.27:1."""
    world = await make_world(capacity=4, confirmed_at=datetime.now(UTC) - timedelta(days=3))
    context = await browser.new_context(locale="sv-SE", **PHONE)
    try:
        page = await context.new_page()
        await sign_in(page, live_server, world.caseworker.email, world.caseworker.password)
        if language == "en":
            await page.goto(live_server.url + "/")
            await page.get_by_text("Meny", exact=True).tap()
            await page.get_by_role("button", name="English").tap()
            await page.wait_for_function("document.documentElement.lang === 'en'")
        await page.goto(live_server.url + "/shelters/")
        badge = page.locator(".badge--warning")
        await expect(badge).to_have_text(
            "Inte bekräftat nyligen" if language == "sv" else "Not confirmed recently"
        )
        measured = await badge.evaluate(CONTRAST)
        assert measured["opacity"] == 1
        assert measured["ratio"] >= 4.5, measured
    finally:
        await context.close()
