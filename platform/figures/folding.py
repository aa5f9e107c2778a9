"""What figures.queries folds its grouped rows into, without I/O or tables (kept apart so the
query module stays one module of queries)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fristad.i18n import TIMEZONE


@dataclass(frozen=True)
class Period:
    """From ``start`` (inclusive) to ``end`` (exclusive), as instants."""

    start: datetime
    end: datetime


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


def elapsed_of(hours: Sequence[float]) -> Elapsed:
    """The summary SQLite gets in Python: the same interpolation as percentile_cont."""
    if not hours:
        return Elapsed(0, None, None)
    if len(hours) == 1:
        return Elapsed(1, hours[0], hours[0])
    p90 = statistics.quantiles(hours, n=10, method="inclusive")[8]
    return Elapsed(len(hours), statistics.median(hours), p90)


def _summaries(rows: Sequence[dict[str, Any]]) -> dict[str, Elapsed]:
    return {
        str(row["code"]): Elapsed(
            int(row["count"]),
            None if row["median"] is None else float(row["median"]),
            None if row["p90"] is None else float(row["p90"]),
        )
        for row in rows
    }


def _fold_hours(rows: Sequence[dict[str, Any]], since: str, until: str) -> dict[str, Elapsed]:
    hours: dict[str, list[float]] = {}
    for row in rows:
        elapsed = (row[until] - row[since]).total_seconds() / 3600
        hours.setdefault(str(row["code"]), []).append(elapsed)
    return {code: elapsed_of(found) for code, found in hours.items()}


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


def _month_of(bucket: str) -> str:
    if len(bucket) == len("2027-01"):
        return bucket
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
            month = _month_of(str(row["bucket"]))
            counts[month] = counts.get(month, 0) + int(row["count"])
    return Monthly(counts, protected)
