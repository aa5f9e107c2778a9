"""S4 on the `--scale large` data set: help now for one person and reverse matching for one freed
bed (issue 16). Reads only; the database is left as it is.

    FRISTAD_DATABASE_URL=postgresql://…/fristad_large uv run fristad demo --scale large
    FRISTAD_DATABASE_URL=postgresql://…/fristad_large uv run python bench/large_matching.py

For 20 open cases with consent to share with a shelter (of the demo's first caseworker's
organisation): `matching.services.help_now`, one person at a time; for 10 categories with a free
bed: `matching.services.fitting_cases`. The floor each is set against, in the same run, is
`shelters.services.offers()`, the one read of every bed category that both start with: the ratio
says how many times that read the whole match costs.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from collections.abc import Awaitable
from typing import Any, TypeVar

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [path for path in sys.path if os.path.abspath(path or ".") != HERE]
T = TypeVar("T")
PERSONS, FREED = 20, 10


async def timed(call: Awaitable[T]) -> tuple[float, T]:
    begin = time.perf_counter()
    result = await call
    return (time.perf_counter() - begin) * 1000, result


def line(label: str, values: list[float], unit: str = "ms") -> None:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"  {label:<44} median {statistics.median(ordered):9.1f} {unit:<2} p95 {p95:9.1f} {unit}")


async def main() -> None:
    import fristad.app  # noqa: F401 - the composition root registers every app's policy
    from accounts import services as accounts
    from accounts.tables import Membership
    from beneficiaries import services as beneficiaries
    from beneficiaries.tables import Beneficiary
    from fristad import database
    from fristad.settings import get_settings
    from matching import services
    from shelters import services as shelters
    from shelters.tables import BedCategory

    settings = get_settings()
    await database.start()
    categories = await BedCategory.count()
    if categories < 1000:
        sys.exit(
            f"{categories} bed categories: fill the database with `fristad demo --scale large`"
        )
    member = (
        await Membership.select(Membership.user, Membership.id, Membership.organisation)
        .where(Membership.role == "caseworker")
        .order_by(Membership.id)
        .first()
    )
    assert member is not None
    actor = await accounts.load_actor(
        member["user"], session_epoch=None, membership_id=member["id"]
    )
    assert actor is not None
    cases = [
        row["id"]
        for row in await Beneficiary.select(Beneficiary.id)
        .where(
            (Beneficiary.organisation == member["organisation"]) & (Beneficiary.status == "open")
        )
        .order_by(Beneficiary.id, ascending=False)
        .limit(PERSONS * 3)
    ]
    persons = [c for c in cases if await beneficiaries.has_valid_consent(c, "share_shelter")]
    persons = persons[:PERSONS]
    print(f"{categories} bed categories, {await Beneficiary.count()} cases; {len(persons)} persons")
    filters = services.MatchFilters()
    await services.help_now(actor, persons[0], filters, settings)  # warm the caches
    help_now, floor, ratio, eligible = [], [], [], []
    for person in persons:
        read, _offers = await timed(shelters.offers())
        spent, found = await timed(services.help_now(actor, person, filters, settings))
        help_now.append(spent)
        floor.append(read)
        ratio.append(spent / read)
        eligible.append(float(found.considered))
    print("\nhelp now, one person at a time")
    line("help_now (the service)", help_now)
    line("floor: shelters.offers() (every category)", floor)
    line("ratio help_now / floor", ratio, "x")
    line("bed categories considered", eligible, "")
    freed = [
        row["id"]
        for row in await BedCategory.select(BedCategory.id)
        .where(BedCategory.free > 0)
        .order_by(BedCategory.id, ascending=False)
        .limit(FREED)
    ]
    reverse, reverse_floor, reverse_ratio, fitting = [], [], [], []
    for category_id in freed:
        read, _offers = await timed(shelters.offers(category_id=category_id))
        spent, found_cases = await timed(services.fitting_cases(category_id, settings))
        reverse.append(spent)
        reverse_floor.append(read)
        reverse_ratio.append(spent / read)
        fitting.append(float(len(found_cases)))
    print("\nreverse matching, one freed bed at a time")
    line("fitting_cases (every open case)", reverse)
    line("floor: shelters.offers(category)", reverse_floor)
    line("ratio fitting_cases / floor", reverse_ratio, "x")
    line("cases that fit", fitting, "")
    await database.stop()


def run() -> Any:
    return asyncio.run(main())


if __name__ == "__main__":
    run()
