"""Unmet demand on hand-built rows: each table exactly, with a small cell suppressed and
persons with protected identity in the totals only."""

from __future__ import annotations

from datetime import datetime

import pytest

from figures import services
from figures.suppression import derivable
from matching.tables import UnmetDemand
from tests.figures.helpers import FiguresWorld, at, make_world
from tests.figures.test_dashboard import table


async def unmet(
    count: int,
    when: datetime,
    kind: str,
    help: str,
    region: str,
    group: str,
    *,
    protected: bool = False,
) -> None:
    for _ in range(count):
        await UnmetDemand.insert(
            UnmetDemand(
                at=when,
                kind=kind,
                help=help,
                region=region,
                target_group=group,
                protected=protected,
            )
        )


@pytest.fixture
async def world(db: None) -> FiguresWorld:
    found = await make_world()
    await unmet(8, at(2027, 2, 1), "no_offer", "shelter", "stockholm", "women")
    await unmet(6, at(2027, 3, 1), "no_offer", "legal_aid", "vast", "men")
    await unmet(5, at(2027, 4, 1), "no_bed", "shelter", "stockholm", "women")
    await unmet(2, at(2027, 5, 1), "no_bed", "shelter", "syd", "families")
    await unmet(5, at(2027, 6, 1), "no_offer", "shelter", "syd", "minors", protected=True)
    # Outside 2027.
    await unmet(3, at(2028, 1, 5), "no_bed", "shelter", "nord", "men")
    await unmet(1, at(2026, 12, 31), "no_offer", "shelter", "nord", "men")
    return found


async def test_unmet_demand_by_kind_and_category(world: FiguresWorld) -> None:
    figures = await services.dashboard(world.officer)
    assert table(figures, "unmet_by_kind") == {"no_offer": 14, "no_bed": 7, "total": 26}
    assert table(figures, "unmet_by_category") == {
        "legal_aid": 6,
        "shelter": 15,
        "rehabilitation": 0,
        "return": 0,
        "other": 0,
        "total": 26,
    }


async def test_unmet_demand_by_region_and_target_group_suppressed(world: FiguresWorld) -> None:
    figures = await services.dashboard(world.officer)
    # Syd's 2 are small; the two smallest other cells are withheld beside them; the 5 protected
    # persons (in Syd, minors) count in the total only.
    assert table(figures, "unmet_by_region") == {
        "nord": 0,
        "mitt": 0,
        "stockholm": "..",
        "ost": 0,
        "vast": "..",
        "syd": "<5",
        "bergslagen": 0,
        "": 0,
        "total": 26,
    }
    assert table(figures, "unmet_by_target_group") == {
        "women": "..",
        "men": "..",
        "families": "<5",
        "minors": 0,
        "lgbtq": 0,
        "": 0,
        "total": 26,
    }
    # The observer's attempt: from the total and the cells shown, no small count follows.
    for key in ("unmet_by_region", "unmet_by_target_group"):
        shown = next(t for t in figures.tables if t.key == key)
        marks = [row.cell.mark for row in shown.rows]
        counts = {"unmet_by_region": [0, 0, 13, 0, 6, 2, 0, 0]}.get(key, [13, 6, 2, 0, 0, 0])
        assert derivable(counts, marks, total=26, hidden=5) == set()


async def test_unmet_demand_follows_the_period(world: FiguresWorld) -> None:
    spring = await services.dashboard(
        world.officer, None, datetime(2027, 1, 1).date(), datetime(2027, 3, 31).date()
    )
    assert table(spring, "unmet_by_kind") == {"no_offer": 14, "no_bed": 0, "total": 14}
    later = await services.dashboard(
        world.officer, None, datetime(2028, 1, 1).date(), datetime(2028, 1, 31).date()
    )
    assert table(later, "unmet_by_kind") == {"no_offer": 0, "no_bed": "<5", "total": ".."}
