"""The annual report: a calendar year's figures, printable and as XLSX, in both languages."""

from __future__ import annotations

import io

import openpyxl
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts.tables import AuditEvent
from tests.figures.helpers import FiguresWorld, make_world
from tests.figures.test_pages import _as, tables_of

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def world(db: None) -> FiguresWorld:
    return await make_world()


async def test_the_annual_report_shows_the_year_and_its_xlsx_equals_the_page(
    client: Client, world: FiguresWorld
) -> None:
    await _as(client, world.officer_user)
    page = await client.get("/figures/annual", params={"year": "2027"})
    assert page.status_code == 200
    assert "Årsrapport 2027" in page.text
    tables = tables_of(page.text)
    assert tables["people_by_gender"]["total"] == "21"
    assert tables["placements_by_region"]["total"] == "11"
    assert tables_of(page.text, 3)["budget"]["legal_aid"] == "900\u00a0000\u00a0kr"

    download = await client.get("/figures/annual/xlsx", params={"year": "2027"})
    assert download.status_code == 200
    assert await AuditEvent.exists().where(AuditEvent.action == "figures.annual_report_downloaded")
    workbook = openpyxl.load_workbook(io.BytesIO(download.content))
    for key in ("people_by_gender", "people_by_citizenship", "closures_by_reason"):
        sheet = list(workbook[key].iter_rows(min_row=3, values_only=True))
        assert [str(value) for _label, value in sheet] == list(tables[key].values())

    client.cookies.set("fristad_lang", "en")
    english = await client.get("/figures/annual", params={"year": "2027"})
    assert "Annual report 2027" in english.text


async def test_a_year_before_any_programme_has_no_budget_and_a_bad_year_is_refused(
    client: Client, world: FiguresWorld
) -> None:
    await _as(client, world.officer_user)
    page = await client.get("/figures/annual", params={"year": "2026"})
    assert page.status_code == 200
    assert "budget" not in tables_of(page.text)
    # The four persons closed in June 2026 were helped in 2026: four men, so "<5", and the
    # total (which would be the men) is withheld too.
    gender = tables_of(page.text)["people_by_gender"]
    assert (gender["man"], gender["woman"], gender["total"]) == ("<5", "0", "..")
    assert (await client.get("/figures/annual", params={"year": "1999"})).status_code == 400
    await _as(client, world.caseworker_user)
    assert (await client.get("/figures/annual", params={"year": "2027"})).status_code == 403
