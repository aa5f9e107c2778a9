"""How fast is the officers' dashboard at the large demo scale? Prints medians and p95; asserts
nothing.

    uv run python bench/figures.py            # embedded SQLite in a temporary folder
    uv run python bench/figures.py --scale 0.1   # a tenth of every count below
    FRISTAD_DATABASE_URL=postgresql://… uv run python bench/figures.py   # empties that database!

Inserts 500 shelters with 20 bed categories each and 5 availability changes per category,
10 000 cases (varied gender, age band, citizenship, region, exploitation, a twentieth with a
protected identity), 4 000 status changes, 3 000 placements, 5 000 support requests with
decisions and a programme's ledger, 5 000 rows of unmet demand and 3 000 holds. Then, as an
officer, 15 times: figures.services.dashboard (every query and the suppression) and rendering
figures/dashboard.html with what it returned. Prints the published totals too.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

SHELTERS = 500
CATEGORIES_PER_SHELTER = 20
CHANGES_PER_CATEGORY = 5
CASES = 10_000
STATUS_CHANGES = 4_000
PLACEMENTS = 3_000
REQUESTS = 5_000
UNMET = 5_000
HOLDS = 3_000
REPEATS = 15
BATCH = 500


def scale(factor: float) -> None:
    """Multiply every count (shelters, cases, …) by ``factor``."""
    global SHELTERS, CASES, STATUS_CHANGES, PLACEMENTS, REQUESTS, UNMET, HOLDS
    SHELTERS, CASES = max(1, round(SHELTERS * factor)), max(10, round(CASES * factor))
    STATUS_CHANGES, PLACEMENTS = round(STATUS_CHANGES * factor), round(PLACEMENTS * factor)
    REQUESTS, UNMET, HOLDS = round(REQUESTS * factor), round(UNMET * factor), round(HOLDS * factor)


# This file's folder comes first on sys.path, and its name would hide the figures package.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [path for path in sys.path if os.path.abspath(path or ".") != HERE]
if "FRISTAD_DATABASE_URL" not in os.environ:
    os.environ["FRISTAD_VAR_DIR"] = tempfile.mkdtemp(prefix="fristad-bench-")


async def insert_all(table: Any, rows: list[Any]) -> None:
    for start in range(0, len(rows), BATCH):
        await table.insert(*rows[start : start + BATCH])


async def populate(generator: random.Random) -> Any:
    """The world at scale; returns the officer."""
    from stdnum import luhn

    from accounts import services as accounts
    from accounts.domain import Role
    from beneficiaries.domain import EXPLOITATION_TYPES
    from beneficiaries.tables import Beneficiary, StatusChange
    from fristad.regions import POLICE_REGIONS
    from grants import services as grants
    from grants.tables import Budget, LedgerEntry, SupportRequest
    from matching.tables import UnmetDemand
    from shelters.tables import AvailabilityChange, BedCategory, Hold, Placement, Shelter

    async def organisation(name: str, prefix: str, kind: str) -> int:
        number = prefix + luhn.calc_check_digit(prefix)
        new = accounts.NewOrganisation(
            name=name,
            org_number=f"{number[:6]}-{number[6:]}",
            is_member_ngo=kind == "ngo",
            is_authority=kind == "authority",
            is_shelter_operator=kind == "operator",
        )
        return await accounts.create_organisation(None, new)

    operator = await organisation("Bench boenden", "559310478", "operator")
    ngo = await organisation("Bench NGO", "802471350", "ngo")
    authority = await organisation("Bench länsstyrelse", "202100231", "authority")
    officer_id = await accounts.create_user("officer@bench.example", "O", "x", check_strength=False)
    await accounts.add_membership(None, officer_id, authority, Role.OFFICER)
    caseworker_id = await accounts.create_user("cw@bench.example", "C", "x", check_strength=False)
    await accounts.add_membership(None, caseworker_id, ngo, Role.CASEWORKER)
    officer = await accounts.load_actor(officer_id, session_epoch=None, membership_id=None)
    year = date.today().year
    start = datetime(year, 1, 1, tzinfo=UTC)
    budgets = {"shelter": 500_000_000, "legal_aid": 10_000_000_000}
    programme_id = await grants.create_programme(
        officer, "Bench", date(year, 1, 1), date(year, 12, 31), 5_000_000, budgets
    )

    started = time.perf_counter()
    regions = list(POLICE_REGIONS)
    types = list(EXPLOITATION_TYPES)

    def moment() -> datetime:
        return start + timedelta(minutes=generator.randint(0, 330 * 24 * 60))

    await insert_all(
        Shelter,
        [
            Shelter(
                operator=operator,
                name=f"Boende {n}",
                address_encrypted="x",
                region=regions[n % len(regions)],
                municipality="0180",
                created_at=start,
            )
            for n in range(SHELTERS)
        ],
    )
    shelters = [row["id"] for row in await Shelter.select(Shelter.id)]
    groups = ["women", "men", "women families", "families", "minors", "lgbtq", ""]
    await insert_all(
        BedCategory,
        [
            BedCategory(
                shelter=shelter_id,
                name=f"Rum {n}",
                target_groups=generator.choice(groups),
                capacity=6,
                free=6,
                confirmed_at=start,
            )
            for shelter_id in shelters
            for n in range(CATEGORIES_PER_SHELTER)
        ],
    )
    categories = await BedCategory.select(BedCategory.id, BedCategory.shelter)
    changes = []
    for category in categories:
        for _ in range(CHANGES_PER_CATEGORY):
            occupied = generator.randint(0, 6)
            changes.append(
                AvailabilityChange(
                    category=category["id"],
                    shelter=category["shelter"],
                    at=moment(),
                    kind="edit",
                    capacity=6,
                    occupied=occupied,
                    free=6 - occupied,
                )
            )
    await insert_all(AvailabilityChange, changes)
    citizenships = ["RO", "BG", "NG", "TH", "UA", "SE", "PL", "VN", "ER", "SO"]
    await insert_all(
        Beneficiary,
        [
            Beneficiary(
                code=f"B{n:06d}",  # unique (random codes may collide at this scale)
                organisation=ngo,
                gender=generator.choice(["woman", "woman", "man", "non_binary", "unknown"]),
                age_band=generator.choice(["0-17", "18-24", "25-34", "35-49", "50+", "unknown"]),
                citizenship=generator.choice(citizenships),
                region=generator.choice(regions),
                exploitation_types=" ".join(generator.sample(types, generator.randint(1, 2))),
                protected_identity="protected_registration"
                if generator.random() < 0.05
                else "none",
                created_at=moment(),
                updated_at=start,
            )
            for n in range(CASES)
        ],
    )
    people = [row["id"] for row in await Beneficiary.select(Beneficiary.id)]
    await insert_all(
        StatusChange,
        [
            StatusChange(
                beneficiary=generator.choice(people),
                from_status="open",
                to_status=generator.choice(["returned", "closed"]),
                reason=generator.choice(["needs_met", "lost_contact", None]),
                changed_at=moment(),
            )
            for _ in range(STATUS_CHANGES)
        ],
    )
    placed = []
    for beneficiary_id in generator.sample(people, PLACEMENTS):
        category = generator.choice(categories)
        admitted = moment()
        placed.append(
            Placement(
                category=category["id"],
                shelter=category["shelter"],
                beneficiary=beneficiary_id,
                organisation=ngo,
                admitted_at=admitted,
                discharged_at=admitted + timedelta(days=20),
            )
        )
    await insert_all(Placement, placed)
    requests = []
    for _ in range(REQUESTS):
        submitted = moment()
        decided = generator.random() < 0.7
        requests.append(
            SupportRequest(
                programme=programme_id,
                organisation=ngo,
                beneficiary=generator.choice(people),
                created_by=caseworker_id,
                category=generator.choice(["legal_aid", "shelter", "rehabilitation", "return"]),
                period_start=date(year, 1, 1),
                period_end=date(year, 3, 31),
                urgency=generator.choice(["normal", "acute"]),
                state="approved" if decided else "in_review",
                submitted_at=submitted,
                decided_at=submitted + timedelta(hours=generator.randint(1, 400))
                if decided
                else None,
                created_at=submitted,
                updated_at=submitted,
            )
        )
    await insert_all(SupportRequest, requests)
    budget = await Budget.select(Budget.id).where(Budget.programme == programme_id)
    await insert_all(
        LedgerEntry,
        [
            LedgerEntry(
                budget=generator.choice(budget)["id"],
                kind=generator.choice(["commitment", "payment"]),
                amount=generator.randint(1, 100) * 100_000,
                key=f"bench:{n}",
                created_at=moment(),
            )
            for n in range(REQUESTS)
        ],
    )
    await insert_all(
        UnmetDemand,
        [
            UnmetDemand(
                at=moment(),
                kind=generator.choice(["no_offer", "no_bed"]),
                help=generator.choice(["shelter", "legal_aid"]),
                region=generator.choice(regions),
                target_group=generator.choice(["women", "men", "families", "minors", ""]),
                protected=generator.random() < 0.05,
            )
            for _ in range(UNMET)
        ],
    )
    holds = []
    for _ in range(HOLDS):
        category = generator.choice(categories)
        asked = moment()
        status = generator.choice(["accepted", "accepted", "declined", "expired"])
        holds.append(
            Hold(
                category=category["id"],
                shelter=category["shelter"],
                beneficiary=generator.choice(people),
                organisation=ngo,
                created_at=asked,
                expires_at=asked + timedelta(hours=48),
                status=status,
                answered_at=None
                if status == "expired"
                else asked + timedelta(minutes=generator.randint(5, 47 * 60)),
            )
        )
    await insert_all(Hold, holds)
    print(
        f"inserted {SHELTERS} shelters, {len(categories)} categories, {len(changes)} availability "
        f"changes, {CASES} cases, {STATUS_CHANGES} status changes, {PLACEMENTS} placements, "
        f"{REQUESTS} support requests and ledger entries, {UNMET} unmet demand, {HOLDS} holds"
        f" in {time.perf_counter() - started:.1f} s"
    )
    return officer


def line(label: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"  {label:<44} median {statistics.median(ordered):8.1f} ms  p95 {p95:8.1f} ms"


async def main() -> None:
    from figures import services
    from fristad import database, i18n
    from fristad.app import APPS
    from fristad.settings import get_settings
    from fristad.web import create_template_engine

    await database.migrate()
    await database.start()  # a connection pool on PostgreSQL, as in production
    await database.truncate_all()
    officer = await populate(random.Random(1))  # noqa: S311 - invented data
    i18n.activate(get_settings().default_locale)
    template = create_template_engine(APPS).engine.get_template("figures/dashboard.html")
    request = SimpleNamespace(  # what the templates ask of the request
        scope={"user": officer, "session": {}, "state": {}},
        url=SimpleNamespace(path="/figures/"),
        htmx=SimpleNamespace(boosted=False),
    )
    service_times, render_times, total_times = [], [], []
    for _ in range(REPEATS):
        begin = time.perf_counter()
        figures = await services.dashboard(officer)
        middle = time.perf_counter()
        html = template.render(
            request=request,
            figures=figures,
            typed={"programme": None, "start": "", "end": ""},
            errors={},
            csrf_token=lambda: "bench",
        )
        end = time.perf_counter()
        service_times.append((middle - begin) * 1000)
        render_times.append((end - middle) * 1000)
        total_times.append((end - begin) * 1000)
    print("\nthe figures (totals as published):")
    for table in figures.tables:
        total = table.total.value if table.total and table.total.value is not None else "-"
        print(f"  {table.key:<28} total {total}")
    for t in figures.decision_times + figures.answer_times:  # type: ignore[operator]
        print(f"  {t.label:<28} median {t.median_hours} h  p90 {t.p90_hours} h")
    print(f"  stale shelters               {len(figures.stale_shelters)}")
    print(f"\nthe dashboard, {REPEATS} times, {len(html) // 1024} KB of HTML")
    print(line("figures.services.dashboard (SQL, suppression)", service_times))
    print(line("render figures/dashboard.html", render_times))
    print(line("together", total_times))
    await database.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every count (1: large)")
    scale(parser.parse_args().scale)
    asyncio.run(main())
