"""Grants background jobs: the nightly ledger check, report reminders, release of unspent money.

Each re-checks the database and carries unique keys for its effects, so running twice is harmless.
"""

from __future__ import annotations

import logging
from typing import Any

from arq.cron import cron

from grants import services

log = logging.getLogger("fristad.grants")


async def check_ledger(ctx: dict[str, Any]) -> int:
    """Compare budgets with their ledger; log every difference (ids and amounts only)."""
    differences = await services.ledger_check()
    for difference in differences:
        log.error(
            "ledger check: budget %s %s is %s, the ledger says %s",
            difference.budget_id,
            difference.field,
            difference.stored,
            difference.from_ledger,
        )
    return len(differences)


async def follow_up(ctx: dict[str, Any]) -> dict[str, int]:
    """Remind organisations whose report is due and release money that was never paid."""
    reminded = await services.send_report_reminders()
    released = await services.release_unspent()
    return {"reminded": reminded, "released": released}


FUNCTIONS: list[Any] = [check_ledger, follow_up]
CRON_JOBS = [
    cron(check_ledger, hour={2}, minute={45}, unique=True),
    cron(follow_up, hour={6}, minute={0}, unique=True),
]
