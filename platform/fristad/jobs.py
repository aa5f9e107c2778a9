"""Fristad's own background jobs."""

from __future__ import annotations

import logging
import os
import socket
from datetime import UTC, datetime
from typing import Any

import aiosmtplib
import msgspec
from arq.cron import cron
from arq.worker import Retry

from fristad import jobs_outbox, queue
from fristad.jobs_outbox import run_outbox_entry
from fristad.mail import Mail, deliver
from fristad.settings import Settings

log = logging.getLogger("fristad.jobs")

HEARTBEAT_KEY = "fristad:worker:heartbeat"
# A heartbeat older than this many intervals means no worker runs.
HEARTBEAT_INTERVALS_FRESH = 3
# A mail server that is down or answers 4xx is tried again later: after 1, 2, 3, 4 minutes
# (arq gives a job five tries).
MAIL_RETRY_SECONDS = 60


class Heartbeat(msgspec.Struct, frozen=True):
    at: datetime
    host: str
    pid: int


def heartbeat_fresh_seconds(settings: Settings) -> int:
    """How old the newest heartbeat may be while a worker still counts as running."""
    return HEARTBEAT_INTERVALS_FRESH * settings.worker_heartbeat_seconds


async def record_heartbeat(ctx: dict[str, Any]) -> None:
    """Record that a worker is alive and running cron jobs; /readyz and `fristad check` report it.

    The key expires by itself, so a worker that stopped shows up as "no heartbeat" once it is no
    longer fresh.
    """
    beat = Heartbeat(at=datetime.now(UTC), host=socket.gethostname(), pid=os.getpid())
    await ctx["redis"].set(
        HEARTBEAT_KEY, msgspec.json.encode(beat), ex=heartbeat_fresh_seconds(ctx["settings"])
    )


async def read_heartbeat(redis: Any) -> Heartbeat | None:
    raw = await redis.get(HEARTBEAT_KEY)
    return None if raw is None else msgspec.json.decode(raw, type=Heartbeat)


def heartbeat_cron(settings: Settings) -> Any:
    """The heartbeat, every ``worker_heartbeat_seconds`` (a divisor of 60, the settings check)."""
    every = settings.worker_heartbeat_seconds
    return cron(record_heartbeat, second=set(range(0, 60, every)), run_at_startup=True, unique=True)


async def sweep_outbox(ctx: dict[str, Any]) -> int:
    """Relay the outbox entries Redis did not take after their commit, and those whose job was
    lost; returns how many it relayed. Safe to repeat: arq refuses an entry's job id while it is
    queued or running, and a done entry is not run again."""
    return await queue.relay(await jobs_outbox.due_for_relay())


class MailRefused(Exception):
    """The mail server refused a message for good. Says only the SMTP code: the server's own
    text often repeats the address, and arq logs this error."""


async def send_mail(
    ctx: dict[str, Any], to: str, subject: str, text: str, html: str | None = None
) -> str:
    """Deliver one e-mail (SMTP, or the outbox without FRISTAD_SMTP_URL); returns its Message-ID.

    Enqueue it with a unique ``_job_id`` (``fristad.queue.send_mail_later`` does), so arq drops a
    second job for the same reason. A job may still run twice (a worker lost after the server
    accepted the message): the recipient then gets the mail twice, which SMTP cannot rule out.
    """
    mail = Mail(to=to, subject=subject, text=text, html=html)
    try:
        return await deliver(ctx["settings"], mail)
    except (OSError, aiosmtplib.SMTPException) as error:
        if _is_temporary(error):
            log.warning("mail job %s: %s, trying again later", ctx["job_id"], type(error).__name__)
            raise Retry(defer=ctx["job_try"] * MAIL_RETRY_SECONDS) from None
        raise MailRefused(f"{type(error).__name__} {_smtp_codes(error)}".strip()) from None


def _is_temporary(error: Exception) -> bool:
    """Network trouble and 4xx answers pass; 5xx answers and protocol errors do not."""
    if isinstance(error, OSError):  # includes aiosmtplib's connect, disconnect and timeout errors
        return True
    codes = _smtp_codes(error)
    return bool(codes) and all(400 <= code < 500 for code in codes)


def _smtp_codes(error: Exception) -> list[int]:
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return [refused.code for refused in error.recipients]
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return [error.code]
    return []


FUNCTIONS: list[Any] = [run_outbox_entry, send_mail]
# The heartbeat's schedule comes from the settings: fristad.worker adds it (``heartbeat_cron``).
CRON_JOBS = [cron(sweep_outbox, second={10, 40}, run_at_startup=True, unique=True)]
