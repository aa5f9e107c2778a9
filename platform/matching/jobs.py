"""Matching's background jobs. Both re-read the database and are safe to run twice: the funding
sweep closes each link with a conditional write, and reverse matching keeps a cursor and a UNIQUE
(event, case) per alert."""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from matching import services


async def settle_funding(ctx: dict[str, Any]) -> dict[str, int]:
    """Pay stays by the nights stayed, give back beds and services whose funding was refused,
    confirm funded reservations, end lapses."""
    counts = await services.settle_all()
    for outcome, count in (await services.settle_services()).items():
        counts[f"service_{outcome}"] = count
    return counts


async def match_freed_beds(ctx: dict[str, Any]) -> int:
    """Tell caseworkers of the freed beds that fit their open cases."""
    return await services.match_freed_beds(ctx["settings"])


FUNCTIONS: list[Any] = [settle_funding, match_freed_beds]
CRON_JOBS = [
    cron(settle_funding, second={15}, unique=True),
    cron(match_freed_beds, second={5, 35}, unique=True),
]
