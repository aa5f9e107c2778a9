"""The officers' dashboard and an organisation's own figures, built from figures.queries and
suppressed before they leave this module (no unsuppressed count reaches a page or an export)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Final

from accounts.domain import Actor, Role
from accounts.policy import require
from beneficiaries import codes
from beneficiaries import domain as person
from figures import queries
from figures.folding import Beds, Elapsed, Money, Period, Split
from figures.services.models import (
    AnswerTime,
    BudgetRow,
    Dashboard,
    DecisionTime,
    FigureTable,
    Occupancy,
    OccupancyRow,
    OrganisationFigures,
    ProgrammeChoice,
    StaleShelterRow,
    figure_table,
)
from figures.services.over_time import (
    budget_by_month,
    monthly_tables,
    occupancy_by_month,
)
from figures.suppression import THRESHOLD, Cell, protect, shown
from fristad.errors import InvalidInput, NotFound
from fristad.i18n import N_, TIMEZONE
from fristad.i18n import gettext as _
from fristad.regions import POLICE_REGIONS
from fristad.settings import get_settings
from grants import domain as grant
from grants import services as grants
from shelters.domain import HOLD_STATUSES, TARGET_GROUPS

AGE_BANDS = ("0-17", "18-24", "25-34", "35-49", "50+", "unknown")
MAX_PERIOD_DAYS = 3660
MIN_YEAR, MAX_YEAR = 2000, 2100


def period_of(start: date, end: date) -> Period:
    """The instants from ``start`` to the end of ``end``, Swedish time."""
    if end < start:
        raise InvalidInput({"end": _("The period must end on or after its first day.")})
    if (end - start).days > MAX_PERIOD_DAYS:
        raise InvalidInput({"end": _("Choose a period of at most ten years.")})
    return Period(
        datetime.combine(start, time(), TIMEZONE),
        datetime.combine(end + timedelta(days=1), time(), TIMEZONE),
    )


async def _programmes(actor: Actor) -> tuple[ProgrammeChoice, ...]:
    return tuple(
        ProgrammeChoice(p.id, p.name, p.starts_on, p.ends_on)
        for p in await grants.list_programmes(actor)
    )


def _default_programme(
    programmes: tuple[ProgrammeChoice, ...], today: date
) -> ProgrammeChoice | None:
    """The programme year running today, else the newest."""
    running = [p for p in programmes if p.starts_on <= today <= p.ends_on]
    return next(iter(running or programmes), None)


async def choose(
    actor: Actor,
    programme_id: int | None,
    start: date | None,
    end: date | None,
    *,
    default_programme: bool = True,
) -> tuple[tuple[ProgrammeChoice, ...], ProgrammeChoice | None, date, date]:
    """The officer's programmes, the chosen one (out of reach: 404) and the period's days."""
    require(actor, "figures.network")
    programmes = await _programmes(actor)
    if programme_id is None and not default_programme:
        programme = None
    elif programme_id is None:
        programme = _default_programme(programmes, datetime.now(TIMEZONE).date())
    else:
        programme = next((p for p in programmes if p.id == programme_id), None)
        if programme is None:
            raise NotFound
    today = datetime.now(TIMEZONE).date()
    start = start or (programme.starts_on if programme else date(today.year, 1, 1))
    end = end or (programme.ends_on if programme else date(today.year, 12, 31))
    period_of(start, end)  # a sane period, or the form's error
    return programmes, programme, start, end


async def dashboard(
    actor: Actor,
    programme_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
    *,
    default_programme: bool = True,
) -> Dashboard:
    """The network's figures for a programme (the officer's authority's) and a period (default:
    the programme year). Without a programme and ``default_programme``, none: no budget."""
    programmes, programme, start, end = await choose(
        actor, programme_id, start, end, default_programme=default_programme
    )
    period = period_of(start, end)
    # Independent reads: at once (each on a connection of its own on PostgreSQL).
    network = asyncio.gather(
        asyncio.gather(_people_tables(period), _unmet_tables(period), monthly_tables(period)),
        asyncio.gather(
            _occupancy(period),
            _answer_times(period),
            _stale_shelters(),
            occupancy_by_month(period),
        ),
    )
    if programme is None:
        (people, unmet, monthly), (occupancy, answers, stale, by_month) = await network
        return Dashboard(
            None,
            programmes,
            start,
            end,
            (),
            (),
            occupancy,
            tuple(people + unmet + monthly),
            answers,
            stale,
            (),
            by_month,
        )
    (
        ((ledger, ledger_by_month), requests, decisions),
        ((people, unmet, monthly), (occupancy, answers, stale, by_month)),
    ) = await asyncio.gather(
        asyncio.gather(
            queries.ledger(programme.id, period),
            _request_tables(programme.id, period),
            _decision_times(programme.id, period),
        ),
        network,
    )
    return Dashboard(
        programme,
        programmes,
        start,
        end,
        _budget(ledger),
        decisions,
        occupancy,
        tuple(requests + people + unmet + monthly),
        answers,
        stale,
        budget_by_month(ledger_by_month, period),
        by_month,
    )


async def organisation_figures(
    actor: Actor, start: date | None = None, end: date | None = None
) -> OrganisationFigures:
    """The actor's organisation's own figures (this calendar year by default): a shelter
    operator's staff see its occupancy, a member organisation's its requests and people."""
    require(actor, "figures.organisation")
    assert actor.organisation_id is not None  # the rule requires a membership
    today = datetime.now(TIMEZONE).date()
    start = start or date(today.year, 1, 1)
    end = end or date(today.year, 12, 31)
    period = period_of(start, end)
    organisation_id = actor.organisation_id
    if actor.role is Role.SHELTER_STAFF:
        return OrganisationFigures(
            organisation_id,
            start,
            end,
            await _occupancy(period, organisation_id),
            (),
            await _answer_times(period, organisation_id),
            await _stale_shelters(organisation_id),
        )
    tables = await _request_tables(None, period, organisation_id)
    tables += await _people_tables(period, organisation_id)
    return OrganisationFigures(organisation_id, start, end, (), tuple(tables))


def _budget(money: Mapping[str, Money]) -> tuple[BudgetRow, ...]:
    return tuple(
        BudgetRow(code, grant.category_label(code), m.allocated, m.committed, m.paid)
        for code in grant.CATEGORIES
        if (m := money.get(code))
    )


async def _request_tables(
    programme_id: int | None, period: Period, organisation_id: int | None = None
) -> list[FigureTable]:
    by_state, by_category = await queries.requests_by_state_and_category(
        programme_id, period, organisation_id
    )
    states = [(s.value, grant.state_label(s), by_state.get(s.value, 0)) for s in grant.STATES]
    return [
        figure_table(
            "requests_by_state",
            _("Support requests by state"),
            _("Requests submitted in the period, by the state they are in now."),
            [row for row in states if row[0] != "draft"],
        ),
        figure_table(
            "requests_by_category",
            _("Support requests by category"),
            _("Requests submitted in the period, by the category of support."),
            [(c, grant.category_label(c), by_category.get(c, 0)) for c in grant.CATEGORIES],
        ),
    ]


def _hours(elapsed: Elapsed | None) -> tuple[Cell, float | None, float | None]:
    """The count (suppressed) and, from five on, the median and 90th percentile."""
    if elapsed is None:
        return shown(0), None, None
    if elapsed.count < THRESHOLD:
        return shown(elapsed.count), None, None
    return shown(elapsed.count), elapsed.median, elapsed.p90


async def _decision_times(programme_id: int, period: Period) -> tuple[DecisionTime, ...]:
    found = await queries.decision_times(programme_id, period)
    return tuple(
        DecisionTime(code, _(grant.URGENCIES[code]), *_hours(found.get(code)))
        for code in ("acute", "normal")
    )


async def _answer_times(period: Period, operator_id: int | None = None) -> tuple[AnswerTime, ...]:
    """Hold asked -> answered, by answer, and the holds left to expire unanswered."""
    found = await queries.answer_times(period, operator_id)
    labels = {code: _(HOLD_STATUSES[code]) for code in ("accepted", "declined", "expired")}
    times = [AnswerTime(code, labels[code], *_hours(found.get(code))) for code in queries.ANSWERS]
    expired = found.get("expired")
    times.append(
        AnswerTime("expired", labels["expired"], shown(expired.count if expired else 0), None, None)
    )
    return tuple(times)


async def _stale_shelters(operator_id: int | None = None) -> tuple[StaleShelterRow, ...]:
    """Shelters whose numbers are stale now (not confirmed within the stale hours)."""
    cutoff = datetime.now(TIMEZONE) - timedelta(hours=get_settings().stale_hours)
    return tuple(
        StaleShelterRow(
            row.shelter_id, row.name, POLICE_REGIONS.get(row.region, row.region), row.confirmed_at
        )
        for row in await queries.stale_shelters(cutoff, operator_id)
    )


def _split_table(
    key: str,
    title: str,
    description: str,
    split: Split,
    labels: Mapping[str, str],
    *,
    extra: bool = True,
) -> FigureTable:
    """A person-level breakdown: persons with protected identity only in the total; codes not
    in ``labels`` (when ``extra``) as rows of their own, labelled by their code."""
    codes = list(labels) + sorted(c for c in split.counts if c not in labels and extra)
    rows = [(c, labels.get(c) or c or _("Not known"), split.counts.get(c, 0)) for c in codes]
    return figure_table(key, title, description, rows, hidden=split.protected)


async def _people_tables(period: Period, organisation_id: int | None = None) -> list[FigureTable]:
    helped = _("Persons whose case was open at some time in the period.")
    # Independent reads: each on a connection of its own, at once.
    gender, age, citizenship, region, placements, returns, closures = await asyncio.gather(
        queries.people_by("gender", period, organisation_id),
        queries.people_by("age_band", period, organisation_id),
        queries.people_by("citizenship", period, organisation_id),
        queries.people_by("region", period, organisation_id),
        queries.placements_by_region(period, organisation_id),
        queries.returns_by_country(period, organisation_id),
        queries.status_changes_by_reason("closed", period, organisation_id),
    )
    types = await queries.people_by_exploitation(period, organisation_id)
    countries = {c: codes.country_name(c) for c in sorted(citizenship.counts) if c}
    return_countries = {c: codes.country_name(c) for c in sorted(returns.counts) if c}
    return [
        _split_table(
            "people_by_gender",
            _("People helped by gender"),
            helped,
            gender,
            {c: _(label) for c, label in person.GENDERS.items()},
        ),
        _split_table(
            "people_by_age",
            _("People helped by age band"),
            helped,
            age,
            {c: (_("Not known") if c == "unknown" else c) for c in AGE_BANDS},
        ),
        _split_table(
            "people_by_citizenship",
            _("People helped by citizenship"),
            helped,
            citizenship,
            {**countries, "": _("Not known")},
        ),
        _split_table(
            "people_by_region",
            _("People helped by region"),
            helped,
            region,
            dict(POLICE_REGIONS),
        ),
        figure_table(
            "people_by_exploitation",
            _("People helped by type of exploitation"),
            _("A person exploited in several ways counts under each, so there is no total."),
            [(c, _(label), types.get(c, 0)) for c, label in person.EXPLOITATION_TYPES.items()],
            with_total=False,
        ),
        _split_table(
            "placements_by_region",
            _("Placements by region"),
            _("Admissions to a shelter in the period, by the shelter's region."),
            placements,
            dict(POLICE_REGIONS),
        ),
        _split_table(
            "returns_by_country",
            _("Returns by country"),
            _(
                "Cases that returned home in the period, by the country of return (the return "
                "plan's, otherwise the person's citizenship)."
            ),
            returns,
            {**return_countries, "": _("Not known")},
        ),
        _split_table(
            "closures_by_reason",
            _("Closures by reason"),
            _("Cases closed in the period, by the reason given."),
            closures,
            {**{c: _(label) for c, label in person.CLOSED_REASONS.items()}, "": _("Not known")},
        ),
    ]


UNMET_KINDS: Final = {
    "no_offer": N_("Searches with no eligible offer"),
    "no_bed": N_("Holds refused for lack of a bed"),
}


async def _unmet_tables(period: Period) -> list[FigureTable]:
    """Unmet demand by kind, help looked for, region and target group (each with its total)."""
    kind, help, region, group = await asyncio.gather(
        queries.unmet_demand_by("kind", period),
        queries.unmet_demand_by("help", period),
        queries.unmet_demand_by("region", period),
        queries.unmet_demand_by("target_group", period),
    )
    described = _(
        "Searches for help that found no eligible offer, and holds refused because no bed was "
        "free, in the period."
    )
    return [
        _split_table(
            "unmet_by_kind",
            _("Unmet demand by kind"),
            described,
            kind,
            {c: _(label) for c, label in UNMET_KINDS.items()},
        ),
        _split_table(
            "unmet_by_category",
            _("Unmet demand by category of help"),
            described,
            help,
            {c: grant.category_label(c) for c in grant.CATEGORIES},
        ),
        _split_table(
            "unmet_by_region",
            _("Unmet demand by region"),
            _("Unmet demand in the period, by the region of the person looking for help."),
            region,
            {**dict(POLICE_REGIONS), "": _("Not known")},
        ),
        _split_table(
            "unmet_by_target_group",
            _("Unmet demand by target group"),
            _("Unmet demand in the period, by the target group the person would be placed in."),
            group,
            {**{c: _(label) for c, label in TARGET_GROUPS.items()}, "": _("Not known")},
        ),
    ]


def _occupancy_rows(
    title: str, beds: Mapping[str, Beds], labels: Mapping[str, str], *, with_total: bool
) -> Occupancy:
    codes = list(labels)
    counts = [beds[c].occupied if c in beds else 0 for c in codes]
    protected = protect(counts, total=sum(counts) if with_total else None)
    rows = tuple(
        OccupancyRow(code, labels[code], beds[code].in_service if code in beds else 0, cell)
        for code, cell in zip(codes, protected.cells, strict=True)
    )
    in_service = sum(b.in_service for b in beds.values()) if with_total else 0
    return Occupancy(title, rows, in_service, protected.total)


async def _occupancy(period: Period, operator_id: int | None = None) -> tuple[Occupancy, ...]:
    """Beds and residents as the availability history stood at the period's end."""
    groups = {code: _(label) for code, label in TARGET_GROUPS.items()}
    counts = await queries.beds(period.end, operator_id)
    return (
        _occupancy_rows(
            _("Occupancy by region"), counts.by_region, POLICE_REGIONS, with_total=True
        ),
        # A category may serve several groups: the rows add up to no total.
        _occupancy_rows(
            _("Occupancy by target group"), counts.by_target_group, groups, with_total=False
        ),
    )


async def annual_report(actor: Actor, year: int) -> Dashboard:
    """The figures of a calendar year (Länsstyrelsen's report on its assignment), with the
    budget of the programme that runs in it, if any."""
    require(actor, "figures.network")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput({"year": _("Choose a year between 2000 and 2100.")})
    first, last = date(year, 1, 1), date(year, 12, 31)
    running = [p for p in await _programmes(actor) if p.starts_on <= last and p.ends_on >= first]
    programme_id = running[0].id if running else None
    return await dashboard(actor, programme_id, first, last, default_programme=False)
