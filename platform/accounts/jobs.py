"""Accounts background jobs: checkpoints of the audit chain outside the database."""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from accounts import audit


async def anchor_audit_chain(ctx: dict[str, Any]) -> int | None:
    """Write the audit chain's head to the checkpoint file; returns the event id anchored."""
    checkpoint = await audit.anchor()
    return None if checkpoint is None else int(checkpoint["id"])


FUNCTIONS: list[Any] = [anchor_audit_chain]
CRON_JOBS = [cron(anchor_audit_chain, minute=set(range(0, 60, 10)), unique=True)]
