"""The dashboard's tables as files: one XLSX workbook (a sheet per table) and a ZIP of CSV files
(one per table). Only what the page shows goes in: the suppressed cells as "<5" and "..", the
labels in the language of the person who asked. Money in kronor as numbers."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from figures.services.models import Dashboard, FigureTable, Occupancy
from figures.suppression import Cell
from fristad.i18n import gettext as _

Value = str | int | float


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]


def _cell(cell: Cell | None) -> Value:
    if cell is None:
        return ""
    return cell.value if cell.value is not None else cell.text


def _kronor(ore: int) -> float:
    return ore / 100


def _figure_sheet(table: FigureTable) -> Sheet:
    rows = [(row.label, _cell(row.cell)) for row in table.rows]
    if table.total is not None:
        rows.append((_("Total"), _cell(table.total)))
    return Sheet(table.key, table.title, (_("Group"), _("Number")), tuple(rows))


def _occupancy_sheet(key: str, occupancy: Occupancy) -> Sheet:
    rows: list[tuple[Value, ...]] = [
        (row.label, row.beds, _cell(row.occupied)) for row in occupancy.rows
    ]
    if occupancy.occupied is not None:
        rows.append((_("Total"), occupancy.beds, _cell(occupancy.occupied)))
    return Sheet(key, occupancy.title, (_("Group"), _("Beds"), _("Residents")), tuple(rows))


def sheets(figures: Dashboard) -> list[Sheet]:
    """Every table of the dashboard, in the page's order."""
    found = []
    if figures.budget:
        found.append(
            Sheet(
                "budget",
                _("Budget by category"),
                (_("Category"), _("Budget"), _("Committed"), _("Paid"), _("Remaining")),
                tuple(
                    (
                        b.label,
                        _kronor(b.allocated),
                        _kronor(b.committed),
                        _kronor(b.paid),
                        _kronor(b.remaining),
                    )
                    for b in figures.budget
                ),
            )
        )
    if figures.decision_times:
        found.append(
            Sheet(
                "decision_times",
                _("Time to decision"),
                (_("Urgency"), _("Decisions"), _("Median (hours)"), _("90th percentile (hours)")),
                tuple(
                    (
                        d.label,
                        _cell(d.decisions),
                        "" if d.median_hours is None else round(d.median_hours, 1),
                        "" if d.p90_hours is None else round(d.p90_hours, 1),
                    )
                    for d in figures.decision_times
                ),
            )
        )
    if figures.budget_by_month:
        found.append(
            Sheet(
                "budget_by_month",
                _("Budget by month"),
                (_("Month"), _("Budget"), _("Committed"), _("Paid")),
                tuple(
                    (m.label, _kronor(m.allocated), _kronor(m.committed), _kronor(m.paid))
                    for m in figures.budget_by_month
                ),
            )
        )
    if figures.occupancy_by_month:
        found.append(_occupancy_sheet("occupancy_by_month", figures.occupancy_by_month))
    if figures.answer_times:
        found.append(
            Sheet(
                "answer_times",
                _("Time to answer a hold"),
                (_("Answer"), _("Holds"), _("Median (hours)"), _("90th percentile (hours)")),
                tuple(
                    (
                        t.label,
                        _cell(t.answers),
                        "" if t.median_hours is None else round(t.median_hours, 1),
                        "" if t.p90_hours is None else round(t.p90_hours, 1),
                    )
                    for t in figures.answer_times
                ),
            )
        )
    found.append(
        Sheet(
            "stale_shelters",
            _("Shelters with stale numbers"),
            (_("Shelter"), _("Region"), _("Last confirmed")),
            tuple(
                (s.name, s.region, s.confirmed_at.isoformat() if s.confirmed_at else _("Never"))
                for s in figures.stale_shelters
            ),
        )
    )
    found += [
        _occupancy_sheet(f"occupancy_{i}", o) for i, o in enumerate(figures.occupancy, start=1)
    ]
    found += [_figure_sheet(table) for table in figures.tables]
    return found


def _safe(value: Value) -> Value:
    """A text starting =, +, - or @ would be a formula in a spreadsheet (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def as_zip_of_csv(found: Sequence[Sheet]) -> bytes:
    """One semicolon-separated UTF-8 file (with a BOM, for Excel) per table."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet in found:
            text = io.StringIO()
            writer = csv.writer(text, delimiter=";")
            writer.writerow(sheet.header)
            writer.writerows([_safe(value) for value in row] for row in sheet.rows)
            archive.writestr(f"{sheet.key}.csv", "\ufeff" + text.getvalue())
    return buffer.getvalue()


def as_xlsx(found: Sequence[Sheet]) -> bytes:
    """A sheet per table, named by its key; the title above the header."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = workbook.add_format({"bold": True})
    for sheet in found:
        worksheet = workbook.add_worksheet(sheet.key[:31])
        worksheet.write(0, 0, sheet.title, bold)
        worksheet.write_row(1, 0, sheet.header, bold)
        for index, row in enumerate(sheet.rows, start=2):
            worksheet.write_row(index, 0, row)
        worksheet.set_column(0, 0, 36)
    workbook.close()
    return buffer.getvalue()
