"""Decision times' median and 90th percentile, computed in the database (percentile_cont on
PostgreSQL, the rows at those positions on SQLite), against Python's statistics module on the
same intervals: odd and even counts, irregular hours down to the microsecond."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from figures import queries
from figures.folding import elapsed_at
from figures.services import period_of
from tests.figures.helpers import FiguresWorld, at, make_world, support_request


@given(st.lists(st.floats(min_value=0, max_value=10_000), min_size=2, max_size=60))
def test_the_summary_is_statistics_median_and_inclusive_quantile(hours: list[float]) -> None:
    ordered = sorted(hours)
    summary = elapsed_at(len(ordered), ordered.__getitem__)
    assert summary.count == len(hours)
    assert summary.median == statistics.median(hours)
    assert summary.p90 == statistics.quantiles(hours, n=10, method="inclusive")[8]


@pytest.fixture
async def world(db: None) -> FiguresWorld:
    return await make_world()


async def test_decision_times_for_odd_and_even_counts_match_statistics(
    world: FiguresWorld,
) -> None:
    generator = random.Random(15)
    ids = (world.programme_id, world.ngo_id, world.people["ro_women"][0], world.caseworker.user_id)
    expected: dict[str, list[float]] = {"acute": [], "normal": []}
    # In 2029, apart from the world's own requests.
    for urgency, count in (("acute", 13), ("normal", 24)):
        for _ in range(count):
            submitted = at(2029, generator.randint(1, 11), generator.randint(1, 28))
            hours = generator.randint(1, 900 * 3600 * 10**6) / (3600 * 10**6)
            await support_request(
                ids,
                category="legal_aid",
                state="approved",
                urgency=urgency,
                submitted=submitted,
                decided_after_hours=hours,
            )
            # As the helper stores it; elapsed in UTC (an interval may cross a change of DST).
            decided = (submitted + timedelta(hours=hours)).astimezone(UTC)
            expected[urgency].append((decided - submitted.astimezone(UTC)) / timedelta(hours=1))
    found = await queries.decision_times(
        world.programme_id, period_of(date(2029, 1, 1), date(2029, 12, 31))
    )
    for urgency, waited in expected.items():
        assert found[urgency].count == len(waited)
        assert found[urgency].median == pytest.approx(statistics.median(waited), abs=1e-9)
        p90 = statistics.quantiles(waited, n=10, method="inclusive")[8]
        assert found[urgency].p90 == pytest.approx(p90, abs=1e-9)
