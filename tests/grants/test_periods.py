"""A support request's period lies within its programme's (issue 11.8): a 2029 period for a 2027
programme is refused with a message, in the services, on the page and in the API."""

from __future__ import annotations

from datetime import date

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts import services as accounts
from beneficiaries import services as beneficiaries
from fristad import i18n
from fristad.errors import InvalidInput
from grants import services
from grants.tables import SupportRequest
from tests.accounts.helpers import post_form, sign_in
from tests.beneficiaries.helpers import make_beneficiary
from tests.grants.helpers import KR, make_world, request_in

Client = AsyncTestClient[Litestar]


@pytest.mark.parametrize(
    ("start", "end", "fields"),
    [
        (date(2029, 2, 1), date(2029, 4, 30), {"period_start", "period_end"}),
        (date(2027, 12, 1), date(2028, 1, 31), {"period_end"}),
        (date(2026, 12, 1), date(2027, 1, 31), {"period_start"}),
    ],
)
async def test_a_period_outside_the_programme_is_refused(
    start: date, end: date, fields: set[str]
) -> None:
    i18n.activate("en")  # the messages are asserted in English
    world = await make_world()  # Stödprogrammet 2027
    beneficiary_id = await make_beneficiary(world.caseworker, consents=("share_funder",))
    data = msgspec.structs.replace(
        request_in(world.programme_id, beneficiary_id), period_start=start, period_end=end
    )
    with pytest.raises(InvalidInput) as refused:
        await services.create_request(world.caseworker, data)
    assert set(refused.value.errors) == fields
    assert "2027-01-01 to 2027-12-31" in next(iter(refused.value.errors.values()))
    assert await SupportRequest.count() == 0


async def test_the_page_and_the_api_refuse_a_2029_period(client: Client) -> None:
    world = await make_world()
    beneficiary_id = await make_beneficiary(world.caseworker, consents=("share_funder",))
    code = (await beneficiaries.case_for(world.caseworker, beneficiary_id))["code"]
    await sign_in(client, world.caseworker_user)
    page = await post_form(
        client,
        "/grants/requests/new",
        {
            "programme_id": str(world.programme_id),
            "beneficiary_code": code,
            "category": "legal_aid",
            "urgency": "normal",
            "period_start": "2029-02-01",
            "period_end": "2029-04-30",
            "justification": "Ombud.",
            "line_description": ["Ombud"],
            "line_quantity": ["10"],
            "line_unit": ["timme"],
            "line_unit_price": ["1500"],
        },
        from_page="/grants/requests/new",
    )
    assert page.status_code == 422
    assert "2027-01-01" in page.text
    actor = await accounts.load_actor(
        world.caseworker.user_id, session_epoch=None, membership_id=None
    )
    assert actor is not None
    _id, token = await accounts.create_token(actor, "test", ["read", "write"])
    api = await client.post(
        "/api/v1/support-requests",
        json={
            "programme_id": world.programme_id,
            "beneficiary_id": beneficiary_id,
            "category": "legal_aid",
            "period_start": "2029-02-01",
            "period_end": "2029-04-30",
            "justification": "Ombud.",
            "urgency": "normal",
            "lines": [{"description": "Ombud", "quantity": 1, "unit": "st", "unit_price": KR}],
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 422
    assert set(api.json()["errors"]) == {"period_start", "period_end"}
    assert await SupportRequest.count() == 0
