"""The development outbox: e-mails written to ``<var>/outbox/`` instead of being sent.

Only in ``FRISTAD_ENV=development``; everywhere else the pages do not exist (404).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.connection import ASGIConnection
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import NotFoundException
from litestar.handlers import BaseRouteHandler
from litestar.params import FromPath
from litestar.response import Template

from fristad.mail import list_outbox, outbox_path, read_outbox
from fristad.settings import Settings


def development_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: outside development the route answers as if it did not exist."""
    settings: Settings = connection.app.state.settings
    if settings.env != "development":
        raise NotFoundException()


class OutboxController(Controller):
    path = "/dev/outbox"
    guards = (development_only,)
    include_in_schema = False
    # The messages carry addresses: never cached, whatever the app's defaults are.
    cache_control = CacheControlHeader(no_store=True)

    # Handlers run in a thread: they read files.
    @get("/", name="dev-outbox", sync_to_thread=True)
    def outbox(self, request: Request[Any, Any, Any]) -> Template:
        settings: Settings = request.app.state.settings
        return Template(
            template_name="fristad/outbox.html",
            context={"messages": list_outbox(settings), "directory": str(outbox_path(settings))},
        )

    # Not {name}: url_for's and route_reverse's own first parameter is called name.
    @get("/{file_name:str}", name="dev-outbox-message", sync_to_thread=True)
    def message(self, request: Request[Any, Any, Any], file_name: FromPath[str]) -> Template:
        try:
            message = read_outbox(request.app.state.settings, file_name)
        except ValueError:
            message = None
        if message is None:
            raise NotFoundException()
        return Template(template_name="fristad/outbox_message.html", context={"message": message})
