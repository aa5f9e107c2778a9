"""Each role starts on its work after sign-in (issue 11.9): a caseworker on "today" — the
answers officers wait for, the beds held waiting for a shelter, the open cases with what runs for
each — an officer on the queue, an operator on their beds; the API twin lists the same."""

from __future__ import annotations

from datetime import date

from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from accounts.domain import Role
from fristad import i18n
from grants import services as grants
from grants.schemas import CostLineIn, RequestIn
from shelters import services as shelters
from tests.accounts.helpers import make_org, make_user, sign_in
from tests.beneficiaries.helpers import actor_of
from tests.matching.helpers import KR, World, category_for, make_world, person_for
from tests.matching.test_domain import OFFER, WOMAN


def legal_aid(world: World, beneficiary_id: int) -> RequestIn:
    today = date.today()
    return RequestIn(
        programme_id=world.programme_id,
        beneficiary_id=beneficiary_id,
        category="legal_aid",
        period_start=today,
        period_end=today,
        justification="Ombud för överklagandet.",
        urgency="acute",
        lines=[CostLineIn(description="Ombud", quantity=2, unit="h", unit_price=1_000 * KR)],
    )


async def waiting_world() -> tuple[World, int, int, int]:
    """A person with a bed held at Linden, another whose request the officer asked about;
    returns (world, the held person, the asked-about person, the request)."""
    world = await make_world()
    held_person = await person_for(world, WOMAN)
    await shelters.hold_bed(world.caseworker, await category_for(world, OFFER), held_person)
    asked_person = await person_for(world, WOMAN)
    request_id = await grants.create_request(world.caseworker, legal_aid(world, asked_person))
    await grants.submit(world.caseworker, request_id)
    await grants.start_review(world.officer, request_id)
    await grants.request_info(world.officer, request_id, "Vilket ärende gäller överklagandet?")
    return world, held_person, asked_person, request_id


async def test_a_caseworker_starts_on_what_waits_for_them(app: Litestar, jobs: Redis) -> None:
    world, held_person, _asked_person, request_id = await waiting_world()
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, world.caseworker_user)
        client.cookies.set(i18n.LOCALE_COOKIE, "en", domain="testserver.local")
        home = await client.get("/", follow_redirects=False)
        assert home.status_code == 303
        assert home.headers["location"] == "/today"
        page = await client.get("/today")
    assert page.status_code == 200
    html = page.text
    answers = html.index("Officers asked for more information")
    holds = html.index("Beds held, waiting for the shelter")
    assert f'href="/grants/requests/{request_id}"' in html[answers:holds]
    assert "acute" in html[answers:holds]
    assert f'href="/beneficiaries/{held_person}"' in html[holds:]
    assert "Linden" in html[holds:]
    assert html.count('href="/beneficiaries/') >= 4  # both people again among the open cases
    assert "answer needed" in html


async def test_the_api_twin_lists_the_same(app: Litestar, jobs: Redis) -> None:
    world, held_person, asked_person, request_id = await waiting_world()
    async with AsyncTestClient(app=app) as client:
        token = await world.token()
        answer = await client.get("/api/v1/today", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    body = answer.json()
    assert [r["id"] for r in body["answers_needed"]] == [request_id]
    assert [h["beneficiary_id"] for h in body["holds_waiting"]] == [held_person]
    cases = {c["id"]: c for c in body["cases"]}
    assert cases[asked_person]["needs_answer"] is True
    assert cases[held_person]["holds_waiting"] == 1
    assert body["cases_total"] == 2


async def test_another_organisation_sees_none_of_it(app: Litestar, jobs: Redis) -> None:
    await waiting_world()
    other_ngo = await make_org("Föreningen Andra", "802400014")
    other = await make_user("o@andra.example", organisation_id=other_ngo, role=Role.CASEWORKER)
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, other)
        client.cookies.set(i18n.LOCALE_COOKIE, "en", domain="testserver.local")
        page = await client.get("/today")
    assert page.status_code == 200
    assert "Nothing waits for an answer from you." in page.text
    assert "No open cases." in page.text
    assert "/grants/requests/" not in page.text
    assert "Linden" not in page.text


async def test_an_officer_starts_on_the_queue_and_may_not_open_today(
    app: Litestar, jobs: Redis
) -> None:
    world, *_rest = await waiting_world()
    officer_user = await make_user(
        "second@lst.example", organisation_id=world.authority_id, role=Role.OFFICER, mfa=True
    )
    assert (await actor_of(officer_user.id)).role == Role.OFFICER
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, officer_user)
        home = await client.get("/", follow_redirects=False)
        assert home.headers["location"] == "/grants/queue"
        assert (await client.get("/today")).status_code == 403


async def test_the_persons_page_leads_with_where_they_are(app: Litestar, jobs: Redis) -> None:
    """Issue 11.10: the overview first — bed held (where, until), requests and their state with
    what waits for the caseworker, consents in force — and the forms behind buttons."""
    world, held_person, asked_person, request_id = await waiting_world()
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, world.caseworker_user)
        client.cookies.set(i18n.LOCALE_COOKIE, "en", domain="testserver.local")
        held_page = (await client.get(f"/beneficiaries/{held_person}")).text
        asked_page = (await client.get(f"/beneficiaries/{asked_person}")).text
    now, record = held_page.index('id="s-now"'), held_page.index('id="s-record"')
    assert now < record
    assert "A bed held at Linden" in held_page[now:record]
    assert "waiting for the shelter’s answer" in held_page[now:record]
    assert "Share with the funder" in held_page[now:record]  # a consent in force
    now, record = asked_page.index('id="s-now"'), asked_page.index('id="s-record"')
    overview = asked_page[now:record]
    assert f'href="/grants/requests/{request_id}"' in overview
    assert "answer the officer’s question" in overview
    # No bed yet: the way to one.
    assert f'href="/beneficiaries/{asked_person}/help-now/"' in overview
    assert "<summary" in asked_page[asked_page.index('id="s-consent"') :]
