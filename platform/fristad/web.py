"""Web plumbing shared by every app: templates, the page layout, locale per request, error pages."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotFoundException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from fristad import i18n
from fristad.database import APPS

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection

log = logging.getLogger("fristad.web")

PACKAGE_DIR = Path(__file__).parent
PLATFORM_DIR = PACKAGE_DIR.parent
HTMX_VERSION = "2.0.3"
# htmx's own settings, read from a <meta> tag so no inline script is needed (CSP).
HTMX_CONFIG = (
    '{"historyCacheSize":0,"allowEval":false,"allowScriptTags":false,'
    '"includeIndicatorStyles":false,"selfRequestsOnly":true,'
    '"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},'
    '{"code":"422","swap":true},{"code":"[45]..","swap":false,"error":true}]}'
)


def template_directories() -> list[Path]:
    """fristad's templates, then each app's: every app keeps its own under templates/<app>/."""
    return [PLATFORM_DIR / package / "templates" for package in ("fristad", *APPS)]


def wants_fragment(request: Request[Any, Any, Any]) -> bool:
    """htmx asked for a piece of a page (a boosted link still gets the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not bool(htmx and htmx.boosted)


def layout(request: Request[Any, Any, Any]) -> str:
    """The template a page extends: the full layout, or the bare fragment for htmx."""
    return "fristad/fragment.html" if wants_fragment(request) else "fristad/base.html"


def create_template_engine() -> JinjaTemplateEngine:
    environment = Environment(
        loader=FileSystemLoader(template_directories()),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n.gettext, ngettext=i18n.ngettext, newstyle=True
    )
    environment.filters.update(
        money=i18n.money, number=i18n.number, date=i18n.date_, datetime=i18n.datetime_
    )
    environment.globals.update(
        layout=layout,
        current_locale=i18n.active_locale,
        locales=i18n.LOCALES,
        locale_name=i18n.locale_name,
        htmx_config=HTMX_CONFIG,
        htmx_version=HTMX_VERSION,
    )
    return JinjaTemplateEngine.from_environment(environment)


async def activate_request_locale(request: Request[Any, Any, Any]) -> None:
    """before_request hook: render this request in the user's language."""
    i18n.activate(i18n.resolve_locale(request))


def _is_api(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    return connection.url.path.startswith("/api/")


def error_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """404, 403 and the other HTTP errors (and 500) as a page in the user's language.

    Routing errors reach this before any route hook has run, so the locale is set here too.
    API requests get a JSON body instead.
    """
    status = exc.status_code if isinstance(exc, HTTPException) else HTTP_500_INTERNAL_SERVER_ERROR
    if status >= 500:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    headers = getattr(exc, "headers", None) or {}
    if _is_api(request):
        detail = exc.detail if isinstance(exc, HTTPException) and status < 500 else "Internal error"
        return Response(
            {"status_code": status, "detail": detail},
            status_code=status,
            media_type=MediaType.JSON,
            headers=headers,
        )
    i18n.activate(i18n.resolve_locale(request))
    return Template(
        template_name="fristad/error.html",
        context={"status_code": status},
        status_code=status,
        headers=headers,
    )


EXCEPTION_HANDLERS: dict[int | type[Exception], Any] = {
    NotFoundException: error_page,
    HTTPException: error_page,
    HTTP_500_INTERNAL_SERVER_ERROR: error_page,
}
