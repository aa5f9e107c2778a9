"""Queries per request are bounded: the main pages issue as many SQL statements with many rows
shown as with few (no query per row). Counted at the engine, whichever engine the run uses."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts.tables import User
from fristad import database
from grants import services as grants
from shelters import services as shelters
from tests.accounts.helpers import post_form, sign_in
from tests.beneficiaries.helpers import make_beneficiary
from tests.grants.helpers import make_world as grants_world
from tests.grants.helpers import request_in, submitted_request
from tests.shelters.helpers import ADDRESS
from tests.shelters.helpers import make_world as shelters_world

Client = AsyncTestClient[Litestar]


class Statements:
    """Every statement the engine runs, counted as it passes (the engine still runs it)."""

    def __init__(self) -> None:
        self.count = 0

    def wrap(self, run: Any) -> Any:
        async def counted(engine: Any, *args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return await run(engine, *args, **kwargs)

        return counted


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> Statements:
    counter = Statements()
    engine_class = type(database.engine())  # its instances have no __dict__ to patch
    for method in ("run_querystring", "run_ddl"):
        monkeypatch.setattr(engine_class, method, counter.wrap(getattr(engine_class, method)))
    return counter


async def _count(client: Client, statements: Statements, path: str, marker: str, rows: int) -> int:
    await client.get(path)  # once to warm what is kept per process
    before = statements.count
    page = await client.get(path, follow_redirects=False)
    assert page.status_code == 200, (path, page.status_code)
    assert page.text.count(marker) >= rows, (path, marker, rows)
    counted = statements.count - before
    print(f"{path}: {counted} statements, {rows}+ rows")  # shown with pytest -s
    assert counted > 0, "nothing counted: the counter no longer sees the engine's statements"
    return counted


async def _as(client: Client, user: Any) -> None:
    await post_form(client, "/sign-out", {})
    client.cookies.clear()
    await User.update({User.totp_last_step: 0}).where(User.id == user.id)
    response = await sign_in(client, user)
    assert response.status_code == 303, response.text


async def _more_shelters(operator_id: int, count: int, start: int) -> None:
    for number in range(start, start + count):
        shelter_id = await shelters.create_shelter(
            None,
            operator_id,
            shelters.NewShelter(
                name=f"Boende {number}",
                address=ADDRESS,
                municipality="0180",  # Stockholm
                target_groups=["women"],
                languages=["sv"],
                referral_contact="08-123 45",
            ),
        )
        await shelters.add_category(
            None,
            shelter_id,
            shelters.NewCategory(name=f"Avdelning {number}", capacity=3, target_groups=["women"]),
        )


async def test_the_bed_board_costs_the_same_statements_for_2_and_12_shelters(
    client: Client, db: None, statements: Statements
) -> None:
    world = await shelters_world()
    await _more_shelters(world.operator_id, 1, 1)
    await _as(client, world.caseworker)
    few = await _count(client, statements, "/shelters/", "Avdelning", 1)
    await _more_shelters(world.operator_id, 10, 2)
    many = await _count(client, statements, "/shelters/", "Avdelning", 11)
    assert many == few, f"the board: {few} statements for 2 shelters, {many} for 12"
    fragment_few = few
    client.headers["HX-Request"] = "true"
    fragment = await _count(client, statements, "/shelters/", "Avdelning", 11)
    assert fragment <= fragment_few


async def test_person_queue_and_dashboard_cost_the_same_statements_for_few_and_many_requests(
    client: Client, db: None, statements: Statements
) -> None:
    world = await grants_world()
    person = await make_beneficiary(world.caseworker, consents=("share_funder",))

    async def add(count: int) -> None:
        for _ in range(count):
            await grants.create_request(world.caseworker, request_in(world.programme_id, person))
            await submitted_request(world)

    # Each page, who opens it, and what it shows once per request (with 1 + n requests).
    pages = {
        "person": (world.caseworker_user, f"/beneficiaries/{person}", "/grants/requests/", 1),
        "request queue": (world.officer_user, "/grants/queue", "/grants/requests/", 2),
        "figures dashboard": (world.officer_user, "/figures/", "<table", 0),
    }
    await add(1)
    few: dict[str, int] = {}
    for name, (user, path, marker, per_request) in pages.items():
        await _as(client, user)
        few[name] = await _count(client, statements, path, marker, per_request * 1)
    await add(6)
    for name, (user, path, marker, per_request) in pages.items():
        await _as(client, user)
        many = await _count(client, statements, path, marker, per_request * 7)
        assert many == few[name], f"{name}: {few[name]} statements with 1 request, {many} with 7"
