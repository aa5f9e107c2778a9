"""Beneficiaries' background jobs: the daily retention sweep."""

from __future__ import annotations

import logging
from typing import Any

from arq.cron import cron

from beneficiaries.services import run_retention

log = logging.getLogger("fristad.retention")


async def erase_expired_cases(ctx: dict[str, Any]) -> int:
    """Anonymise cases closed longer ago than FRISTAD_RETENTION_MONTHS; safe to run twice."""
    codes = await run_retention(ctx["settings"].retention_months)
    log.info("retention: %d cases anonymised", len(codes))
    return len(codes)


FUNCTIONS: list[Any] = []
CRON_JOBS = [cron(erase_expired_cases, hour={2}, minute={15}, unique=True)]
