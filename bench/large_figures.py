"""S6 on the `--scale large` data set: the officers' dashboard (issue 15 item 7, issue 16).
Reads only; the database is left as it is.

    FRISTAD_DATABASE_URL=postgresql://…/fristad_large uv run fristad demo --scale large
    FRISTAD_DATABASE_URL=postgresql://…/fristad_large uv run python bench/large_figures.py
    uv run python bench/large_figures.py --repeats 40     # the embedded SQLite under ./var

As the demo's first officer, for the default period (the programme year), ``--repeats`` times:
`figures.services.dashboard` (every query and the suppression) and rendering
`figures/dashboard.html` with what it returned, as the page does. The floor, measured in the
same run just before each dashboard: one statement that counts the rows of the four large
tables the dashboard reads (support requests, ledger entries, beneficiaries, availability
changes). Then each statement of one dashboard call, caught at the engine and run again alone
(named by the function that sent it), so the slow ones show.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Awaitable
from types import SimpleNamespace
from typing import Any, TypeVar

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [path for path in sys.path if os.path.abspath(path or ".") != HERE]
PLATFORM = os.path.join(os.path.dirname(HERE), "platform") + os.sep
T = TypeVar("T")
FLOOR_SQL = (
    "SELECT (SELECT COUNT(*) FROM support_request) AS requests, "
    "(SELECT COUNT(*) FROM ledger_entry) AS ledger, "
    "(SELECT COUNT(*) FROM beneficiary) AS beneficiaries, "
    "(SELECT COUNT(*) FROM availability_change) AS changes"
)


async def timed(call: Awaitable[T]) -> tuple[float, T]:
    begin = time.perf_counter()
    result = await call
    return (time.perf_counter() - begin) * 1000, result


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def line(label: str, values: list[float], unit: str = "ms") -> None:
    print(
        f"  {label:<46} median {statistics.median(values):9.1f} {unit:<2} "
        f"p95 {p95(values):9.1f} {unit}"
    )


class Catcher:
    """Every statement the engine runs while ``on``, with the function of ours that sent it."""

    def __init__(self) -> None:
        self.on = False
        self.caught: list[tuple[str, Any]] = []

    def wrap(self, run: Any) -> Any:
        async def caught(engine: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
            if self.on:
                self.caught.append((self.sender(), querystring))
            return await run(engine, querystring, *args, **kwargs)

        return caught

    @staticmethod
    def sender() -> str:
        frame = sys._getframe(2)
        while frame is not None:
            name = frame.f_code.co_filename
            private = frame.f_code.co_name.startswith("_")  # a helper: name its caller
            if name.startswith(PLATFORM) and not name.endswith("sqlite_engine.py") and not private:
                module = name[len(PLATFORM) : -len(".py")].replace(os.sep, ".")
                return f"{module}.{frame.f_code.co_name}"
            frame = frame.f_back  # type: ignore[assignment]
        return "?"


async def main(repeats: int) -> None:
    import fristad.app  # noqa: F401 - the composition root registers every app's policy
    from accounts import services as accounts
    from accounts.tables import Membership
    from figures import services
    from fristad import database, i18n
    from fristad.app import APPS
    from fristad.settings import get_settings
    from fristad.web import create_template_engine
    from grants.tables import SupportRequest
    from shelters.tables import BedCategory

    await database.start()  # a connection pool on PostgreSQL, as in production
    db = database.engine()
    categories = await BedCategory.count()
    if categories < 1000:
        sys.exit(
            f"{categories} bed categories: fill the database with `fristad demo --scale large`"
        )
    member = (
        await Membership.select(Membership.user, Membership.id)
        .where(Membership.role == "officer")
        .order_by(Membership.id)
        .first()
    )
    assert member is not None
    officer = await accounts.load_actor(
        member["user"], session_epoch=None, membership_id=member["id"]
    )
    assert officer is not None
    i18n.activate(get_settings().default_locale)
    template = create_template_engine(APPS).engine.get_template("figures/dashboard.html")
    request = SimpleNamespace(  # what the templates ask of the request
        scope={"user": officer, "session": {}, "state": {}},
        url=SimpleNamespace(path="/figures/"),
        htmx=SimpleNamespace(boosted=False),
    )

    def render(figures: Any) -> str:
        return str(
            template.render(
                request=request,
                figures=figures,
                typed={"programme": None, "start": "", "end": ""},
                errors={},
                csrf_token=lambda: "bench",
            )
        )

    counts = (await SupportRequest.raw(FLOOR_SQL))[0]
    figures = await services.dashboard(officer)  # warm the caches (catalogs, templates, plans)
    render(figures)
    period = f"{figures.start} – {figures.end}"
    programme = figures.programme.name if figures.programme else "no programme"
    print(
        f"{engine_name(db)}: {categories} bed categories, {counts['changes']} availability "
        f"changes, {counts['beneficiaries']} beneficiaries, {counts['requests']} support "
        f"requests, {counts['ledger']} ledger entries; {programme}, {period}"
    )
    service, rendering, whole, floor, ratio = [], [], [], [], []
    for _ in range(repeats):
        read, _counts = await timed(SupportRequest.raw(FLOOR_SQL).run())
        spent, figures = await timed(services.dashboard(officer))
        begin = time.perf_counter()
        html = render(figures)
        drawn = (time.perf_counter() - begin) * 1000
        service.append(spent)
        rendering.append(drawn)
        whole.append(spent + drawn)
        floor.append(read)
        ratio.append((spent + drawn) / read)
    print(f"\nthe dashboard, {repeats} times, {len(html) // 1024} KB of HTML")
    line("figures.services.dashboard (SQL, suppression)", service)
    line("render figures/dashboard.html", rendering)
    line("service + render", whole)
    line("floor: one COUNT(*) over the four large tables", floor)
    line("ratio (service + render) / floor", ratio, "x")

    catcher = Catcher()
    engine_class = type(db)
    engine_class.run_querystring = catcher.wrap(engine_class.run_querystring)  # type: ignore[method-assign]
    catcher.on = True
    await services.dashboard(officer)
    catcher.on = False
    print(f"\neach of its {len(catcher.caught)} statements alone, {repeats} times, slowest first")
    seen: dict[str, int] = {}
    timings: list[tuple[str, list[float]]] = []
    for sender, querystring in catcher.caught:
        seen[sender] = seen.get(sender, 0) + 1
        name = sender if seen[sender] == 1 else f"{sender} #{seen[sender]}"
        spent_each = [(await timed(db.run_querystring(querystring)))[0] for _ in range(repeats)]
        timings.append((name.removeprefix("figures."), spent_each))
    for name, spent_each in sorted(timings, key=lambda t: -statistics.median(t[1])):
        line(name, spent_each)
    print(f"  {'sum of the medians':<46} {sum(statistics.median(t) for _, t in timings):9.1f} ms")
    await database.stop()


def engine_name(db: Any) -> str:
    from piccolo.engine.postgres import PostgresEngine

    return "PostgreSQL" if isinstance(db, PostgresEngine) else "SQLite"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="dashboards to time (30)")
    asyncio.run(main(parser.parse_args().repeats))
