"""What figures.queries folds its grouped rows into, without I/O or tables (kept apart so the
query module stays one module of queries)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fristad.i18n import TIMEZONE


@dataclass(frozen=True)
class Period:
    """From ``start`` (inclusive) to ``end`` (exclusive), as instants."""

    start: datetime
    end: datetime


def swedish_months(period: Period) -> list[tuple[str, datetime, datetime]]:
    """The period's Swedish months: (YYYY-MM, the instant it starts, the instant it ends or the
    period's end when sooner)."""
    found: list[tuple[str, datetime, datetime]] = []
    first = period.start.astimezone(TIMEZONE)
    year, month = first.year, first.month
    while True:
        start = datetime(year, month, 1, tzinfo=TIMEZONE)
        if start >= period.end:
            return found
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        end = min(datetime(year, month, 1, tzinfo=TIMEZONE), period.end)
        found.append((f"{start.year:04d}-{start.month:02d}", start, end))


@dataclass(frozen=True)
class Split:
    """Counts by code, of persons without a protected identity, and the protected count apart."""

    counts: dict[str, int]
    protected: int

    @property
    def total(self) -> int:
        return sum(self.counts.values()) + self.protected


def _split(rows: Sequence[dict[str, Any]], code: str) -> Split:
    counts: dict[str, int] = {}
    protected = 0
    for row in rows:
        if row["protected_identity"] != "none":
            protected += int(row["count"])
        else:
            key = str(row[code] or "")
            counts[key] = counts.get(key, 0) + int(row["count"])
    return Split(counts, protected)


@dataclass(frozen=True)
class Beds:
    in_service: int  # capacity less out of service
    occupied: int  # placed through Fristad and residents from outside


@dataclass(frozen=True)
class BedCounts:
    by_region: dict[str, Beds]
    # A category may serve several target groups: it counts under each.
    by_target_group: dict[str, Beds]


def _add(found: dict[str, Beds], code: str, in_service: int, occupied: int) -> None:
    before = found.get(code, Beds(0, 0))
    found[code] = Beds(before.in_service + in_service, before.occupied + occupied)


@dataclass(frozen=True)
class Elapsed:
    """How many intervals, and their median and 90th percentile in hours (None: none)."""

    count: int
    median: float | None
    p90: float | None


def elapsed_at(count: int, at: Callable[[int], float]) -> Elapsed:
    """The summary of ``count`` hours, ``at(k)`` the k-th smallest (from 0): percentile_cont's
    interpolation, in the arithmetic of statistics.median and statistics.quantiles (inclusive)."""
    if not count:
        return Elapsed(0, None, None)
    if count == 1:
        return Elapsed(1, at(0), at(0))
    middle = count // 2
    median = at(middle) if count % 2 else (at(middle - 1) + at(middle)) / 2
    below, share = divmod(9 * (count - 1), 10)  # position 0.9 (count - 1), in tenths
    p90 = (at(below) * (10 - share) + at(below + 1) * share) / 10
    return Elapsed(count, median, p90)


def _summaries(rows: Sequence[dict[str, Any]]) -> dict[str, Elapsed]:
    return {
        str(row["code"]): Elapsed(
            int(row["count"]),
            None if row["median"] is None else float(row["median"]),
            None if row["p90"] is None else float(row["p90"]),
        )
        for row in rows
    }


def _fold_positions(rows: Sequence[dict[str, Any]]) -> dict[str, Elapsed]:
    """Rows of (code, count, position, since, until) at the positions a summary needs."""
    hours: dict[str, dict[int, float]] = {}
    counts: dict[str, int] = {}
    for row in rows:
        since, until = _instant(row["since"]), _instant(row["until"])
        assert since is not None  # the intervals' queries select no NULL
        assert until is not None
        code = str(row["code"])
        counts[code] = int(row["count"])
        hours.setdefault(code, {})[int(row["position"])] = (until - since).total_seconds() / 3600
    return {code: elapsed_at(counts[code], hours[code].__getitem__) for code in counts}


@dataclass(frozen=True)
class StaleShelter:
    shelter_id: int
    name: str
    region: str
    confirmed_at: datetime | None  # the oldest confirmation of its active categories


def _instant(value: Any) -> datetime | None:
    """A timestamp from a raw query: SQLite returns the stored text."""
    if value is None or isinstance(value, datetime):
        return value
    found = datetime.fromisoformat(str(value))
    return found if found.tzinfo else found.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Money:
    allocated: int
    committed: int
    paid: int


def _month_of(bucket: datetime | str) -> str:
    """'YYYY-MM' of a month's first instant in Swedish time (PostgreSQL), or of a UTC hour
    'YYYY-MM-DDTHH' (SQLite)."""
    if isinstance(bucket, datetime):
        return f"{bucket.year:04d}-{bucket.month:02d}"
    hour = datetime.strptime(bucket, "%Y-%m-%dT%H").replace(tzinfo=UTC).astimezone(TIMEZONE)
    return f"{hour.year:04d}-{hour.month:02d}"


@dataclass(frozen=True)
class Monthly:
    """Counts by month ('YYYY-MM'), of persons without a protected identity, and the
    protected count apart."""

    counts: dict[str, int]
    protected: int


def _fold_months(rows: Sequence[dict[str, Any]]) -> Monthly:
    counts: dict[str, int] = {}
    protected = 0
    for row in rows:
        if row["protected_identity"] != "none":
            protected += int(row["count"])
        else:
            month = _month_of(row["bucket"])
            counts[month] = counts.get(month, 0) + int(row["count"])
    return Monthly(counts, protected)
