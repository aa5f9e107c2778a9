"""Health endpoints for load balancers and orchestrators: alive, ready, metrics."""

from __future__ import annotations

import asyncio
import hmac
from typing import Any

from litestar import Controller, Response, get
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.exceptions import PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.plugins.prometheus import PrometheusController
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from fristad import database

CHECK_TIMEOUT_SECONDS = 3


class HealthController(Controller):
    include_in_schema = False

    @get("/healthz", sync_to_thread=False)
    def alive(self) -> dict[str, str]:
        """The process answers."""
        return {"status": "ok"}

    @get("/readyz")
    async def ready(self, state: State) -> Response[dict[str, Any]]:
        """The database and Redis answer; 503 names what does not."""
        checks = {
            "database": await _probe(database.ping()),
            "redis": await _probe(state.redis.ping()),
        }
        healthy = all(result == "ok" for result in checks.values())
        return Response(
            {"status": "ok" if healthy else "unavailable", "checks": checks},
            status_code=HTTP_200_OK if healthy else HTTP_503_SERVICE_UNAVAILABLE,
        )


async def _probe(check: Any) -> str:
    try:
        await asyncio.wait_for(check, timeout=CHECK_TIMEOUT_SECONDS)
    except Exception as error:
        return f"error: {type(error).__name__}"
    return "ok"


def metrics_token_guard(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """With FRISTAD_METRICS_TOKEN set, /metrics answers only ``Authorization: Bearer <it>``."""
    expected = connection.app.state.settings.metrics_token
    if not expected:
        return
    given = connection.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise PermissionDeniedException("metrics token required")


class MetricsController(PrometheusController):
    """Prometheus metrics at /metrics (kept out of the API documentation)."""

    include_in_schema = False
    guards = [metrics_token_guard]
