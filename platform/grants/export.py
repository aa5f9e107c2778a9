"""Payments as files for the accounting system: CSV and XLSX, built in memory (no I/O)."""

from __future__ import annotations

import csv
import io
import re
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
    # A reversal: the payment it reverses (its amount is negative); empty for a payment.
    "reversal_of",
)
_FORMULA = ("=", "+", "-", "@")
# A plain amount, negative ones too, is a number to a spreadsheet, never a formula.
_NUMBER = re.compile(r"\A-?\d+(?:\.\d+)?\Z")


def _kronor(ore: int) -> str:
    """``500000`` öre as ``5000.00`` (``-150`` as ``-1.50``): what accounting systems read,
    whatever the locale."""
    kronor, rest = divmod(abs(ore), 100)
    return f"{'-' if ore < 0 else ''}{kronor}.{rest:02d}"


def _guarded(value: Any) -> Any:
    """A text a spreadsheet would take for a formula (a leading =, +, - or @) is quoted;
    a plain number, negative ones too, stays a number."""
    if isinstance(value, str) and value.startswith(_FORMULA) and not _NUMBER.match(value):
        return f"'{value}"
    return value


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
        payment.reversal_of or "",
    ]


def payments_csv(payments: Sequence[ExportedPayment]) -> bytes:
    """Semicolon-separated UTF-8 with a BOM (so Excel reads the å, ä and ö)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(COLUMNS)
    for payment in payments:
        # A leading =, +, - or @ would be a formula in a spreadsheet (CSV injection).
        writer.writerow([_guarded(value) for value in _cells(payment)])
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
