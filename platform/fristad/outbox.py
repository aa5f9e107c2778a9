"""The development outbox: e-mails written to ``<var>/outbox/`` instead of being sent.

Its messages hold password-reset and invitation links, and such a link is the credential itself:
whoever reads the outbox can become whoever a mail went to. So the pages exist only while
``FRISTAD_DEV_OUTBOX`` is on (by default only in development, never in production; otherwise 404),
and only a signed-in system admin reads them (a visitor is sent to sign in, anyone else gets 404).

fristad sits below accounts and does not know who is a system admin: the composition root builds
the controller with accounts' own guard (``outbox_controller(admin_only=system_admin)``). There is
no default and no ready-made controller class, so the pages cannot be registered unguarded.
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
from litestar.types import Guard

from fristad.mail import list_outbox, outbox_path, read_outbox
from fristad.settings import Settings


def outbox_enabled(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: with the outbox off the route answers as if it did not exist (before anyone is
    asked to sign in, so the answer does not tell whether it is on)."""
    settings: Settings = connection.app.state.settings
    if not settings.dev_outbox_enabled:
        raise NotFoundException()


def outbox_controller(*, admin_only: Guard) -> type[Controller]:
    """The outbox pages, behind ``outbox_enabled`` and then ``admin_only`` (the guard that lets
    only a signed-in system admin through)."""

    class OutboxController(Controller):
        path = "/dev/outbox"
        # In this order: a disabled outbox is a 404 for everyone.
        guards = [outbox_enabled, admin_only]
        include_in_schema = False
        # The messages carry addresses and links: never cached, whatever the app's defaults are.
        cache_control = CacheControlHeader(no_store=True)

        # Handlers run in a thread: they read files.
        @get("/", name="dev-outbox", sync_to_thread=True)
        def outbox(self, request: Request[Any, Any, Any]) -> Template:
            settings: Settings = request.app.state.settings
            return Template(
                template_name="fristad/outbox.html",
                context={
                    "messages": list_outbox(settings),
                    "directory": str(outbox_path(settings)),
                },
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
            return Template(
                template_name="fristad/outbox_message.html", context={"message": message}
            )

    return OutboxController
