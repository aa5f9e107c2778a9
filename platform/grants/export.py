"""Payments as files for the accounting system: CSV and XLSX, built in memory (no I/O)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from grants.services.models import ExportedPayment

COLUMNS = (
    "payment_id",
    "paid_on",
    "amount_sek",
    "reference",
    "request_id",
    "organisation",
    "org_number",
    "category",
    "programme",
)


def _kronor(ore: int) -> str:
    """``500000`` öre as ``5000.00``: what accounting systems read, whatever the locale."""
    return f"{ore // 100}.{ore % 100:02d}"


def _cells(payment: ExportedPayment) -> list[Any]:
    return [
        payment.payment_id,
        payment.paid_on.isoformat(),
        _kronor(payment.amount),
        payment.reference,
        payment.support_request_id,
        payment.organisation,
        payment.org_number,
        payment.category,
        payment.programme,
    ]


def payments_csv(payments: Sequence[ExportedPayment]) -> bytes:
    """Semicolon-separated UTF-8 with a BOM (so Excel reads the å, ä and ö)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(COLUMNS)
    for payment in payments:
        # A leading =, +, - or @ would be a formula in a spreadsheet (CSV injection).
        writer.writerow(
            [
                f"'{value}" if isinstance(value, str) and value[:1] in "=+-@" else value
                for value in _cells(payment)
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def payments_xlsx(payments: Sequence[ExportedPayment]) -> bytes:
    """One sheet; amounts as numbers, and no text ever taken for a formula."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet("payments")
    sheet.write_row(0, 0, COLUMNS)
    for index, payment in enumerate(payments, start=1):
        cells = _cells(payment)
        cells[2] = float(cells[2])
        sheet.write_row(index, 0, cells)
    workbook.close()
    return buffer.getvalue()
