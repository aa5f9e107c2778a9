"""The operator's phone journey over HTTP: sign-in lands on the beds, a change sent late carries
the version it was based on and meets a change made meanwhile with both numbers."""

from __future__ import annotations

import re
from pathlib import Path

from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from fristad import i18n
from shelters import services
from tests.accounts.helpers import csrf, sign_in
from tests.shelters.helpers import make_world

Client = AsyncTestClient[Litestar]
HTMX = {"HX-Request": "true"}
CSS = Path(__file__).resolve().parents[2] / "platform" / "fristad" / "static" / "fristad.css"


async def test_shelter_staff_start_on_their_beds_and_a_caseworker_on_the_home_page(
    client: Client, jobs: Redis
) -> None:
    world = await make_world(capacity=4)
    await sign_in(client, world.staff)
    start = await client.get("/", follow_redirects=False)
    assert start.status_code == 303
    assert start.headers["location"] == "/shelters/operate/"
    beds = await client.get("/shelters/operate/")
    assert f'id="category-{world.category_id}-free-1"' in beds.text  # − right on the start page
    assert f'id="category-{world.category_id}-confirm"' in beds.text
    assert 'aria-live="polite"' in beds.text

    await client.post("/sign-out", data={"_csrf_token": await csrf(client, "/")})
    await sign_in(client, world.caseworker)
    caseworker_start = await client.get("/", follow_redirects=False)
    assert caseworker_start.headers["location"] == "/today"  # their own start page


async def test_numbers_sent_late_are_written_from_their_version_or_offer_both_numbers(
    client: Client, jobs: Redis
) -> None:
    world = await make_world(capacity=4)
    await sign_in(client, world.staff)
    client.cookies.set(i18n.LOCALE_COOKIE, "en")
    seen = await services.operator_category(world.staff_actor, world.category_id)
    numbers = f"/shelters/operate/categories/{world.category_id}/numbers"
    token = await csrf(client, "/shelters/operate/")
    headers = {**HTMX, "x-csrftoken": token}

    sent = await client.post(
        numbers, data={"free": 3, "out_of_service": 0, "version": seen.version}, headers=headers
    )
    assert "Saved: Kvinnoavdelning has 3 free, 0 out of service." in sent.text
    assert (await services.operator_category(world.staff_actor, world.category_id)).free == 3

    # The same numbers again from the old version: someone (this phone) changed them meanwhile.
    late = await client.post(
        numbers, data={"free": 2, "out_of_service": 1, "version": seen.version}, headers=headers
    )
    assert "data-conflict" in late.text
    assert "You wanted 2 free and 1 out of service; now there are 3 free and 0 out" in late.text
    now = await services.operator_category(world.staff_actor, world.category_id)
    assert (now.free, now.out_of_service) == (3, 0)  # nothing overwritten
    assert f'name="version" value="{now.version}"' in late.text  # "use mine" from the fresh one


def test_the_acute_tag_keeps_its_colour_after_the_plain_tag_rule() -> None:
    """Issue 11 item 16: ``.tag`` came after ``.tag--acute`` and took its colour away."""
    css = CSS.read_text()
    plain = re.search(r"^\.tag \{", css, re.M)
    acute = re.search(r"^\.tag--acute \{", css, re.M)
    assert plain
    assert acute
    assert acute.start() > plain.start()
