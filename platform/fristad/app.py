"""The composition root: every app's parts, listed by name, and the Litestar application factory.

Each app's ``routes.py`` hands over a ``PARTS`` (fristad.web.AppParts): its route handlers, menu
items, template globals, jobs, cron jobs, demo and policy. This module gives them to the web
application and the template engine; ``JOBS`` goes to the worker (fristad.worker), ``APPS`` to the
demo (fristad.cli). Handlers receive the actor and the settings by dependency injection.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import cast

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.enums import ScopeType
from litestar.logging import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.prometheus import PrometheusConfig
from litestar.stores.redis import RedisStore
from litestar.stores.registry import StoreRegistry
from litestar.template.config import TemplateConfig
from litestar.types import (
    HTTPScope,
    LifeSpanReceive,
    LifeSpanScope,
    LifeSpanSend,
    Message,
    Receive,
    Scope,
    Send,
)

import accounts.routes
import beneficiaries.routes
import beneficiaries.services
import figures.routes
import grants.routes
import grants.services
import matching.routes
import matching.services
import pathways.routes
import pathways.services
import providers.routes
import shelters.routes
import shelters.services
from accounts.web import ActorMiddleware, provide_actor, provide_viewer, system_admin
from fristad import database, queue, redisconn
from fristad import jobs as fristad_jobs
from fristad.health import HealthController, MetricsController
from fristad.outage import OUTAGE_HANDLERS, quiet_retry_tracebacks
from fristad.outbox import outbox_controller
from fristad.security import scrub_access_log, security_headers
from fristad.sessions import RotatingSessionConfig
from fristad.settings import Settings, SettingsError, get_settings
from fristad.static import serve_static
from fristad.views import PageController
from fristad.web import (
    EXCEPTION_HANDLERS,
    AppParts,
    before_request,
    create_template_engine,
)
from fristad.worker import Jobs, run_in_background, stop_in_background

log = logging.getLogger("fristad")

# Every app, in dependency order: the demo of a later app finds the users of an earlier one.
APPS: tuple[AppParts, ...] = (
    accounts.routes.PARTS,
    beneficiaries.routes.PARTS,
    grants.routes.PARTS,
    shelters.routes.PARTS,
    providers.routes.PARTS,
    matching.routes.PARTS,
    pathways.routes.PARTS,
    figures.routes.PARTS,
)

# Every hold asks matching's rules (shelters may not import matching): nothing can be held that
# matching would exclude, whichever page, API call or demo holds it.
shelters.services.guard_holds_with(matching.services.HOLD_GUARD)
# An officer reads a case (with the person's consent) when their authority funds it: grants
# knows which (beneficiaries may not import grants).
beneficiaries.services.funded_cases_with(grants.services.cases_funded_by)
# A case that closes or returns home ends its holds, place and requests (beneficiaries may not
# import shelters and grants): matching tells what is open and ends it, in one transaction.
beneficiaries.services.end_open_items_with(matching.services.CASE_ENDING)
# The person's page leads with where they are: their place, beds held, requests (the same way).
beneficiaries.services.situation_with(matching.services.CASE_SITUATION)
# Withdrawing the consent to share with IOM stops the person's return plan and the partner's
# reach at once (beneficiaries may not import pathways).
beneficiaries.services.on_consent_withdrawn(pathways.services.stop_on_consent_withdrawn)
# Registering a person who may be a child starts the minors' path (pathways' case plan), in the
# registration's transaction; the region view shows beds and services (matching's).
beneficiaries.services.on_registration(pathways.services.start_minor_path)
# Erasing a person's data erases the guardian of their minors' path with it.
beneficiaries.services.on_anonymised(pathways.services.erase_guardian)
pathways.services.region_supply_with(matching.services.REGION_SUPPLY)

JOBS = Jobs(
    functions=[*fristad_jobs.FUNCTIONS, *(job for app in APPS for job in app.jobs)],
    cron_jobs=[*fristad_jobs.CRON_JOBS, *(job for app in APPS for job in app.cron_jobs)],
)


async def populate_demo() -> list[str]:
    """Each app adds its invented part of the world; returns the lines to print."""
    lines: list[str] = []
    for app in APPS:
        if app.demo is not None:
            lines += await app.demo()
    return lines


def cookie_name(settings: Settings, name: str) -> str:
    """``__Host-`` cookies are bound to this exact host and require https."""
    return f"__Host-{name}" if settings.https else name


class FristadApp(Litestar):
    """Litestar, answering HEAD for every GET route (headers of the GET, no body)."""

    async def __call__(
        self,
        scope: Scope | LifeSpanScope,
        receive: Receive | LifeSpanReceive,
        send: Send | LifeSpanSend,
    ) -> None:
        if scope["type"] == ScopeType.HTTP and cast("HTTPScope", scope)["method"] == "HEAD":
            scope = cast("HTTPScope", {**scope, "method": "GET"})
            send = _without_body(cast("Send", send))
        await super().__call__(scope, receive, send)


def _without_body(send: Send) -> Send:
    async def send_headers_only(message: Message) -> None:
        if message["type"] == "http.response.body":
            message = cast("Message", {**message, "body": b""})
        await send(message)

    return send_headers_only


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the web application.

    With ``inprocess_worker`` (the embedded mode of ``serve``) the arq worker runs inside it.
    """
    settings = settings or get_settings()
    run_worker = settings.inprocess_worker
    quiet_retry_tracebacks()
    if not settings.redis_url:
        raise SettingsError("FRISTAD_REDIS_URL: no Redis configured (serve starts an embedded one)")
    redis = redisconn.client(settings.redis_url)

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        scrub_access_log()
        await database.start()
        await queue.open_queue(settings, JOBS.names())
        worker_task = await run_in_background(settings, JOBS) if run_worker else None
        try:
            yield
        finally:
            if worker_task:
                await stop_in_background(worker_task)
            await queue.close_queue()
            await database.stop()
            await redis.aclose()

    prometheus = PrometheusConfig(app_name="fristad", prefix="fristad", group_path=True)

    return FristadApp(
        route_handlers=[
            PageController,
            HealthController,
            MetricsController,
            # Its mails hold reset and invitation links: system admins only (accounts' guard).
            outbox_controller(admin_only=system_admin),
            *(handler for app in APPS for handler in app.route_handlers),
            serve_static,
        ],
        lifespan=[lifespan],
        state=State(
            {
                "settings": settings,
                "redis": redis,
                # Stable: a page of a lower rank comes first (the coordinators' region view).
                "start_pages": sorted(
                    (start for app in APPS for start in app.start_pages), key=lambda s: s.rank
                ),
            }
        ),
        dependencies={
            "actor": Provide(provide_actor, sync_to_thread=False),
            "viewer": Provide(provide_viewer, sync_to_thread=False),
            "settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False),
            "redis": Provide(lambda: redis, use_cache=True, sync_to_thread=False),
        },
        stores=StoreRegistry(stores={"sessions": RedisStore(redis, namespace="fristad:sessions")}),
        middleware=[
            prometheus.middleware,
            RotatingSessionConfig(
                key=cookie_name(settings, "fristad_session"),
                max_age=settings.session_idle_minutes * 60,
                renew_on_access=False,  # fristad.sessions renews it, at most once a minute
                secure=settings.https,
                httponly=True,
                samesite="lax",
                store="sessions",
                exclude=["^/static/", "^/healthz", "^/readyz", "^/metrics"],
            ).middleware,
            ActorMiddleware(settings.session_absolute_hours),
        ],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name=cookie_name(settings, "fristad_csrf"),
            cookie_secure=settings.https,
            cookie_httponly=True,
            cookie_samesite="lax",
            header_name="x-csrftoken",
            exclude=["^/api/"],
        ),
        plugins=[HTMXPlugin()],
        template_config=TemplateConfig(
            instance=create_template_engine(APPS, auto_reload=settings.env == "development")
        ),
        before_request=before_request,
        before_send=[security_headers(settings.https)],
        exception_handlers={**EXCEPTION_HANDLERS, **OUTAGE_HANDLERS},
        openapi_config=OpenAPIConfig(
            title="Fristad API",
            version="1",
            description=(
                "The pages' twins for organisations' own systems, under /api/v1 (compatible "
                "within version 1). Amounts are in öre. Errors are RFC 9457 problem details "
                "with field errors; text never holds NUL (U+0000), which is a 400."
            ),
            path="/schema",
            render_plugins=[JsonRenderPlugin()],
            components=Components(
                security_schemes={
                    "BearerToken": SecurityScheme(
                        type="http",
                        scheme="bearer",
                        description="An API token from the profile page or `fristad token create`.",
                    )
                }
            ),
        ),
        logging_config=LoggingConfig(
            root={"level": settings.log_level, "handlers": ["queue_listener"]},
            log_exceptions="never",
        ),
        debug=settings.debug,
    )
