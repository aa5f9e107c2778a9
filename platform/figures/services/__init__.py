"""Figures use cases: the officers' dashboard and an organisation's own figures, suppressed."""

from figures.services.dashboard import dashboard, organisation_figures, period_of
from figures.services.models import (
    BudgetRow,
    Dashboard,
    DecisionTime,
    FigureRow,
    FigureTable,
    Occupancy,
    OccupancyRow,
    OrganisationFigures,
)

__all__ = [
    "BudgetRow",
    "Dashboard",
    "DecisionTime",
    "FigureRow",
    "FigureTable",
    "Occupancy",
    "OccupancyRow",
    "OrganisationFigures",
    "dashboard",
    "organisation_figures",
    "period_of",
]
