"""The figures pages and their API twins: the same suppressed numbers as the services, in both
languages, only to whom they belong."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts import services as accounts
from accounts.tables import User
from tests.accounts.helpers import post_form, sign_in
from tests.figures.helpers import FiguresWorld, make_world

Client = AsyncTestClient[Litestar]


class FigureTables(HTMLParser):
    """Every <table data-table> of a page: row code -> the texts of its <td> cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict[str, list[str]]] = {}
        self._table: dict[str, list[str]] | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and found.get("data-table"):
            self._table = self.tables.setdefault(found["data-table"] or "", {})
        elif tag == "tr" and self._table is not None and "data-code" in found:
            self._row = self._table.setdefault(found["data-code"] or "", [])
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "table":
            self._table = None


def tables_of(html: str, column: int = 0) -> dict[str, dict[str, str]]:
    """Each table's ``column``-th number cell by row code (occupancy: 0 beds, 1 residents)."""
    parser = FigureTables()
    parser.feed(html)
    return {
        key: {
            code: cells[column] if len(cells) > column else cells[0] for code, cells in rows.items()
        }
        for key, rows in parser.tables.items()
    }


async def _as(client: Client, user: object) -> None:
    await post_form(client, "/sign-out", {})
    client.cookies.clear()
    await User.update({User.totp_last_step: 0}).where(User.id == user.id)  # type: ignore[attr-defined]
    response = await sign_in(client, user)
    assert response.status_code == 303, response.text


@pytest.fixture
async def world(db: None) -> FiguresWorld:
    return await make_world()


async def test_the_officer_reads_the_dashboard_in_swedish_and_english(
    client: Client, world: FiguresWorld
) -> None:
    await _as(client, world.officer_user)
    page = await client.get("/figures/")
    assert page.status_code == 200
    tables = tables_of(page.text)
    assert tables["people_by_gender"] == {
        "woman": "15",
        "man": "6",
        "non_binary": "0",
        "unknown": "0",
        "total": "21",
    }
    # Money and numbers by Babel, in Swedish: a no-break space between thousands.
    assert tables_of(page.text, 3)["budget"]["legal_aid"] == "900\u00a0000\u00a0kr"
    assert "Personer som fått stöd efter kön" in page.text
    assert '<svg class="chart"' in page.text
    assert '<title id="people_by_gender-title">' in page.text
    assert "style=" not in page.text
    assert "<script>" not in page.text
    client.cookies.set("fristad_lang", "en")
    english = await client.get("/figures/")
    assert "People helped by gender" in english.text


async def test_changing_the_period_swaps_the_figures(client: Client, world: FiguresWorld) -> None:
    await _as(client, world.officer_user)
    page = await client.get(
        "/figures/",
        params={"start": "2027-01-01", "end": "2027-03-31"},
        headers={"hx-request": "true"},
    )
    assert page.status_code == 200
    assert tables_of(page.text, 1)["occupancy_1"]["stockholm"] == "<5"
    assert 'id="figures"' in page.text
    assert "<html" not in page.text


async def test_a_bad_date_is_a_message_with_what_was_typed(
    client: Client, world: FiguresWorld
) -> None:
    await _as(client, world.officer_user)
    page = await client.get("/figures/", params={"start": "2027-13-45", "end": ""})
    assert page.status_code == 422
    assert 'value="2027-13-45"' in page.text
    page = await client.get("/figures/", params={"programme": "99999999999"})
    assert page.status_code == 400


async def test_others_do_not_see_the_network_but_their_own(
    client: Client, world: FiguresWorld
) -> None:
    await _as(client, world.caseworker_user)
    assert (await client.get("/figures/")).status_code == 403
    own = await client.get("/figures/own", params={"start": "2027-01-01", "end": "2027-12-31"})
    assert own.status_code == 200
    assert tables_of(own.text)["people_by_gender"]["total"] == "21"
    await _as(client, world.staff_user)
    beds = await client.get("/figures/own", params={"start": "2027-01-01", "end": "2027-12-31"})
    assert tables_of(beds.text, 1)["occupancy_1"]["stockholm"] == "7"
    assert "people_by_gender" not in tables_of(beds.text)


async def test_the_api_gives_the_same_suppressed_figures(
    client: Client, world: FiguresWorld
) -> None:
    _id, token = await accounts.create_token(world.officer, "figures", ["read"])
    bearer = {"Authorization": f"Bearer {token}"}
    response = await client.get("/api/v1/figures/network", headers=bearer)
    assert response.status_code == 200
    gender = next(t for t in response.json()["tables"] if t["key"] == "people_by_gender")
    assert [(row["code"], row["cell"]["value"]) for row in gender["rows"]][:2] == [
        ("woman", 15),
        ("man", 6),
    ]
    bad = await client.get("/api/v1/figures/network", params={"end": "x"}, headers=bearer)
    assert bad.status_code == 422
    _id, caseworker_token = await accounts.create_token(world.caseworker, "figures", ["read"])
    own = await client.get(
        "/api/v1/figures/network", headers={"Authorization": f"Bearer {caseworker_token}"}
    )
    assert own.status_code == 403
