"""Case plan pages and their API twins, the coordinator's region view as their start page, and
two-factor sign-in for coordinators."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from accounts.domain import Role
from pathways import services
from pathways.tables import CasePlanAction, MinorPath
from tests.accounts.helpers import csrf, make_org, make_user, sign_in
from tests.pathways.plans_helpers import CHILD_BORN, make_case, make_plan_world

Client = AsyncTestClient[Litestar]


async def test_the_plan_page_shows_the_actions_and_an_htmx_change_answers_with_its_row(
    client: Client,
) -> None:
    world = await make_plan_world()
    girl = await make_case(world, birth_year=CHILD_BORN, shelter_requirements=[])
    await sign_in(client, world.caseworker_user)
    page = await client.get(f"/beneficiaries/{girl}/plan")
    assert page.status_code == 200
    # The user's own language (Swedish) is the page's.
    assert "God man förordnad och registrerad" in page.text
    assert "Barnets väg" in page.text
    notices = await client.get("/pathways/plans/notices")
    assert notices.status_code == 200
    assert "Inget är försenat." in notices.text
    case_page = await client.get(f"/beneficiaries/{girl}")
    assert f"/beneficiaries/{girl}/plan" in case_page.text

    action = await CasePlanAction.select().where(CasePlanAction.code == "healthcare").first()
    assert action is not None
    token = await csrf(client, f"/beneficiaries/{girl}/plan")
    row = await client.post(
        f"/pathways/plans/actions/{action['id']}",
        data={"state": "done", "outcome": "booked", "_csrf_token": token},
        headers={"hx-request": "true"},
    )
    assert row.status_code == 200
    assert f'id="action-{action["id"]}"' in row.text
    assert "Bokad" in row.text
    refused = await client.post(
        f"/pathways/plans/actions/{action['id']}",
        data={"state": "not_applicable", "_csrf_token": token},
        headers={"hx-request": "true"},
    )
    assert refused.status_code == 422
    # The refused field is marked, so focus lands on it after the swap.
    assert f'id="state-{action["id"]}" name="state" aria-invalid="true"' in refused.text
    bad_day = await client.post(
        f"/pathways/plans/actions/{action['id']}",
        data={"due_on": "the 31st of never", "_csrf_token": token},
        headers={"hx-request": "true"},
    )
    assert bad_day.status_code == 422

    recorded = await client.post(
        f"/beneficiaries/{girl}/plan/minor/guardian",
        data={"guardian_name": "Anna Berg", "guardian_contact": "", "_csrf_token": token},
        follow_redirects=False,
    )
    assert recorded.status_code == 303
    assert "Anna Berg" in (await client.get(f"/beneficiaries/{girl}/plan")).text
    missing_day = await client.post(
        f"/beneficiaries/{girl}/plan/minor/social-services",
        data={"municipality": "0180", "_csrf_token": token},
    )
    assert missing_day.status_code == 422


async def test_a_stranger_gets_404_for_the_plan_page_and_its_api(client: Client) -> None:
    world = await make_plan_world()
    case = await make_case(world, birth_year=CHILD_BORN, shelter_requirements=[])
    stranger = await make_user(
        "per@frammande.example",
        organisation_id=world.stranger.organisation_id,
        role=Role.CASEWORKER,
    )
    await sign_in(client, stranger)
    assert (await client.get(f"/beneficiaries/{case}/plan")).status_code == 404
    token = await world.token(world.stranger)
    response = await client.get(
        f"/api/v1/beneficiaries/{case}/plan", headers={"authorization": f"Bearer {token}"}
    )
    assert response.status_code == 404


async def test_the_api_twins_seed_change_and_record_the_childs_path(client: Client) -> None:
    world = await make_plan_world()
    girl = await make_case(world, birth_year=CHILD_BORN, shelter_requirements=[])
    headers = {"authorization": f"Bearer {await world.token(world.caseworker)}"}
    seeded = await client.post(
        f"/api/v1/beneficiaries/{girl}/plan/seed", json={"situation": "return"}, headers=headers
    )
    assert seeded.status_code == 200
    codes = {action["code"] for action in seeded.json()["actions"]}
    assert {"return_referral", "guardian_appointed"} <= codes
    action = next(a for a in seeded.json()["actions"] if a["code"] == "return_referral")
    changed = await client.patch(
        f"/api/v1/plan-actions/{action['id']}",
        json={"state": "in_progress", "due_on": (date.today() + timedelta(days=3)).isoformat()},
        headers=headers,
    )
    assert changed.status_code == 200
    assert changed.json()["state"] == "in_progress"
    assert changed.json()["next_states"] == ["done", "open", "not_applicable"]
    conflict = await client.patch(
        f"/api/v1/plan-actions/{action['id']}", json={"state": "in_progress"}, headers=headers
    )
    assert conflict.status_code == 200  # the same state again changes nothing
    for path, body in (
        ("social-services", {"municipality": "0180", "notified_on": date.today().isoformat()}),
        ("guardian", {"guardian_name": "Anna Berg", "guardian_contact": "anna@example.org"}),
        ("consent", {"given_by": "child_with_guardian"}),
    ):
        answer = await client.post(
            f"/api/v1/beneficiaries/{girl}/plan/minor/{path}", json=body, headers=headers
        )
        assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert body["minor_path"]["has_guardian"] is True
    assert "Anna" not in answer.text  # the contact never leaves through the API
    assert body["minor_path"]["consent_given_by"] == "child_with_guardian"
    assert await MinorPath.count() == 1
    bad = await client.post(
        f"/api/v1/beneficiaries/{girl}/plan/minor/social-services",
        json={"municipality": "0180", "notified_on": "soon"},
        headers=headers,
    )
    assert bad.status_code == 400


async def test_a_coordinator_starts_on_the_region_view(client: Client, jobs: Redis) -> None:
    world = await make_plan_world()
    case = await make_case(world, shared=True)
    plan = await services.seed_case_plan(world.caseworker, case, "adult_sexual_exploitation")
    await CasePlanAction.update({CasePlanAction.due_on: date.today() - timedelta(days=2)}).where(
        CasePlanAction.id == plan.actions[0].id
    )
    elsewhere = await make_case(world, region="syd", municipality="1280", shared=True)
    await sign_in(client, world.coordinator_user)
    home = await client.get("/", follow_redirects=False)
    assert home.headers["location"] == "/pathways/plans/region"
    region = await client.get("/pathways/plans/region")
    assert region.status_code == 200
    assert plan.code in region.text
    other_code = (await services.case_plan(world.caseworker, elsewhere)).code
    assert other_code not in region.text  # another region's case is not the coordinator's

    view = await services.region_view(world.coordinator)
    assert [(c.code, c.open_actions, c.overdue_actions) for c in view.cases] == [
        (plan.code, len(plan.actions), 1)
    ]
    token = await world.token(world.coordinator, ("read",))
    api = await client.get("/api/v1/region", headers={"authorization": f"Bearer {token}"})
    assert api.status_code == 200
    assert api.json()["cases"][0]["overdue_actions"] == 1
    caseworker_token = await world.token(world.caseworker, ("read",))
    refused = await client.get(
        "/api/v1/region", headers={"authorization": f"Bearer {caseworker_token}"}
    )
    assert refused.status_code == 403


async def test_a_coordinator_must_set_up_two_factor_sign_in(client: Client) -> None:
    ngo = await make_org("Bergslagens kvinnojour", "802471368")
    coordinator = await make_user(
        "maja@kvinnojour.example", organisation_id=ngo, role=Role.COORDINATOR, region="bergslagen"
    )
    response = await sign_in(client, coordinator)
    assert response.headers["location"] == "/sign-in/two-factor/setup"
