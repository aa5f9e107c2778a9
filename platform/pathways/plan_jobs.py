"""Case plans' background job: overdue actions told to their owners, once per lapse.

Hourly, and safe to run any number of times: a lapse told of already has its notice (UNIQUE
action and due day) and its mails' keys, so a second run, or two workers at once, tells nobody
twice.
"""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from pathways import services


async def notify_overdue_actions(ctx: dict[str, Any]) -> int:
    """Every hour: notices and mails for the case-plan actions whose due day has passed."""
    return await services.notify_overdue(settings=ctx.get("settings"))


FUNCTIONS: list[Any] = []
CRON_JOBS = [cron(notify_overdue_actions, minute={23}, second={0}, unique=True)]
