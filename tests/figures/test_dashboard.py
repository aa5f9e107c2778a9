"""The officers' dashboard on hand-built data: every figure exactly, then the same world with
small counts and persons with protected identity."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from figures import services
from figures.services import Dashboard, FigureTable
from fristad.errors import InvalidInput, NotFound, PermissionDenied
from pathways.tables import ReturnPlan
from tests.figures.helpers import KR, FiguresWorld, make_world, people

Shown = dict[str, int | str]


def cells(table: FigureTable) -> Shown:
    found: Shown = {
        row.code: row.cell.value if row.cell.value is not None else row.cell.text
        for row in table.rows
    }
    if table.total is not None:
        found["total"] = table.total.value if table.total.value is not None else table.total.text
    return found


def table(figures: Dashboard, key: str) -> Shown:
    return cells(next(t for t in figures.tables if t.key == key))


@pytest.fixture
async def world(db: None) -> FiguresWorld:
    return await make_world()


async def test_the_programme_year_is_the_default_period(world: FiguresWorld) -> None:
    figures = await services.dashboard(world.officer)
    assert figures.programme is not None
    assert figures.programme.id == world.programme_id
    assert (figures.start, figures.end) == (date(2027, 1, 1), date(2027, 12, 31))


async def test_budget_per_category_as_the_ledger_stood(world: FiguresWorld) -> None:
    year = await services.dashboard(world.officer)
    assert [(b.category, b.allocated, b.committed, b.paid, b.remaining) for b in year.budget] == [
        ("legal_aid", 1_000_000 * KR, 100_000 * KR, 40_000 * KR, 900_000 * KR),
        ("shelter", 500_000 * KR, 0, 0, 500_000 * KR),
        ("rehabilitation", 0, 0, 0, 0),
        ("return", 0, 0, 0, 0),
        ("other", 0, 0, 0, 0),
    ]
    march = await services.dashboard(world.officer, None, date(2027, 1, 1), date(2027, 3, 31))
    assert [(b.category, b.committed, b.paid) for b in march.budget][:2] == [
        ("legal_aid", 100_000 * KR, 0),
        ("shelter", 0, 0),
    ]


async def test_requests_by_state_and_category(world: FiguresWorld) -> None:
    figures = await services.dashboard(world.officer)
    by_state = table(figures, "requests_by_state")
    assert {code: n for code, n in by_state.items() if n} == {
        "approved": 11,
        "in_review": 5,
        "total": 16,
    }
    assert "draft" not in by_state
    assert table(figures, "requests_by_category") == {
        "legal_aid": 11,
        "shelter": 5,
        "rehabilitation": 0,
        "return": 0,
        "other": 0,
        "total": 16,
    }
    spring = await services.dashboard(world.officer, None, date(2027, 1, 1), date(2027, 3, 31))
    assert table(spring, "requests_by_category")["total"] == 11


async def test_decision_time_median_and_90th_percentile(world: FiguresWorld) -> None:
    figures = await services.dashboard(world.officer)
    times = {
        d.urgency: (d.decisions.value, d.median_hours, d.p90_hours) for d in figures.decision_times
    }
    assert times["acute"] == (5, 6.0, pytest.approx(9.2))
    assert times["normal"] == (6, 84.0, pytest.approx(132.0))


async def test_people_helped_by_gender_age_citizenship_region_and_exploitation(
    world: FiguresWorld,
) -> None:
    figures = await services.dashboard(world.officer)
    assert table(figures, "people_by_gender") == {
        "woman": 15,
        "man": 6,
        "non_binary": 0,
        "unknown": 0,
        "total": 21,
    }
    assert table(figures, "people_by_age") == {
        "0-17": 0,
        "18-24": 5,
        "25-34": 10,
        "35-49": 6,
        "50+": 0,
        "unknown": 0,
        "total": 21,
    }
    assert table(figures, "people_by_citizenship") == {
        "BG": 6,
        "NG": 5,
        "RO": 10,
        "": 0,
        "total": 21,
    }
    assert table(figures, "people_by_region") == {
        "nord": 0,
        "mitt": 0,
        "stockholm": 10,
        "ost": 0,
        "vast": 6,
        "syd": 5,
        "bergslagen": 0,
        "total": 21,
    }
    assert table(figures, "people_by_exploitation") == {
        "sexual_exploitation": 15,
        "forced_labour": 6,
        "forced_begging": 6,
        "criminal_activities": 0,
        "forced_marriage": 0,
        "organ_removal": 0,
        "other": 0,
    }


async def test_placements_returns_and_closures(world: FiguresWorld) -> None:
    figures = await services.dashboard(world.officer)
    placements = table(figures, "placements_by_region")
    assert (placements["stockholm"], placements["vast"], placements["total"]) == (5, 6, 11)
    assert table(figures, "returns_by_country") == {"BG": 5, "": 0, "total": 5}
    closures = table(figures, "closures_by_reason")
    assert (closures["needs_met"], closures["lost_contact"], closures["total"]) == (5, 0, 5)


async def test_returns_count_under_the_country_the_return_plan_departed_to(
    world: FiguresWorld,
) -> None:
    """The five returned Bulgarian citizens went home to Romania through the return programme:
    the plan's country of return counts, not the citizenship."""
    departed = datetime(2027, 8, 30, tzinfo=UTC)
    for beneficiary_id in world.people["bg_men"][:5]:
        await ReturnPlan.insert(
            ReturnPlan(
                beneficiary=beneficiary_id,
                referrer=world.ngo_id,
                authority=world.ngo_id,
                state="departed",
                country="RO",
                created_at=departed,
                departed_at=departed,
                updated_at=departed,
            )
        )
    figures = await services.dashboard(world.officer)
    assert table(figures, "returns_by_country") == {"RO": 5, "": 0, "total": 5}


async def test_occupancy_from_the_availability_history(world: FiguresWorld) -> None:
    def rows(figures: Dashboard, index: int) -> dict[str, tuple[int, int | str]]:
        return {
            row.code: (row.beds, row.occupied.text or row.occupied.value or 0)
            for row in figures.occupancy[index].rows
            if row.beds
        }

    year = await services.dashboard(world.officer)
    assert rows(year, 0) == {"stockholm": (10, 7), "vast": (7, 5)}
    assert year.occupancy[0].beds == 17
    assert year.occupancy[0].occupied is not None
    assert year.occupancy[0].occupied.value == 12
    assert rows(year, 1) == {"women": (10, 7), "men": (7, 5), "families": (7, 5)}
    march = await services.dashboard(world.officer, None, date(2027, 1, 1), date(2027, 3, 31))
    # Three residents in Stockholm then: "<5", and Väst withheld beside it (8 - 5 = 3).
    assert rows(march, 0) == {"stockholm": (10, "<5"), "vast": (7, "..")}


async def test_small_counts_and_protected_identities_are_never_shown(world: FiguresWorld) -> None:
    ngo = world.ngo_id
    await people(
        2,
        ngo,
        gender="woman",
        age_band="25-34",
        citizenship="RO",
        region="stockholm",
        types="sexual_exploitation",
        protected="protected_registration",
    )
    await people(
        3, ngo, gender="man", age_band="50+", citizenship="PL", region="nord", types="other"
    )
    figures = await services.dashboard(world.officer)
    # Two protected persons would be the total minus the cells: two cells are withheld.
    assert table(figures, "people_by_gender") == {
        "woman": "..",
        "man": "..",
        "non_binary": 0,
        "unknown": 0,
        "total": 26,
    }
    assert table(figures, "people_by_age") == {
        "0-17": 0,
        "18-24": "..",
        "25-34": 10,
        "35-49": "..",
        "50+": "<5",
        "unknown": 0,
        "total": 26,
    }
    # The protected persons are in no breakdown: still 15 sexual exploitation, not 17.
    exploitation = table(figures, "people_by_exploitation")
    assert (exploitation["sexual_exploitation"], exploitation["other"]) == (15, "<5")


async def test_only_officers_see_the_network_and_only_their_programmes(
    world: FiguresWorld,
) -> None:
    with pytest.raises(PermissionDenied):
        await services.dashboard(world.caseworker)
    with pytest.raises(NotFound):
        await services.dashboard(world.officer, world.programme_id + 1000)
    with pytest.raises(InvalidInput):
        await services.dashboard(world.officer, None, date(2027, 5, 1), date(2027, 4, 1))


async def test_an_organisation_sees_its_own_figures_and_an_operator_its_occupancy(
    world: FiguresWorld,
) -> None:
    own = await services.organisation_figures(
        world.caseworker, date(2027, 1, 1), date(2027, 12, 31)
    )
    assert cells(next(t for t in own.tables if t.key == "people_by_gender"))["total"] == 21
    assert cells(next(t for t in own.tables if t.key == "requests_by_state"))["total"] == 16
    assert own.occupancy == ()
    beds = await services.organisation_figures(world.staff, date(2027, 1, 1), date(2027, 12, 31))
    assert beds.tables == ()
    assert {r.code: r.occupied.value for r in beds.occupancy[0].rows if r.beds} == {
        "stockholm": 7,
        "vast": 5,
    }
