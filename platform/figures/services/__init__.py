"""Figures use cases: the officers' dashboard and an organisation's own figures, suppressed."""

from figures.services.dashboard import (
    annual_report,
    dashboard,
    organisation_figures,
    period_of,
)
from figures.services.exports import (
    ExportRecord,
    build_export,
    delete_old_exports,
    export_status,
    open_export,
    record_annual_export,
    request_export,
)
from figures.services.models import (
    AnswerTime,
    BudgetRow,
    Dashboard,
    DecisionTime,
    FigureRow,
    FigureTable,
    Occupancy,
    OccupancyRow,
    OrganisationFigures,
    StaleShelterRow,
)

__all__ = [
    "AnswerTime",
    "BudgetRow",
    "Dashboard",
    "DecisionTime",
    "ExportRecord",
    "FigureRow",
    "FigureTable",
    "Occupancy",
    "OccupancyRow",
    "OrganisationFigures",
    "StaleShelterRow",
    "annual_report",
    "build_export",
    "dashboard",
    "delete_old_exports",
    "export_status",
    "open_export",
    "organisation_figures",
    "period_of",
    "record_annual_export",
    "request_export",
]
