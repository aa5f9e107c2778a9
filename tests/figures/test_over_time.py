"""Figures month by month on hand-built rows: placements and closures (suppressed, with
protected identities in the total only, Swedish months), budget movements, occupancy."""

from __future__ import annotations

from datetime import datetime

import pytest

from figures import services
from fristad.i18n import TIMEZONE, language
from tests.figures.helpers import KR, FiguresWorld, at, make_world, people, placement
from tests.figures.test_dashboard import table

MONTHS = [f"2027-{month:02d}" for month in range(1, 13)]


@pytest.fixture
async def world(db: None) -> FiguresWorld:
    found = await make_world()
    # Half past midnight on 1 April, Swedish summer time: still 31 March in UTC.
    late = await people(
        1,
        found.ngo_id,
        gender="woman",
        age_band="25-34",
        citizenship="RO",
        region="syd",
        types="other",
    )
    await placement(
        late[0],
        found.stockholm_category,
        found.stockholm_shelter,
        found.ngo_id,
        datetime(2027, 4, 1, 0, 30, tzinfo=TIMEZONE),
    )
    hidden = await people(
        5,
        found.ngo_id,
        gender="woman",
        age_band="25-34",
        citizenship="RO",
        region="syd",
        types="other",
        protected="confidentiality_marking",
    )
    for beneficiary_id in hidden:
        await placement(
            beneficiary_id,
            found.stockholm_category,
            found.stockholm_shelter,
            found.ngo_id,
            at(2027, 5, 3),
        )
    return found


async def test_placements_by_month_suppressed(world: FiguresWorld) -> None:
    # Labels are in the language of the request; here, outside one, Swedish set explicitly (an
    # earlier test on the same event loop may have left another active).
    with language("sv"):
        figures = await services.dashboard(world.officer)
    # February 5 and March 6 placements; April's one is small, so the two smallest other
    # months are withheld; May's 5 persons with protected identity count in the total only.
    expected: dict[str, int | str] = {month: 0 for month in MONTHS}
    expected |= {"2027-02": "..", "2027-03": "..", "2027-04": "<5", "total": 17}
    assert table(figures, "placements_by_month") == expected
    labels = [row.label for t in figures.tables if t.key == "placements_by_month" for row in t.rows]
    assert labels[0] == "jan. 2027"


async def test_closures_by_month(world: FiguresWorld) -> None:
    figures = await services.dashboard(world.officer)
    expected: dict[str, int | str] = {month: 0 for month in MONTHS}
    expected |= {"2027-10": 5, "total": 5}
    assert table(figures, "closures_by_month") == expected
    spring = await services.dashboard(
        world.officer, None, at(2027, 2, 15).date(), at(2027, 4, 10).date()
    )
    assert [row.code for t in spring.tables if t.key == "closures_by_month" for row in t.rows] == [
        "2027-02",
        "2027-03",
        "2027-04",
    ]


async def test_budget_by_month(world: FiguresWorld) -> None:
    figures = await services.dashboard(world.officer)
    found = {m.month: (m.allocated, m.committed, m.paid) for m in figures.budget_by_month}
    assert list(found) == MONTHS
    assert {month: money for month, money in found.items() if any(money)} == {
        "2027-03": (0, 100_000 * KR, 0),
        "2027-04": (0, 0, 40_000 * KR),
    }


async def test_occupancy_at_each_months_end(world: FiguresWorld) -> None:
    figures = await services.dashboard(world.officer)
    assert figures.occupancy_by_month is not None
    found = {
        row.code: (
            row.beds,
            row.occupied.value if row.occupied.value is not None else row.occupied.text,
        )
        for row in figures.occupancy_by_month.rows
    }
    assert found == {
        "2027-01": (10, "<5"),
        "2027-02": (10, "<5"),
        "2027-03": (17, 8),
        "2027-04": (17, 8),
        "2027-05": (17, 8),
        **{month: (17, 12) for month in MONTHS[5:]},
    }
    assert figures.occupancy_by_month.occupied is None  # months add up to nothing
