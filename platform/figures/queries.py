"""Every read figures makes of the other apps' tables: read-only aggregate queries, in one place.

The database groups and counts (GROUP BY); Python only folds the handful of grouped rows. Each
person-level count comes split by whether the person has a protected identity, so the services
can keep those persons out of every breakdown finer than the total. No query reads free text.
The SQL is the subset SQLite and PostgreSQL share (``||``, CASE, LIKE, sub-selects, window
functions); where one engine has a much cheaper way, it has its own branch (``_on_postgres``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from piccolo.columns import Column
from piccolo.engine.postgres import PostgresEngine
from piccolo.query.functions.aggregate import Count

from beneficiaries.tables import Beneficiary, StatusChange
from figures.folding import (
    BedCounts,
    Beds,
    Elapsed,
    Money,
    Monthly,
    Period,
    Split,
    StaleShelter,
    _add,
    _fold_months,
    _fold_positions,
    _instant,
    _month_of,
    _split,
    _summaries,
    swedish_months,
)
from fristad.database import engine
from grants.tables import SupportRequest
from matching.tables import UnmetDemand
from shelters.tables import AvailabilityChange, Hold, Placement, Shelter


def _helped(period: Period, organisation_id: int | None) -> Any:
    """Persons whose case was open at some time in the period."""
    where = (Beneficiary.created_at < period.end) & (
        Beneficiary.closed_at.is_null() | (Beneficiary.closed_at >= period.start)
    )
    if organisation_id is not None:
        where &= Beneficiary.organisation == organisation_id
    return where


PERSON_COLUMNS: Final[Mapping[str, Column]] = {
    "gender": Beneficiary.gender,
    "age_band": Beneficiary.age_band,
    "citizenship": Beneficiary.citizenship,
    "region": Beneficiary.region,
}
UNMET_COLUMNS: Final[Mapping[str, Column]] = {
    "kind": UnmetDemand.kind,
    "help": UnmetDemand.help,
    "region": UnmetDemand.region,
    "target_group": UnmetDemand.target_group,
}


async def people_by(key: str, period: Period, organisation_id: int | None = None) -> Split:
    """Persons helped in the period by one coded column (gender, age_band, citizenship, region)."""
    column = PERSON_COLUMNS[key]
    rows = (
        await Beneficiary.select(column, Beneficiary.protected_identity, Count(alias="count"))
        .where(_helped(period, organisation_id))
        .group_by(column, Beneficiary.protected_identity)
    )
    return _split(rows, column._meta.name)


async def people_by_exploitation(
    period: Period, organisation_id: int | None = None
) -> dict[str, int]:
    """Persons helped by exploitation type, without protected identities; a person with several
    types counts under each (so the cells add up to no total). Grouped by the stored set of
    types (a few dozen combinations), then each group counted under each of its types."""
    where = _helped(period, organisation_id) & (Beneficiary.protected_identity == "none")
    rows = (
        await Beneficiary.select(Beneficiary.exploitation_types, Count(alias="count"))
        .where(where)
        .group_by(Beneficiary.exploitation_types)
    )
    counts: dict[str, int] = {}
    for row in rows:
        for code in set(str(row["exploitation_types"] or "").split()):
            counts[code] = counts.get(code, 0) + int(row["count"])
    return counts


async def status_changes_by_reason(
    to_status: str, period: Period, organisation_id: int | None = None
) -> Split:
    """Changes to ``to_status`` in the period, by the change's reason."""
    column = StatusChange.reason
    where = (
        (StatusChange.to_status == to_status)
        & (StatusChange.changed_at >= period.start)
        & (StatusChange.changed_at < period.end)
    )
    if organisation_id is not None:
        where &= StatusChange.beneficiary.organisation == organisation_id
    protected = StatusChange.beneficiary.protected_identity.as_alias("protected_identity")
    rows = (
        await StatusChange.select(column.as_alias("code"), protected, Count(alias="count"))
        .where(where)
        .group_by(column, StatusChange.beneficiary.protected_identity)
    )
    return _split(rows, "code")


async def returns_by_country(period: Period, organisation_id: int | None = None) -> Split:
    """Cases that returned home in the period, by the country of return: the one the return
    programme's plan departed to (pathways), else the person's citizenship."""
    organisation = organisation_id or 0
    rows = await StatusChange.raw(
        "SELECT COALESCE((SELECT p.country FROM return_plan p WHERE p.beneficiary = b.id "
        "AND p.departed_at IS NOT NULL ORDER BY p.departed_at DESC LIMIT 1), b.citizenship) "
        "AS code, b.protected_identity AS protected_identity, COUNT(*) AS count "
        "FROM status_change c JOIN beneficiary b ON b.id = c.beneficiary "
        "WHERE c.to_status = 'returned' AND c.changed_at >= {} AND c.changed_at < {} "
        "AND ({} = 0 OR b.organisation = {}) GROUP BY 1, 2",
        period.start,
        period.end,
        organisation,
        organisation,
    )
    return _split(rows, "code")


async def placements_by_region(period: Period, organisation_id: int | None = None) -> Split:
    """Admissions in the period, by the shelter's region."""
    where = (Placement.admitted_at >= period.start) & (Placement.admitted_at < period.end)
    if organisation_id is not None:
        where &= Placement.organisation == organisation_id
    region = Placement.shelter.region
    protected = Placement.beneficiary.protected_identity
    rows = (
        await Placement.select(
            region.as_alias("code"), protected.as_alias("protected_identity"), Count(alias="count")
        )
        .where(where)
        .group_by(region, protected)
    )
    return _split(rows, "code")


# The id of a category's change last recorded before an instant: one step back along the index
# availability_change (category, at, id) per category, instead of a pass over the whole history.
LATEST_CHANGE: Final = (
    "(SELECT x.id FROM availability_change x WHERE x.category = c.id AND x.at < {} "
    "ORDER BY x.at DESC, x.id DESC LIMIT 1)"
)


async def beds(until: datetime, operator_id: int | None = None) -> BedCounts:
    """Each category's counts as last recorded before ``until`` (the availability history),
    summed per region and target groups of the category in SQL, per region and per target
    group here."""
    operator = operator_id or 0  # 0: every operator's
    rows = await SupportRequest.raw(
        f"SELECT latest.region AS region, latest.target_groups AS target_groups, "  # noqa: S608 (ours, not input; values bound)  # nosec B608
        "SUM(a.capacity - a.out_of_service) AS in_service, "
        "SUM(a.occupied + a.external) AS occupied FROM (SELECT s.region AS region, "
        f"c.target_groups AS target_groups, {LATEST_CHANGE} AS change "
        "FROM bed_category c JOIN shelter s ON s.id = c.shelter "
        "WHERE {} = 0 OR s.operator = {}) latest "
        "JOIN availability_change a ON a.id = latest.change "
        "GROUP BY latest.region, latest.target_groups",
        until,
        operator,
        operator,
    )
    by_region: dict[str, Beds] = {}
    by_group: dict[str, Beds] = {}
    for row in rows:
        in_service, occupied = int(row["in_service"]), int(row["occupied"])
        _add(by_region, row["region"], in_service, occupied)
        for code in set(str(row["target_groups"] or "").split()):
            _add(by_group, code, in_service, occupied)
    return BedCounts(by_region, by_group)


async def requests_by_state_and_category(
    programme_id: int | None, period: Period, organisation_id: int | None = None
) -> tuple[dict[str, int], dict[str, int]]:
    """Support requests submitted in the period (of one programme, or all), by the state they
    are in now and by category: one grouped scan, folded both ways here."""
    where = (SupportRequest.submitted_at >= period.start) & (
        SupportRequest.submitted_at < period.end
    )
    if programme_id is not None:
        where &= SupportRequest.programme == programme_id
    if organisation_id is not None:
        where &= SupportRequest.organisation == organisation_id
    state, category = SupportRequest.state, SupportRequest.category
    rows = (
        await SupportRequest.select(state, category, Count(alias="count"))
        .where(where)
        .group_by(state, category)
    )
    by_state: dict[str, int] = {}
    by_category: dict[str, int] = {}
    for row in rows:
        count = int(row["count"])
        by_state[row["state"]] = by_state.get(row["state"], 0) + count
        by_category[row["category"]] = by_category.get(row["category"], 0) + count
    return by_state, by_category


def _on_postgres() -> bool:
    return isinstance(engine(), PostgresEngine)


# Percentiles in the database. PostgreSQL: percentile_cont. SQLite has none: it numbers each
# group's intervals in order (a window) and sends only the rows at the median's and the 90th
# percentile's positions, at most four per group, which Python interpolates like percentile_cont
# (folding.elapsed_at). The rows come with their instants, so the hours stay exact.
PERCENTILES_POSTGRES: Final = (
    "SELECT code, COUNT(*) AS count, "
    "percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) AS median, "
    "percentile_cont(0.9) WITHIN GROUP (ORDER BY hours) AS p90 "
    "FROM (SELECT code, CAST(EXTRACT(EPOCH FROM (until - since)) AS DOUBLE PRECISION) / 3600 "
    "AS hours FROM ({intervals}) intervals) hours GROUP BY code"
)
PERCENTILES_SQLITE: Final = (
    "SELECT code, count, position, since, until FROM (SELECT code, since, until, "
    "ROW_NUMBER() OVER (PARTITION BY code ORDER BY julianday(until) - julianday(since)) - 1 "
    "AS position, COUNT(*) OVER (PARTITION BY code) AS count FROM ({intervals}) intervals) "
    "numbered WHERE position IN ((count - 1) / 2, count / 2, 9 * (count - 1) / 10, "
    "9 * (count - 1) / 10 + 1)"
)


async def _elapsed(intervals: str, *values: Any) -> dict[str, Elapsed]:
    """Count, median and 90th percentile in hours per code of ``intervals``, a SELECT of
    ``code``, ``since`` and ``until`` (SQL of ours; ``values`` bound to its placeholders)."""
    if _on_postgres():
        query = PERCENTILES_POSTGRES.replace("{intervals}", intervals)
        return _summaries(await SupportRequest.raw(query, *values))
    rows = await SupportRequest.raw(PERCENTILES_SQLITE.replace("{intervals}", intervals), *values)
    return _fold_positions(rows)


async def decision_times(programme_id: int, period: Period) -> dict[str, Elapsed]:
    """Hours from submission to decision of the requests decided in the period, by urgency."""
    return await _elapsed(
        "SELECT urgency AS code, submitted_at AS since, decided_at AS until "
        "FROM support_request WHERE programme = {} AND submitted_at IS NOT NULL "
        "AND decided_at >= {} AND decided_at < {}",
        programme_id,
        period.start,
        period.end,
    )


ANSWERS: Final = ("accepted", "declined")


async def answer_times(period: Period, operator_id: int | None = None) -> dict[str, Elapsed]:
    """Hours from a hold asked to its answer (accepted or declined in the period), by answer;
    ``expired``: the holds that ran out unanswered in the period (count only)."""
    operator = operator_id or 0  # 0: every operator's
    found = await _elapsed(
        "SELECT h.status AS code, h.created_at AS since, h.answered_at AS until "
        "FROM hold h JOIN shelter s ON s.id = h.shelter "
        "WHERE h.status IN ('accepted', 'declined') AND h.answered_at >= {} "
        "AND h.answered_at < {} AND ({} = 0 OR s.operator = {})",
        period.start,
        period.end,
        operator,
        operator,
    )
    expired = (Hold.status == "expired") & (Hold.expires_at >= period.start)
    expired &= Hold.expires_at < period.end
    if operator_id is not None:
        expired &= Hold.shelter.operator == operator_id
    found["expired"] = Elapsed(await Hold.count().where(expired), None, None)
    return found


async def stale_shelters(cutoff: datetime, operator_id: int | None = None) -> list[StaleShelter]:
    """Active shelters with an active category not confirmed since ``cutoff``, or with no
    active category at all (nothing to trust), oldest first."""
    operator = operator_id or 0
    rows = await Shelter.raw(
        "SELECT s.id AS id, s.name AS name, s.region AS region, "
        "MIN(c.confirmed_at) AS confirmed_at FROM shelter s "
        "LEFT JOIN bed_category c ON c.shelter = s.id AND c.active = {} "
        "WHERE s.active = {} AND ({} = 0 OR s.operator = {}) GROUP BY s.id, s.name, s.region "
        "HAVING MIN(c.confirmed_at) IS NULL OR MIN(c.confirmed_at) < {} "
        "ORDER BY CASE WHEN MIN(c.confirmed_at) IS NULL THEN 0 ELSE 1 END, "
        "MIN(c.confirmed_at), s.id",
        True,
        True,
        operator,
        operator,
        cutoff,
    )
    return [
        StaleShelter(int(row["id"]), row["name"], row["region"], _instant(row["confirmed_at"]))
        for row in rows
    ]


async def unmet_demand_by(key: str, period: Period) -> Split:
    """Unmet demand in the period (searches with no eligible offer, holds refused for lack of
    a bed) by kind, the help looked for, the person's region or target group; rows of persons
    with protected identity apart."""
    column = UNMET_COLUMNS[key]
    rows = (
        await UnmetDemand.select(
            column.as_alias("code"), UnmetDemand.protected, Count(alias="count")
        )
        .where((UnmetDemand.at >= period.start) & (UnmetDemand.at < period.end))
        .group_by(column, UnmetDemand.protected)
    )
    counts: dict[str, int] = {}
    protected = 0
    for row in rows:
        if row["protected"]:
            protected += int(row["count"])
        else:
            counts[str(row["code"] or "")] = counts.get(str(row["code"] or ""), 0) + int(
                row["count"]
            )
    return Split(counts, protected)


# --- over time, by month (Swedish months) ---------------------------------------------------


def _month_sql(column: str) -> str:
    """The expression the database groups by: the first instant of the Swedish month on
    PostgreSQL (date_trunc: several times cheaper per row than to_char); on SQLite (no time
    zones) the UTC hour. ``_month_of`` names either's month."""
    if _on_postgres():
        return f"date_trunc('month', {column} AT TIME ZONE 'Europe/Stockholm')"
    return f"strftime('%Y-%m-%dT%H', {column})"


async def placements_by_month(period: Period, organisation_id: int | None = None) -> Monthly:
    """Admissions to a shelter in the period, by month."""
    organisation = organisation_id or 0
    rows = await Placement.raw(
        f"SELECT {_month_sql('p.admitted_at')} AS bucket, "  # noqa: S608 (ours, not input)  # nosec B608
        "b.protected_identity AS protected_identity, COUNT(*) AS count "
        "FROM placement p JOIN beneficiary b ON b.id = p.beneficiary "
        "WHERE p.admitted_at >= {} AND p.admitted_at < {} "
        "AND ({} = 0 OR p.organisation = {}) GROUP BY 1, 2",
        period.start,
        period.end,
        organisation,
        organisation,
    )
    return _fold_months(rows)


async def status_changes_by_month(
    to_status: str, period: Period, organisation_id: int | None = None
) -> Monthly:
    """Changes to ``to_status`` (closures, returns) in the period, by month."""
    organisation = organisation_id or 0
    rows = await StatusChange.raw(
        f"SELECT {_month_sql('c.changed_at')} AS bucket, "  # noqa: S608 (ours, not input)  # nosec B608
        "b.protected_identity AS protected_identity, COUNT(*) AS count "
        "FROM status_change c JOIN beneficiary b ON b.id = c.beneficiary "
        "WHERE c.to_status = {} AND c.changed_at >= {} AND c.changed_at < {} "
        "AND ({} = 0 OR b.organisation = {}) GROUP BY 1, 2",
        to_status,
        period.start,
        period.end,
        organisation,
        organisation,
    )
    return _fold_months(rows)


async def ledger(programme_id: int, period: Period) -> tuple[dict[str, Money], dict[str, Money]]:
    """The programme's ledger in one pass: per category as it stood at the period's end, and its
    movements in the period by month (allocations and adjustments, commitments less releases,
    payments). Grouped by category and month; entries before the period in one group each.
    SQLite numbers the months by their ends (a hundred times fewer groups than its UTC hours
    for a table this long)."""
    months = swedish_months(period)
    if _on_postgres():
        bucket, ends = _month_sql("l.created_at"), []
    else:
        ends = [end for _code, _start, end in months]
        steps = " ".join(f"WHEN l.created_at < {{}} THEN {i}" for i in range(len(ends)))
        bucket = f"CASE {steps} END"
    rows = await SupportRequest.raw(
        f"SELECT b.category AS category, CASE WHEN l.created_at >= {{}} "  # noqa: S608 (ours, not input; values bound)  # nosec B608
        f"THEN {bucket} END AS bucket, "
        "SUM(CASE WHEN l.kind IN ('allocation', 'adjustment') THEN l.amount ELSE 0 END) "
        "AS allocated, "
        "SUM(CASE WHEN l.kind IN ('commitment', 'release') THEN l.amount ELSE 0 END) AS committed, "
        "SUM(CASE WHEN l.kind = 'payment' THEN l.amount ELSE 0 END) AS paid "
        "FROM budget b LEFT JOIN ledger_entry l ON l.budget = b.id AND l.created_at < {} "
        "WHERE b.programme = {} GROUP BY 1, 2",
        period.start,
        *ends,
        period.end,
        programme_id,
    )
    by_category: dict[str, Money] = {}
    by_month: dict[str, Money] = {}
    for row in rows:
        money = Money(int(row["allocated"] or 0), int(row["committed"] or 0), int(row["paid"] or 0))
        _add_money(by_category, row["category"], money)
        if isinstance(row["bucket"], int):  # SQLite: the month's number
            _add_money(by_month, months[row["bucket"]][0], money)
        elif row["bucket"] is not None:
            _add_money(by_month, _month_of(row["bucket"]), money)
    return by_category, by_month


def _add_money(found: dict[str, Money], key: str, money: Money) -> None:
    before = found.get(key, Money(0, 0, 0))
    found[key] = Money(
        before.allocated + money.allocated,
        before.committed + money.committed,
        before.paid + money.paid,
    )


async def beds_at(ends: Sequence[datetime], operator_id: int | None = None) -> list[Beds]:
    """Every category's counts as last recorded before each instant of ``ends``, summed: per
    instant, each category's latest change found along the index (see ``LATEST_CHANGE``). An
    instant no later than the history's first change sees nothing; every instant after its last
    change sees the latest counts, found once (the months of a period still to come)."""
    if not ends:
        return []
    bounds = await AvailabilityChange.raw(
        "SELECT MIN(at) AS first, MAX(at) AS last FROM availability_change"
    )
    first, last = _instant(bounds[0]["first"]), _instant(bounds[0]["last"])
    if first is None or last is None:
        return [Beds(0, 0) for _ in ends]
    # The instants to look up; None: after the last change, unbounded.
    moments: list[datetime | None] = [*sorted({end for end in ends if first < end <= last})]
    if any(end > last for end in ends):
        moments.append(None)
    if not moments:
        return [Beds(0, 0) for _ in ends]
    operator = operator_id or 0
    latest = " UNION ALL ".join(
        f"SELECT {i} AS moment, "  # noqa: S608 (ours, not input; values bound)  # nosec B608
        + (LATEST_CHANGE if moment else LATEST_CHANGE.replace(" AND x.at < {}", ""))
        + " AS change FROM bed_category c JOIN shelter s ON s.id = c.shelter "
        "WHERE {} = 0 OR s.operator = {}"
        for i, moment in enumerate(moments)
    )
    rows = await SupportRequest.raw(
        "SELECT latest.moment AS moment, SUM(a.capacity - a.out_of_service) AS in_service, "  # noqa: S608 (ours, not input; values bound)  # nosec B608
        f"SUM(a.occupied + a.external) AS occupied FROM ({latest}) latest "
        "JOIN availability_change a ON a.id = latest.change GROUP BY latest.moment",
        *[value for moment in moments for value in ((moment,) if moment else ()) + (operator,) * 2],
    )
    found = {
        moments[int(row["moment"])]: Beds(int(row["in_service"]), int(row["occupied"]))
        for row in rows
    }
    return [
        found.get(None if end > last else end, Beds(0, 0)) if end > first else Beds(0, 0)
        for end in ends
    ]
