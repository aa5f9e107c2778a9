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
