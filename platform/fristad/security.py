"""Security headers on every HTTP response (OWASP ASVS 5.0, chapter 3.4)."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from litestar.datastructures import MutableScopeHeaders

if TYPE_CHECKING:
    from litestar.types import BeforeMessageSendHookHandler, Message, Scope

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
HSTS = "max-age=63072000; includeSubDomains"
STATIC_PREFIX = "/static/"


def security_headers(https: bool) -> BeforeMessageSendHookHandler:
    """A before-send hook adding CSP, framing, sniffing, referrer and permission headers.

    A hook, not a middleware, so it also covers the answers Litestar gives before any route
    matches (404, 405). Everything outside /static is ``Cache-Control: no-store``: pages may carry
    personal data and must not stay in a browser or shared cache; a handler may set its own.
    """

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "no-referrer"
        headers["Permissions-Policy"] = PERMISSIONS_POLICY
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        if https:
            headers["Strict-Transport-Security"] = HSTS
        if not scope["path"].startswith(STATIC_PREFIX) and "cache-control" not in headers:
            headers["Cache-Control"] = "no-store"

    return add_headers


# Paths whose last part is a secret (single-use links): kept out of every log line.
_SECRET_PATH = re.compile(r"(/password/reset/|/invitations/)[^/?\s\"]+")


def scrub(text: str) -> str:
    """``text`` with the secrets of single-use links replaced by "…"."""
    return _SECRET_PATH.sub(r"\1…", text)


class ScrubSecretsFilter(logging.Filter):
    """A logging filter for access logs: no reset or invitation token reaches a log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(scrub(arg) if isinstance(arg, str) else arg for arg in record.args)
        elif isinstance(record.msg, str):
            record.msg = scrub(record.msg)
        return True


def scrub_access_log() -> None:
    """Install the filter on uvicorn's access logger (idempotent)."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(existing, ScrubSecretsFilter) for existing in access.filters):
        access.addFilter(ScrubSecretsFilter())
