"""How fast is matching at the large demo scale? Prints medians and p95; asserts nothing.

    uv run python bench/matching.py            # embedded SQLite in a temporary folder
    FRISTAD_DATABASE_URL=postgresql://… uv run python bench/matching.py   # empties that database!

Inserts 500 shelters with 20 bed categories each, 10 000 open cases of one NGO (a tenth minors;
children, languages, regions and requirements varied) with their consents, 300 declined holds and
a programme with a shelter budget. Then, as the NGO's caseworker:
- help now for 50 persons: the service, and the panel as the view builds it (the service, funding
  links, alerts, rendering the htmx fragment of matching/help_now.html), against rendering the
  same template with nothing matched (the "ceiling"), in the same run, so the ratio survives noise;
- where help now's time goes (the offers query, the rules) and one call under cProfile;
- reverse matching of a freed bed over every open case (fitting_cases, 10 categories), and
  alert_for_event once (the job queue is not open here, so its mails are only logged).
"""

from __future__ import annotations

import asyncio
import cProfile
import logging
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any, TypeVar

SHELTERS = 500
CATEGORIES_PER_SHELTER = 20
CASES = 10_000
PERSONS = 50
FREED = 10
BATCH = 500
LANGUAGES = ["sv", "en", "ro", "ar", "uk", "ru", "es", "fr", "ti", "so", "bg", "th"]
CATEGORY_GROUPS = ["women", "women", "men", "women families", "families", "minors", "lgbtq", ""]
REQUIREMENTS = [("accessible", 0.05), ("lgbtq_safe", 0.05), ("high_security", 0.1)]
PROTECTION = ["none", "confidentiality_marking", "protected_registration", "fictitious_identity"]
T = TypeVar("T")

# This file's folder comes first on sys.path, and its name would hide the matching package.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [path for path in sys.path if os.path.abspath(path or ".") != HERE]
if "FRISTAD_DATABASE_URL" not in os.environ:
    os.environ["FRISTAD_VAR_DIR"] = tempfile.mkdtemp(prefix="fristad-bench-")


class Figures:
    """Measurements by label, printed as median and p95 by section."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], list[float]] = {}

    def add(self, label: str, value: float, unit: str = "ms") -> None:
        self.values.setdefault((label, unit), []).append(value)

    def print(self, title: str) -> None:
        print(f"\n{title}")
        for (label, unit), values in self.values.items():
            ordered = sorted(values)
            p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
            median = statistics.median(ordered)
            print(f"  {label:<46} median {median:8.1f} {unit:<2}  p95 {p95:8.1f} {unit}")
        self.values.clear()


async def timed(call: Awaitable[T]) -> tuple[float, T]:
    begin = time.perf_counter()
    result = await call
    return (time.perf_counter() - begin) * 1000, result


async def insert_all(table: Any, rows: list[Any]) -> None:
    for start in range(0, len(rows), BATCH):
        await table.insert(*rows[start : start + BATCH])


def print_profile(profile: cProfile.Profile, count: int = 10) -> None:
    """The top of a profile by cumulative time, without the event loop's and this file's frames."""
    stats: dict[Any, Any] = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    print(f"  {'calls':>7} {'tottime':>8} {'cumtime':>8}  function")
    rows = sorted(stats.items(), key=lambda item: item[1][3], reverse=True)
    loop = ("asyncio", "_contextvars", HERE)
    shown = [row for row in rows if not any(part in f"{row[0][0]}{row[0][2]}" for part in loop)]
    for (file, line, name), (_primitive, calls, tottime, cumtime, _callers) in shown[:count]:
        where = file.split("/platform/")[-1].split("site-packages/")[-1]
        print(f"  {calls:>7} {tottime:8.3f} {cumtime:8.3f}  {where}:{line}({name})")


async def populate(generator: random.Random) -> tuple[Any, list[int]]:
    """The world at scale; returns the caseworker and the cases waiting for a bed with consent."""
    from stdnum import luhn

    from accounts import services as accounts
    from accounts.domain import Role
    from beneficiaries.domain import CODE_ALPHABET, EXPLOITATION_TYPES
    from beneficiaries.tables import Beneficiary, Consent
    from fristad import crypto
    from fristad.regions import POLICE_REGIONS, municipalities_in
    from grants import services as grants
    from shelters.domain import DECLINE_REASONS
    from shelters.tables import BedCategory, Hold, Shelter

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

    async def member(email: str, organisation_id: int, role: Role) -> Any:
        user_id = await accounts.create_user(email, email[:5], "x", check_strength=False)
        await accounts.add_membership(None, user_id, organisation_id, role)
        return await accounts.load_actor(user_id, session_epoch=None, membership_id=None)

    operator = await organisation("Bench boenden", "559310478", "operator")
    ngo = await organisation("Bench NGO", "802471350", "ngo")
    authority = await organisation("Bench länsstyrelse", "202100231", "authority")
    caseworker = await member("caseworker@bench.example", ngo, Role.CASEWORKER)
    officer = await member("officer@bench.example", authority, Role.OFFICER)
    year = date.today().year
    budgets = {"shelter": 500_000_000, "legal_aid": 10_000_000}  # öre
    await grants.create_programme(
        officer, "Bench", date(year, 1, 1), date(year, 12, 31), 5_000_000, budgets
    )

    started = time.perf_counter()
    moment = datetime.now(UTC)
    regions = list(POLICE_REGIONS)
    places = {region: [m.code for m in municipalities_in(region)] for region in regions}
    types = list(EXPLOITATION_TYPES)
    chance = generator.random

    def some(choices: list[str], least: int, most: int) -> list[str]:
        return sorted(generator.sample(choices, generator.randint(least, most)))

    def weighted(choices: list[Any], weights: list[int]) -> Any:
        return generator.choices(choices, weights)[0]

    address = crypto.encrypt("Hemliga gatan 7, 123 45 Hemlösa")
    shelters = []
    for number in range(SHELTERS):
        region = regions[number % len(regions)]
        shelters.append(
            Shelter(
                operator=operator,
                name=f"Boende {number:03d}",
                address_encrypted=address,
                region=region,
                municipality=generator.choice(places[region]),
                target_groups=generator.choice(["women", "men", "families women", "lgbtq women"]),
                languages=" ".join(some(LANGUAGES, 0, 3)),
                accessible=chance() < 0.3,
                security_level=weighted(["standard", "high", "protected"], [6, 3, 1]),
                price_per_night=0 if chance() < 0.1 else generator.randint(8, 25) * 10_000,
                experience=" ".join(some(types, 0, 3)),
                active=chance() < 0.97,
                created_at=moment,
            )
        )
    await insert_all(Shelter, shelters)
    categories = []
    for shelter_id in [row["id"] for row in await Shelter.select(Shelter.id)]:
        for number in range(CATEGORIES_PER_SHELTER):
            groups = generator.choice(CATEGORY_GROUPS)
            takes_children = "families" in groups or chance() < 0.2
            capacity = generator.randint(1, 8)
            out_of_service = int(capacity > 2 and chance() < 0.1)
            free = min(weighted([0, 1, 2, 3], [60, 25, 10, 5]), capacity - out_of_service)
            external = generator.randint(0, (capacity - out_of_service - free) // 3)
            age = timedelta(hours=generator.randint(0, 20)) if chance() < 0.8 else timedelta(days=3)
            categories.append(
                BedCategory(
                    shelter=shelter_id,
                    name=f"Rum {number + 1}",
                    target_groups=groups,
                    children_allowed=takes_children,
                    max_children=generator.choice([None, 1, 2, 4]) if takes_children else None,
                    accessible=chance() < 0.2,
                    capacity=capacity,
                    out_of_service=out_of_service,
                    occupied=capacity - out_of_service - free - external,
                    external=external,
                    free=free,  # = capacity - out_of_service - occupied - held - external (CHECK)
                    confirmed_at=moment - age,
                    active=chance() < 0.97,
                )
            )
    await insert_all(BedCategory, categories)

    codes: set[str] = set()
    while len(codes) < CASES:
        code = "".join(generator.choice(CODE_ALPHABET) for _ in range(6))
        codes.add(f"{code[:3]}-{code[3:]}")
    cases, needs_shelter = [], []
    for code in sorted(codes, key=lambda _code: chance()):
        minor = chance() < 0.1
        gender = weighted(["woman", "man", "non_binary", "unknown"], [60, 30, 5, 5])
        children = 0 if minor else weighted([0, 1, 2, 3], [75, 12, 9, 4])
        languages = generator.sample(LANGUAGES, weighted([1, 2, 3], [50, 40, 10]))
        region = generator.choice(regions)
        requirements = {code for code, share in REQUIREMENTS if chance() < share}
        requirements |= {"with_children"} if children else set()
        requirements |= {"women_only"} if gender == "woman" and chance() < 0.3 else set()
        needs_shelter.append(chance() < 0.9)
        created = moment - timedelta(minutes=generator.randint(0, 90 * 24 * 60))
        adult_band = weighted(["unknown", "18-24", "25-34", "35-49", "50+"], [3, 30, 35, 25, 7])
        cases.append(
            Beneficiary(
                code=code,
                organisation=ngo,
                caseworker=caseworker.user_id,
                gender=gender,
                age_band="0-17" if minor else adult_band,
                is_minor=minor,
                languages=" ".join(sorted(languages)),
                children_count=children,
                exploitation_types=" ".join(some(types[:4], 1, 2)),
                region=region,
                municipality=generator.choice(places[region]) if chance() < 0.8 else None,
                needs="legal_aid shelter" if needs_shelter[-1] else "legal_aid rehabilitation",
                shelter_requirements=" ".join(sorted(requirements)),
                interpreter_language=languages[0] if chance() < 0.3 else None,
                protected_identity=weighted(PROTECTION, [85, 8, 5, 2]),
                avoid_regions=generator.choice(regions) if chance() < 0.1 else "",
                created_at=created,
            )
        )
    await insert_all(Beneficiary, cases)
    ids = [row["id"] for row in await Beneficiary.select(Beneficiary.id).order_by(Beneficiary.id)]
    consents, waiting = [], []
    for case_id, case, shelter in zip(ids, cases, needs_shelter, strict=True):
        for scope in ("store_data", "share_shelter") if chance() < 0.87 else ("store_data",):
            consents.append(Consent(beneficiary=case_id, scope=scope, given_at=case.created_at))
            waiting += [case_id] if shelter and scope == "share_shelter" else []
    await insert_all(Consent, consents)
    holds, declining = [], await BedCategory.select(BedCategory.id, BedCategory.shelter)
    for category in generator.sample(declining, 300):
        answered = moment - timedelta(days=generator.randint(1, 40))
        holds.append(
            Hold(
                category=category["id"],
                shelter=category["shelter"],
                beneficiary=generator.choice(ids),
                organisation=ngo,
                created_at=answered - timedelta(hours=1),
                expires_at=answered + timedelta(hours=3),
                status="declined",
                answered_at=answered,
                decline_reason=generator.choice(list(DECLINE_REASONS)),
            )
        )
    await insert_all(Hold, holds)
    print(
        f"inserted {len(shelters)} shelters, {len(categories)} categories, {len(cases)} open cases"
        f" ({len(waiting)} waiting for a bed with consent), {len(consents)} consents,"
        f" {len(holds)} declined holds in {time.perf_counter() - started:.1f} s"
    )
    return caseworker, waiting


async def main() -> None:
    from beneficiaries import services as beneficiaries
    from fristad import database, i18n
    from fristad.app import APPS
    from fristad.regions import POLICE_REGIONS
    from fristad.settings import get_settings
    from fristad.web import create_template_engine
    from matching import services
    from matching.domain import Ranking, rank
    from matching.services.facts import context_for, offer_of, person_of
    from shelters import services as shelters
    from shelters.tables import AvailabilityChange, BedCategory

    settings = get_settings()
    logging.getLogger("fristad.matching").setLevel(logging.ERROR)  # "mail not queued", per case
    await database.migrate()
    await database.start()  # a connection pool on PostgreSQL, as in production
    await database.truncate_all()
    generator = random.Random(1)  # noqa: S311 - invented data
    actor, waiting = await populate(generator)
    i18n.activate(settings.default_locale)
    template = create_template_engine(APPS).engine.get_template("matching/help_now.html")

    def render(beneficiary_id: int, found: Any, funding: Any, alerts: Any) -> tuple[float, str]:
        request = SimpleNamespace(  # what the templates ask of the htmx request for the panel
            scope={"user": actor, "session": {}, "state": {}},
            url=SimpleNamespace(path=f"/beneficiaries/{beneficiary_id}/help-now/"),
            htmx=SimpleNamespace(boosted=False),
        )
        context = {"request": request, "found": found, "funding_links": funding, "alerts": alerts}
        begin = time.perf_counter()
        html = template.render({**context, "regions": POLICE_REGIONS, "errors": {}})
        return (time.perf_counter() - begin) * 1000, html

    filters = services.MatchFilters()
    figures = Figures()
    for beneficiary_id in generator.sample(waiting, PERSONS):
        service, found = await timed(services.help_now(actor, beneficiary_id, filters, settings))
        funding_time, funding = await timed(services.funding_of_case(actor, beneficiary_id))
        alerts_time, alerts = await timed(services.alerts_of_case(actor, beneficiary_id))
        rendering, html = render(beneficiary_id, found, funding, alerts)
        nothing = replace(found, ranking=Ranking(eligible=(), excluded=()), considered=0)
        ceiling, _html = render(beneficiary_id, nothing, funding, alerts)
        panel = service + funding_time + alerts_time + rendering
        figures.add("help_now (the service)", service)
        figures.add("funding links and alerts (the view's reads)", funding_time + alerts_time)
        figures.add("render matching/help_now.html (htmx fragment)", rendering)
        figures.add("panel: service + reads + render", panel)
        figures.add("ceiling: same template, nothing matched", ceiling)
        figures.add("ratio panel / ceiling", panel / ceiling, "x")
        figures.add("eligible categories listed", len(found.ranking.eligible), "")
        excluded = sum(len(group) for _code, group in found.ranking.excluded)
        figures.add("excluded categories listed", excluded, "")
        figures.add("rendered fragment", len(html) / 1024, "KB")
    figures.print(f"help now, {PERSONS} persons, {found.considered} categories considered each")

    budget_left = found.budget.remaining if found.budget else None
    for beneficiary_id in waiting[:10]:
        query, offered = await timed(shelters.offers())
        figures.add("shelters.offers() (SQL, rows to OfferFacts)", query)
        begin = time.perf_counter()
        offers = [offer_of(facts) for facts in offered]
        figures.add("offer_of for every offer", (time.perf_counter() - begin) * 1000)
        case = await beneficiaries.matching_facts(actor, beneficiary_id)
        context = await context_for(beneficiary_id, settings, budget_left=budget_left)
        begin = time.perf_counter()
        rank(person_of(case), offers, context)
        figures.add("domain.rank over every offer", (time.perf_counter() - begin) * 1000)
    figures.print("where help now's time goes (10 persons)")

    profile = cProfile.Profile()
    profile.enable()
    await services.help_now(actor, waiting[0], filters, settings)
    profile.disable()
    print("\none help_now call under cProfile, top 10 by cumulative time (seconds):")
    print_profile(profile)

    freed = await BedCategory.select(BedCategory.id, BedCategory.shelter).where(
        (BedCategory.free > 0)
        & (BedCategory.active == True)  # noqa: E712
        & (BedCategory.shelter.active == True)  # noqa: E712
    )
    for row in generator.sample(freed, FREED):
        duration, cases = await timed(services.fitting_cases(row["id"], settings))
        figures.add("fitting_cases", duration)
        figures.add("cases a freed bed fits", len(cases), "")
    duration, cases = await timed(beneficiaries.cases_waiting_for_shelter())
    figures.add(f"of which cases_waiting_for_shelter() ({len(cases)})", duration)
    figures.print(f"reverse matching, {FREED} freed beds over every open case")
    event = await AvailabilityChange.insert(
        AvailabilityChange(
            category=freed[0]["id"],
            shelter=freed[0]["shelter"],
            at=datetime.now(UTC),
            kind="free+",
            free=1,
        )
    )
    duration, told = await timed(services.alert_for_event(event[0]["id"], freed[0]["id"], settings))
    print(f"  alert_for_event once: {duration:8.1f} ms, {told} cases' caseworkers told")
    await database.stop()


if __name__ == "__main__":
    asyncio.run(main())
