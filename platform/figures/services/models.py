"""Figures as they may be published: every count already suppressed (figures.suppression)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from figures.suppression import Cell, protect


@dataclass(frozen=True)
class FigureRow:
    code: str
    label: str
    cell: Cell


@dataclass(frozen=True)
class FigureTable:
    """One breakdown with its title and description (for the chart's text alternative too)."""

    key: str
    title: str
    description: str
    rows: tuple[FigureRow, ...]
    total: Cell | None

    @property
    def largest(self) -> int:
        """The largest shown value (the chart's scale); at least 1."""
        return max([row.cell.value or 0 for row in self.rows] + [1])


def figure_table(
    key: str,
    title: str,
    description: str,
    counts: Sequence[tuple[str, str, int]],
    *,
    hidden: int = 0,
    with_total: bool = True,
) -> FigureTable:
    """A table of (code, label, count) rows, suppressed; ``hidden`` counts in the total only."""
    values = [count for _, _, count in counts]
    total = sum(values) + hidden if with_total else None
    protected = protect(values, total=total, hidden=hidden)
    rows = tuple(
        FigureRow(code, label, cell)
        for (code, label, _), cell in zip(counts, protected.cells, strict=True)
    )
    return FigureTable(key, title, description, rows, protected.total)


@dataclass(frozen=True)
class BudgetRow:
    category: str
    label: str
    allocated: int
    committed: int
    paid: int

    @property
    def remaining(self) -> int:
        return self.allocated - self.committed


@dataclass(frozen=True)
class BudgetMonth:
    """The ledger's movements in one month (öre): money, not persons, so not suppressed."""

    month: str  # YYYY-MM
    label: str
    allocated: int
    committed: int
    paid: int


@dataclass(frozen=True)
class DecisionTime:
    """How long decisions took; the hours only from five decisions on (fewer: one is a case)."""

    urgency: str
    label: str
    decisions: Cell
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True)
class AnswerTime:
    """How long a shelter operator took to answer holds (asked -> accepted or declined); the
    hours only from five answers on. ``expired``: holds that ran out unanswered (no hours)."""

    answer: str
    label: str
    answers: Cell
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True)
class StaleShelterRow:
    """A shelter whose numbers were not confirmed lately (shelters are not persons: named)."""

    shelter_id: int
    name: str
    region: str
    confirmed_at: datetime | None


@dataclass(frozen=True)
class OccupancyRow:
    code: str
    label: str
    beds: int
    occupied: Cell

    @property
    def percent(self) -> float | None:
        if self.occupied.value is None or not self.beds:
            return None
        return self.occupied.value / self.beds


@dataclass(frozen=True)
class Occupancy:
    title: str
    rows: tuple[OccupancyRow, ...]
    beds: int
    occupied: Cell | None


@dataclass(frozen=True)
class ProgrammeChoice:
    id: int
    name: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class Dashboard:
    """The officers' figures for one programme and period (``end`` inclusive)."""

    programme: ProgrammeChoice | None
    programmes: tuple[ProgrammeChoice, ...]
    start: date
    end: date
    budget: tuple[BudgetRow, ...]
    decision_times: tuple[DecisionTime, ...]
    occupancy: tuple[Occupancy, ...]
    tables: tuple[FigureTable, ...]
    answer_times: tuple[AnswerTime, ...] = ()
    stale_shelters: tuple[StaleShelterRow, ...] = ()
    budget_by_month: tuple[BudgetMonth, ...] = ()
    # Beds in service and occupied at each month's end (rows by month, no total).
    occupancy_by_month: Occupancy | None = None


@dataclass(frozen=True)
class OrganisationFigures:
    """A member organisation's own figures, or a shelter operator's occupancy."""

    organisation_id: int
    start: date
    end: date
    occupancy: tuple[Occupancy, ...]
    tables: tuple[FigureTable, ...]
    answer_times: tuple[AnswerTime, ...] = ()
    stale_shelters: tuple[StaleShelterRow, ...] = ()
