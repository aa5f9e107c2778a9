"""The return programme over HTTP: referring by the case code (refused without the consent),
the return officer accepting, IOM's pages ending at once with the consent, printing in the
person's language with the English fallback, and the cost as a pre-filled draft request."""

from __future__ import annotations

from datetime import date

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts import services as accounts
from beneficiaries import services as beneficiaries
from beneficiaries.tables import Beneficiary
from fristad import i18n
from grants import services as grants
from pathways import services
from pathways.returns_schemas import CostIn
from tests.accounts.helpers import TestUser as AccountUser
from tests.accounts.helpers import post_form, sign_in
from tests.grants.helpers import make_officer
from tests.pathways.returns_helpers import (
    accepted_plan,
    give_share_iom,
    make_return_world,
    share_iom_consent_id,
)

Client = AsyncTestClient[Litestar]
pytestmark = pytest.mark.usefixtures("db")


async def _as(client: Client, user: AccountUser) -> None:
    client.cookies.clear()
    response = await sign_in(client, user)
    assert response.status_code == 303, response.text
    client.cookies.set(i18n.LOCALE_COOKIE, "en")


async def _code(beneficiary_id: int) -> str:
    row = await Beneficiary.select(Beneficiary.code).where(Beneficiary.id == beneficiary_id).first()
    assert row is not None
    return str(row["code"])


async def test_refer_accept_and_iom_loses_the_page_when_the_consent_goes(client: Client) -> None:
    world = await make_return_world(consent=False)
    await _as(client, world.caseworker)
    form = {
        "code": await _code(world.beneficiary_id),
        "authority_id": str(world.authority_id),
        "country": "RO",
        "language": "ro",
        "interpreter_present": "1",
    }
    refused = await post_form(client, "/pathways/returns/", form, from_page="/pathways/returns/")
    assert refused.status_code == 422
    assert "not consented to sharing with IOM" in refused.text
    await give_share_iom(world)
    referred = await post_form(client, "/pathways/returns/", form, from_page="/pathways/returns/")
    assert referred.status_code == 303, referred.text
    plan_path = referred.headers["location"]

    await _as(client, world.return_officer)
    accepted = await post_form(
        client, f"{plan_path}/accept", {"partner_id": str(world.iom_id)}, from_page=plan_path
    )
    assert accepted.status_code == 303, accepted.text

    await _as(client, world.iom_staff)
    seen = await client.get(plan_path)
    assert seen.status_code == 200
    assert "Travel document via the embassy" in seen.text
    assert "Ingen kommun" not in seen.text  # the gap is not the partner's to see
    await beneficiaries.withdraw_consent(
        world.caseworker_actor, world.beneficiary_id, await share_iom_consent_id(world)
    )
    assert (await client.get(plan_path)).status_code == 404
    _id, token = await accounts.create_token(world.iom_actor, "tests", ["read"])
    api = await client.get(
        f"/api/v1/return-plans/{plan_path.rsplit('/', 1)[1]}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 404

    await _as(client, world.caseworker)
    stopped = await client.get(plan_path)
    assert "Stopped: the person withdrew the consent to share with IOM" in stopped.text


async def test_the_summary_prints_in_romanian_and_says_so_when_it_falls_back(
    client: Client,
) -> None:
    world = await make_return_world()
    plan_id = await accepted_plan(world)
    await _as(client, world.caseworker)
    romanian = await client.get(f"/pathways/returns/{plan_id}/print?language=ro")
    assert romanian.status_code == 200
    assert "Planul tău de întoarcere" in romanian.text
    assert "A fost prezent un interpret." in romanian.text
    bulgarian = await services.printed_summary(world.caseworker_actor, plan_id, "bg")
    assert bulgarian.title == "Вашият план за завръщане"
    assert not bulgarian.fallback
    arabic = await client.get(f"/pathways/returns/{plan_id}/print?language=ar")
    assert "Your return plan" in arabic.text
    assert "No translation exists in the language asked for; printed in English." in arabic.text


async def test_the_cost_becomes_a_draft_request_in_the_return_category() -> None:
    world = await make_return_world()
    plan_id = await accepted_plan(world)
    year = date.today().year
    officer, _user = await make_officer("karin@lst.example", world.authority_id)
    programme_id = await grants.create_programme(
        officer,
        f"Stödprogrammet {year}",
        date(year, 1, 1),
        date(year, 12, 31),
        0,
        {"return": 10_000_000},
    )
    support_request_id = await services.draft_return_cost(
        world.caseworker_actor,
        plan_id,
        CostIn(programme_id=programme_id, travel=450_000, escort=300_000, reintegration=0),
    )
    support_request = await grants.get_request(world.caseworker_actor, support_request_id)
    assert support_request.support_request.category == "return"
    assert support_request.support_request.state == "draft"
    assert support_request.support_request.total == 750_000
    plan = await services.get_return_plan(world.caseworker_actor, plan_id)
    assert plan.cost_request_id == support_request_id
