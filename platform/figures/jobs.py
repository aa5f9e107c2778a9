"""Figures' background jobs: building an export, and deleting exports after 30 days.

Both re-check the database: a finished export is not built again, a deleted one not deleted
twice, so a job that runs twice changes nothing twice.
"""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from figures import services


async def build_figure_export(ctx: dict[str, Any], export_id: int) -> bool:
    """Build one export's files (enqueued with the export's row)."""
    return await services.build_export(export_id)


async def delete_old_figure_exports(ctx: dict[str, Any]) -> int:
    """Every night: delete the exports asked for more than 30 days ago."""
    return await services.delete_old_exports()


FUNCTIONS: list[Any] = [build_figure_export]
CRON_JOBS = [cron(delete_old_figure_exports, hour={3}, minute={40}, unique=True)]
