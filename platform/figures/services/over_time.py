"""Figures over time: month by month, suppressed like the rest (see figures.services.dashboard)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime

from figures import queries
from figures.folding import Money, Monthly, Period, swedish_months
from figures.services.models import (
    BudgetMonth,
    FigureTable,
    Occupancy,
    OccupancyRow,
    figure_table,
)
from figures.suppression import protect
from fristad.i18n import date_
from fristad.i18n import gettext as _


def months_of(period: Period) -> list[tuple[str, str, datetime]]:
    """The period's Swedish months: (YYYY-MM, label, the instant it ends, or the period's
    end when sooner)."""
    months = swedish_months(period)
    return [(code, date_(start.date(), "MMM y"), end) for code, start, end in months]


def monthly_table(
    key: str, title: str, description: str, monthly: Monthly, period: Period
) -> FigureTable:
    rows = [(code, label, monthly.counts.get(code, 0)) for code, label, _end in months_of(period)]
    return figure_table(key, title, description, rows, hidden=monthly.protected)


async def monthly_tables(period: Period, organisation_id: int | None = None) -> list[FigureTable]:
    placements, closures = await asyncio.gather(
        queries.placements_by_month(period, organisation_id),
        queries.status_changes_by_month("closed", period, organisation_id),
    )
    return [
        monthly_table(
            "placements_by_month",
            _("Placements by month"),
            _("Admissions to a shelter, month by month."),
            placements,
            period,
        ),
        monthly_table(
            "closures_by_month",
            _("Closures by month"),
            _("Cases closed, month by month."),
            closures,
            period,
        ),
    ]


def budget_by_month(money: Mapping[str, Money], period: Period) -> tuple[BudgetMonth, ...]:
    """Every month of the period with the ledger's movements in it (``queries.ledger``)."""
    return tuple(
        BudgetMonth(code, label, m.allocated, m.committed, m.paid)
        for code, label, _end in months_of(period)
        for m in [money.get(code, Money(0, 0, 0))]
    )


async def occupancy_by_month(period: Period, operator_id: int | None = None) -> Occupancy:
    """Beds in service and occupied as the history stood at each month's end (or now)."""
    months = months_of(period)
    beds = await queries.beds_at([end for _c, _l, end in months], operator_id)
    # Each month stands alone (no total): a small count is shown as <5.
    cells = protect([b.occupied for b in beds]).cells
    rows = tuple(
        OccupancyRow(code, label, b.in_service, cell)
        for (code, label, _end), b, cell in zip(months, beds, cells, strict=True)
    )
    return Occupancy(_("Occupancy by month"), rows, 0, None)
