"""Providers' background jobs: reservation expiry at the deadline, and a sweep.

Each re-checks the database (only a pending reservation past its time expires), so running one
twice, or both the job and the sweep, changes nothing twice; the sweep expires reservations
whose scheduled job was lost.
"""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from providers import services


async def expire_reservation(ctx: dict[str, Any], reservation_id: int) -> bool:
    """Expire one reservation at its deadline (scheduled when it was made)."""
    return await services.expire_reservation(reservation_id)


async def sweep_expired_reservations(ctx: dict[str, Any]) -> int:
    """Every minute: expire the reservations past their deadline that no job has expired."""
    return await services.expire_overdue()


FUNCTIONS: list[Any] = [expire_reservation]
CRON_JOBS = [cron(sweep_expired_reservations, second={35}, unique=True)]
