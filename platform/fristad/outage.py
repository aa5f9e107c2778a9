"""PostgreSQL or Redis gone: a 503 the reader understands, never a 500 with a traceback.

The cause is outside the application, so it is logged as one line (which server, on which
path), and the page says, in the reader's language, to try again shortly. Nothing needs a
restart when the server is back: every request asks the database and Redis again (asyncpg's
pool and redis-py's replace a broken connection on the next use).
"""

from __future__ import annotations

import logging
from typing import Any

import redis.exceptions
from litestar import Request, Response
from litestar.exceptions import ServiceUnavailableException

from fristad.i18n import gettext as _
from fristad.security import scrub
from fristad.web import error_page

log = logging.getLogger("fristad.outage")
RETRY_AFTER_SECONDS = 30

# What a request meets when a server is gone: a refused or dropped connection, Redis' own
# errors, PostgreSQL shutting down or starting up.
OUTAGES: list[type[Exception]] = [
    ConnectionError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
]
try:
    from asyncpg.exceptions import OperatorInterventionError, PostgresConnectionError
except ImportError:  # pragma: no cover - SQLite-only installations
    pass
else:
    OUTAGES += [PostgresConnectionError, OperatorInterventionError]


def unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The 503 page (or API problem) for a request that met an outage."""
    server = "redis" if isinstance(exc, redis.exceptions.RedisError) else "database"
    log.warning(
        "%s unavailable on %s %s: %s",
        server,
        request.method,
        scrub(request.url.path),
        type(exc).__name__,
    )
    return error_page(
        request,
        ServiceUnavailableException(
            detail=_("Fristad is not available right now. Please try again in a minute."),
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        ),
    )


OUTAGE_HANDLERS: dict[int | type[Exception], Any] = dict.fromkeys(OUTAGES, unavailable)


class _OneLine(logging.Filter):
    """Keeps a library's warning about a server gone to one line: the exception's kind and
    message instead of a traceback every second until the server is back."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()}: {type(error).__name__}: {error}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


# asyncpg's pool retries its connections while PostgreSQL is away, warning each time.
_RETRYING_LOGGERS = ("asyncpg.pool",)


def quiet_retry_tracebacks() -> None:
    """Install the one-line filter on the loggers of libraries that retry (once per process)."""
    for name in _RETRYING_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(found, _OneLine) for found in logger.filters):
            logger.addFilter(_OneLine())
