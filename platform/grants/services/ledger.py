"""The ledger check: each budget's running totals against the sums of its ledger entries."""

from __future__ import annotations

from dataclasses import dataclass

from grants.domain import LEDGER_FIELDS
from grants.tables import Budget, LedgerEntry


@dataclass(frozen=True)
class LedgerDifference:
    budget_id: int
    field: str
    stored: int
    from_ledger: int


async def ledger_check() -> list[LedgerDifference]:
    """Compare each budget's running totals with the sums of its ledger entries; [] when they
    agree (``fristad ledger check`` and the nightly cron job report any difference)."""
    budgets = await Budget.select()
    entries = await LedgerEntry.select(LedgerEntry.budget, LedgerEntry.kind, LedgerEntry.amount)
    sums: dict[tuple[int, str], int] = {}
    for entry in entries:
        key = (entry["budget"], LEDGER_FIELDS[entry["kind"]])
        sums[key] = sums.get(key, 0) + entry["amount"]
    differences = []
    for budget in budgets:
        for field_name in ("allocated", "committed", "paid"):
            expected = sums.get((budget["id"], field_name), 0)
            if budget[field_name] != expected:
                differences.append(
                    LedgerDifference(budget["id"], field_name, budget[field_name], expected)
                )
    return differences
