"""A shelter operator's answer times (hold asked -> answered) and the shelters that let their
numbers go stale, on hand-built rows, for the network and for the operator itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from figures import services
from figures.services import AnswerTime
from shelters.tables import BedCategory, Hold, Shelter
from tests.accounts.helpers import make_org
from tests.figures.helpers import FiguresWorld, at, category, make_world, shelter


async def hold(
    world: FiguresWorld,
    category_id: int,
    shelter_id: int,
    *,
    asked: datetime,
    status: str,
    after_hours: float | None = None,
) -> None:
    answered = asked + timedelta(hours=after_hours) if after_hours is not None else None
    await Hold.insert(
        Hold(
            category=category_id,
            shelter=shelter_id,
            beneficiary=world.people["ro_women"][0],
            organisation=world.ngo_id,
            created_at=asked,
            expires_at=asked + timedelta(hours=48),
            status=status,
            answered_at=answered,
        )
    )


@pytest.fixture
async def world(db: None) -> FiguresWorld:
    found = await make_world()
    for hours in (1, 2, 3, 4, 5):
        await hold(
            found,
            found.stockholm_category,
            found.stockholm_shelter,
            asked=at(2027, 3, 1),
            status="accepted",
            after_hours=hours,
        )
    for hours in (10, 20):
        await hold(
            found,
            found.vast_category,
            found.vast_shelter,
            asked=at(2027, 4, 1),
            status="declined",
            after_hours=hours,
        )
    await hold(
        found, found.vast_category, found.vast_shelter, asked=at(2027, 5, 1), status="expired"
    )
    # Answered in 2028: outside the year.
    await hold(
        found,
        found.vast_category,
        found.vast_shelter,
        asked=at(2028, 1, 10),
        status="accepted",
        after_hours=3,
    )
    # Another operator's hold, in the network's figures only.
    other = await make_org("Annat Boende AB", "556000111", ngo=False, shelter=True)
    other_shelter = await shelter(other, "syd", "1280")
    other_beds = await category(other_shelter, "women", 4)
    await hold(
        found, other_beds, other_shelter, asked=at(2027, 6, 1), status="accepted", after_hours=100
    )
    return found


def times(found: tuple[AnswerTime, ...]) -> dict[str, tuple[object, object, object]]:
    return {
        t.answer: (
            t.answers.value if t.answers.value is not None else t.answers.text,
            t.median_hours,
            t.p90_hours,
        )
        for t in found
    }


async def test_answer_times_for_the_network(world: FiguresWorld) -> None:
    figures = await services.dashboard(world.officer)
    assert times(figures.answer_times) == {
        "accepted": (6, pytest.approx(3.5), pytest.approx(52.5)),
        "declined": ("<5", None, None),  # two answers: no hours, the count suppressed
        "expired": ("<5", None, None),
    }


async def test_a_shelter_operator_sees_its_own_answer_times_only(world: FiguresWorld) -> None:
    own = await services.organisation_figures(
        world.staff, at(2027, 1, 1).date(), at(2027, 12, 31).date()
    )
    assert times(own.answer_times) == {
        "accepted": (5, pytest.approx(3.0), pytest.approx(4.6)),
        "declined": ("<5", None, None),
        "expired": ("<5", None, None),
    }
    # A member organisation's figures have no answer times.
    ngo = await services.organisation_figures(world.caseworker)
    assert ngo.answer_times == ()


async def test_shelters_that_let_their_numbers_go_stale(world: FiguresWorld) -> None:
    # The Stockholm shelter confirmed just now; Väst and the other operator's confirmed in
    # January 2026 (long stale); a shelter with no category has nothing to trust.
    await BedCategory.update({BedCategory.confirmed_at: datetime.now(UTC)}).where(
        BedCategory.id == world.stockholm_category
    )
    empty = await shelter(world.operator_id, "nord", "2580")
    closed = await shelter(world.operator_id, "mitt", "2281")
    await Shelter.update({Shelter.active: False}).where(Shelter.id == closed)
    figures = await services.dashboard(world.officer)
    assert [(s.name, s.region, s.confirmed_at) for s in figures.stale_shelters] == [
        ("Boende nord", "Region Nord", None),
        ("Boende vast", "Region Väst", at(2026, 1, 1)),
        ("Boende syd", "Region Syd", at(2026, 1, 1)),
    ]
    own = await services.organisation_figures(world.staff)
    assert [s.shelter_id for s in own.stale_shelters] == [empty, world.vast_shelter]
