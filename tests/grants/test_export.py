"""The payments export: reversals are in it as negative rows, negative amounts are written
right, and only text (never a negative number) is quoted against spreadsheet formulas."""

from __future__ import annotations

import csv
import io
from datetime import date

from grants import export, services
from grants.services import ExportedPayment
from tests.grants.helpers import KR, make_world, submitted_request, today_in_sweden


def _row(amount: int, reference: str) -> ExportedPayment:
    return ExportedPayment(
        payment_id=7,
        paid_on=date(2027, 3, 1),
        amount=amount,
        reference=reference,
        support_request_id=3,
        organisation="Stiftelsen Trygg Hamn",
        org_number="802471-3500",
        category="legal_aid",
        programme="Stödprogrammet 2027",
        reversal_of=7 if amount < 0 else None,
    )


def test_negative_amounts_are_written_as_accounting_systems_read_them() -> None:
    assert [export._kronor(ore) for ore in (500_000, 150, -150, -5, -500_000)] == [
        "5000.00",
        "1.50",
        "-1.50",
        "-0.05",
        "-5000.00",
    ]


def test_a_negative_amount_stays_a_number_and_formula_text_is_quoted() -> None:
    body = export.payments_csv([_row(-500_000, "-2+3"), _row(100, "=HYPERLINK()")])
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    header, reversal, payment = rows
    assert reversal[header.index("amount_sek")] == "-5000.00"
    assert reversal[header.index("reference")] == "'-2+3"
    assert reversal[header.index("reversal_of")] == "7"
    assert payment[header.index("reference")] == "'=HYPERLINK()"
    assert payment[header.index("reversal_of")] == ""


async def test_the_export_holds_the_reversal_of_a_payment() -> None:
    world = await make_world()
    request_id = await submitted_request(world)
    await services.decide(world.officer, request_id, 15_000 * KR, "Beviljas")
    today = today_in_sweden()
    wrong = await services.record_payment(world.officer, request_id, today, 5_000 * KR, "V1")
    await services.reverse_payment(world.officer, request_id, wrong.id, "Fel belopp")
    exported = await services.payments_in_period(world.officer, today, today)
    assert [(row.amount, row.reversal_of, row.reference) for row in exported] == [
        (5_000 * KR, None, "V1"),
        (-5_000 * KR, wrong.id, "V1"),
    ]
    assert sum(row.amount for row in exported) == 0
    assert (
        await services.payments_in_period(world.second_officer, date(2020, 1, 1), date(2020, 1, 2))
        == []
    )
