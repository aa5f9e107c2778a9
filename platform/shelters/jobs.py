"""Shelters' background jobs: hold expiry (at the deadline, and a sweep) and stale reminders.

Each re-checks the database, so running one twice, or both the job and the sweep, changes nothing
twice; the sweep expires holds whose scheduled job was lost.
"""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from shelters import services


async def expire_hold(ctx: dict[str, Any], hold_id: int) -> bool:
    """Expire one hold at its deadline (scheduled when the hold was made)."""
    return await services.expire_hold(hold_id)


async def sweep_expired_holds(ctx: dict[str, Any]) -> int:
    """Every minute: expire the holds past their deadline that no job has expired."""
    return await services.expire_due_holds()


async def remind_stale_shelters(ctx: dict[str, Any]) -> int:
    """Every hour: remind the staff of shelters whose availability has gone stale."""
    return await services.remind_stale_shelters(ctx.get("settings"))


FUNCTIONS: list[Any] = [expire_hold]
CRON_JOBS = [
    cron(sweep_expired_holds, second={5}, unique=True),
    cron(remind_stale_shelters, minute={17}, second={0}, unique=True),
]
