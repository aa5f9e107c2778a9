"""Every refused grants form comes back with what was typed (issue 11.2): cost lines, budget
adjustments (which used to lose their values), a new programme, a payment."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from beneficiaries import services as beneficiaries
from grants import services
from grants.tables import Budget
from tests.accounts.helpers import post_form, sign_in
from tests.beneficiaries.helpers import make_beneficiary
from tests.grants.helpers import KR, make_world, submitted_request

Client = AsyncTestClient[Litestar]


async def test_a_refused_request_keeps_its_cost_lines_as_typed(client: Client) -> None:
    world = await make_world()
    beneficiary_id = await make_beneficiary(world.caseworker, consents=("share_funder",))
    code = (await beneficiaries.case_for(world.caseworker, beneficiary_id))["code"]
    await sign_in(client, world.caseworker_user)
    refused = await post_form(
        client,
        "/grants/requests/new",
        {
            "programme_id": str(world.programme_id),
            "beneficiary_code": code,
            "category": "legal_aid",
            "urgency": "normal",
            "period_start": "2027-02-01",
            "period_end": "2027-04-30",
            "justification": "Överklagande kräver ombud.",
            "line_description": ["Ombud", "", ""],
            "line_quantity": ["tio", "7", ""],
            "line_unit": ["timme", "", "dygn"],
            "line_unit_price": ["1500", "", ""],
        },
        from_page="/grants/requests/new",
    )
    assert refused.status_code == 422
    assert 'value="tio"' in refused.text
    assert 'value="Ombud"' in refused.text
    assert 'value="1500"' in refused.text
    # A row with only a quantity or only a unit typed is kept too, not dropped.
    assert 'value="7"' in refused.text
    assert 'value="dygn"' in refused.text
    assert "Överklagande kräver ombud." in refused.text


async def test_a_refused_budget_adjustment_keeps_its_amount_and_reason(client: Client) -> None:
    world = await make_world()
    await sign_in(client, world.officer_user)
    budget = await Budget.select(Budget.id).where(Budget.category == "legal_aid").first()
    assert budget is not None
    refused = await post_form(
        client,
        f"/grants/budgets/{budget['id']}/adjust",
        {"amount": "tusen", "reason": "Omfördelning från boende"},
        from_page="/grants/programmes",
    )
    assert refused.status_code == 422
    assert 'value="tusen"' in refused.text
    assert 'value="Omfördelning från boende"' in refused.text
    assert f'id="adjust-{budget["id"]}-error"' in refused.text
    allocated = await Budget.select(Budget.allocated).where(Budget.id == budget["id"]).first()
    assert allocated == {"allocated": 1_000_000 * KR}


async def test_a_refused_programme_keeps_what_was_typed(client: Client) -> None:
    world = await make_world()
    await sign_in(client, world.officer_user)
    refused = await post_form(
        client,
        "/grants/programmes",
        {
            "name": "Stödprogrammet 2028",
            "starts_on": "2028-01-01",
            "ends_on": "inte ett datum",
            "four_eyes_threshold": "50000",
            "legal_aid": "200000",
        },
        from_page="/grants/programmes",
    )
    assert refused.status_code == 422
    assert 'value="Stödprogrammet 2028"' in refused.text
    assert 'value="inte ett datum"' in refused.text
    assert 'value="200000"' in refused.text


async def test_a_refused_payment_keeps_its_date_amount_and_reference(client: Client) -> None:
    world = await make_world()
    request_id = await submitted_request(world)
    await services.decide(world.officer, request_id, 10_000 * KR, "Rimligt.")
    await sign_in(client, world.officer_user)
    path = f"/grants/requests/{request_id}"
    refused = await post_form(
        client,
        f"{path}/payments",
        {"paid_on": "2027-03-01", "amount": "femtusen", "reference": "Faktura 4711"},
        from_page=path,
    )
    assert refused.status_code == 422
    assert 'value="femtusen"' in refused.text
    assert 'value="Faktura 4711"' in refused.text
    assert 'value="2027-03-01"' in refused.text
