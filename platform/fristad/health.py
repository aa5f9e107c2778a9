"""Health endpoints for load balancers and orchestrators: alive, ready, metrics."""

from __future__ import annotations

import asyncio
import hmac
from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Response, get
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.exceptions import PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.plugins.prometheus import PrometheusController
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from fristad import database
from fristad.jobs import Heartbeat, heartbeat_fresh_seconds, read_heartbeat
from fristad.settings import Settings

CHECK_TIMEOUT_SECONDS = 3


class HealthController(Controller):
    include_in_schema = False

    @get("/healthz", sync_to_thread=False)
    def alive(self) -> dict[str, str]:
        """The process answers."""
        return {"status": "ok"}

    @get("/readyz")
    async def ready(self, state: State) -> Response[dict[str, Any]]:
        """The database and Redis answer; 503 names what does not. ``worker`` says whether a
        worker's heartbeat is fresh: this process is unready without one only when it runs the
        worker itself (embedded), as web processes serve on while a separate worker is down."""
        settings: Settings = state.settings
        checks = {
            "database": await _probe(database.ping()),
            "redis": await _probe(state.redis.ping()),
            "worker": await _probe(_worker_alive(state.redis, settings)),
        }
        essential = ["database", "redis", *(["worker"] if settings.inprocess_worker else [])]
        healthy = all(checks[name] == "ok" for name in essential)
        status = "ok" if all(result == "ok" for result in checks.values()) else "degraded"
        return Response(
            {"status": status if healthy else "unavailable", "checks": checks},
            status_code=HTTP_200_OK if healthy else HTTP_503_SERVICE_UNAVAILABLE,
        )


async def _worker_alive(redis: Any, settings: Settings) -> None:
    if worker_gone(await read_heartbeat(redis), settings):
        raise WorkerGone(f"no heartbeat in the last {heartbeat_fresh_seconds(settings)} s")


class WorkerGone(Exception):
    """No worker has recorded a fresh heartbeat."""


def worker_gone(beat: Heartbeat | None, settings: Settings) -> bool:
    """Whether ``beat`` (the newest heartbeat) is missing or too old for a running worker."""
    if beat is None:
        return True
    age = (datetime.now(UTC) - beat.at).total_seconds()
    return age > heartbeat_fresh_seconds(settings)


async def _probe(check: Any) -> str:
    try:
        await asyncio.wait_for(check, timeout=CHECK_TIMEOUT_SECONDS)
    except WorkerGone as gone:
        return f"error: {gone}"
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
