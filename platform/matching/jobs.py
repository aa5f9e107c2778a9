"""Matching's background jobs. All re-read the database and are safe to run twice: the funding
sweep closes each link with a conditional write, and reverse matching of beds and of services
keeps a cursor and a UNIQUE (event, case) per alert (services tell under the cursor's lock, so
runs at the same time tell no case twice and no more than the cap)."""

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


async def match_freed_services(ctx: dict[str, Any]) -> int:
    """Tell caseworkers of the services with room again that fit their open cases."""
    return await services.match_freed_services(ctx["settings"])


FUNCTIONS: list[Any] = [settle_funding, match_freed_beds, match_freed_services]
CRON_JOBS = [
    cron(settle_funding, second={15}, unique=True),
    cron(match_freed_beds, second={5, 35}, unique=True),
    cron(match_freed_services, second={20, 50}, unique=True),
]
