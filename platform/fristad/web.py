"""Web plumbing shared by every app: templates, the page layout, locale per request, error pages."""

from __future__ import annotations

import dataclasses
import logging
import re
import typing
import unicodedata
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any, Final, TypeAlias, TypeVar
from urllib.parse import quote, urlencode

import msgspec
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Request, Response
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import PathParameter
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from redis.asyncio import Redis

from fristad import i18n, malformed
from fristad.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TooManyAttempts,
)
from fristad.schemas import Problem
from fristad.security import scrub
from fristad.settings import Settings, get_settings
from fristad.static import HTMX_VERSION, static_url

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection

log = logging.getLogger("fristad.web")
_ = i18n.gettext

# Handler parameters filled by the app-level dependencies of fristad.app (by name).
AppSettings: TypeAlias = NamedDependency[Settings]
AppRedis: TypeAlias = NamedDependency[Redis]

# A database id in a path: bounded, so an absurd number is a 400, never an overflow in a query.
Id: TypeAlias = Annotated[int, PathParameter(ge=1, le=2_147_483_647)]
MAX_PAGE = 100_000
T = TypeVar("T", bound=msgspec.Struct)

PACKAGE_DIR = Path(__file__).parent
PLATFORM_DIR = PACKAGE_DIR.parent
# htmx's own settings, read from a <meta> tag so no inline script is needed (CSP).
HTMX_CONFIG = (
    '{"historyCacheSize":0,"allowEval":false,"allowScriptTags":false,'
    '"includeIndicatorStyles":false,"selfRequestsOnly":true,'
    '"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},'
    '{"code":"422","swap":true},{"code":"[45]..","swap":false,"error":true}]}'
)


def template_directories(apps: Sequence[str]) -> list[Path]:
    """fristad's templates, then each app's: every app keeps its own under templates/<app>/."""
    return [PLATFORM_DIR / package / "templates" for package in ("fristad", *apps)]


def wants_fragment(request: Request[Any, Any, Any]) -> bool:
    """htmx asked for a piece of a page (a boosted link still gets the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not bool(htmx and htmx.boosted)


def layout(request: Request[Any, Any, Any]) -> str:
    """The template a page extends: the full layout, or the bare fragment for htmx."""
    return "fristad/fragment.html" if wants_fragment(request) else "fristad/base.html"


@dataclass(frozen=True)
class NavItem:
    """A main-menu link an app offers; ``label`` is marked with N_, ``visible`` asks the policy."""

    label: str
    href: str
    visible: Callable[[Any], bool]


@dataclass(frozen=True)
class StartPage:
    """Where a role starts after sign-in instead of the general home page (its daily work);
    ``visible`` asks the policy, like a menu item."""

    href: str
    visible: Callable[[Any], bool]
    # Pages of a lower rank are asked first (a role's more specific start page wins).
    rank: int = 0


@dataclass(frozen=True)
class AppParts:
    """What one app hands the composition root, from its ``routes.py`` (``PARTS``).

    The composition root (fristad.app) lists every app's parts by name and gives them to the web
    application, the template engine, the worker and the demo; nothing is found by string.
    """

    name: str
    # The app's policy module: importing it adds its rules to accounts.policy's table.
    policy: ModuleType | None = None
    route_handlers: Sequence[Any] = ()
    nav: Sequence[NavItem] = ()
    start_pages: Sequence[StartPage] = ()
    template_globals: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    jobs: Sequence[Any] = ()
    cron_jobs: Sequence[Any] = ()
    # Fills what is empty with invented data; returns lines to print (credentials, counts).
    demo: Callable[[], Awaitable[list[str]]] | None = None


def nav_items(nav: Sequence[NavItem], actor: Any) -> list[tuple[str, str]]:
    """The main menu for the signed-in actor: (translated label, href)."""
    if actor is None:
        return []
    return [(i18n.gettext(item.label), item.href) for item in nav if item.visible(actor)]


def create_template_engine(
    apps: Sequence[AppParts] = (), *, auto_reload: bool | None = None
) -> JinjaTemplateEngine:
    """The Jinja engine: fristad's templates and filters, then each app's templates and globals.

    Templates are compiled once and kept, except in development (``auto_reload`` None: the
    settings' env), where each render checks its file on disk for changes.
    """
    if auto_reload is None:
        auto_reload = get_settings().env == "development"
    nav = [item for app in apps for item in app.nav]
    environment = Environment(
        auto_reload=auto_reload,
        cache_size=-1,  # every template kept (a few hundred), none recompiled for want of room
        loader=FileSystemLoader(template_directories([app.name for app in apps])),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n.gettext, ngettext=i18n.ngettext, newstyle=True
    )
    # Every template here is autoescaped: the same texts, without Jinja's per-call wrapping.
    environment.globals.update(_=i18n.template_gettext, gettext=i18n.template_gettext)
    environment.filters.update(
        money=i18n.money, number=i18n.number, date=i18n.date_, datetime=i18n.datetime_
    )
    environment.globals.update(
        layout=layout,
        nav_items=lambda request: nav_items(nav, request.scope.get("user")),
        flashes=take_flashes,
        current_actor=lambda request: request.scope.get("user"),
        current_locale=i18n.active_locale,
        locales=i18n.LOCALES,
        locale_name=i18n.locale_name,
        htmx_config=HTMX_CONFIG,
        htmx_version=HTMX_VERSION,
        static_url=static_url,
    )
    for app in apps:
        environment.globals.update(app.template_globals)
    return JinjaTemplateEngine.from_environment(environment)


async def before_request(request: Request[Any, Any, Any]) -> None:
    """The app's before_request hook: the user's language, then the input checks every route
    shares (``refuse_malformed_input``)."""
    await activate_request_locale(request)
    await malformed.refuse_malformed_input(request)


async def activate_request_locale(request: Request[Any, Any, Any]) -> None:
    """Render this request in the user's language."""
    i18n.activate(i18n.resolve_locale(request))


def field_message(problem: str) -> str:
    """msgspec's account of a refused value ("Expected `str` of length <= 200") as a
    translated message that names the bound."""
    if match := re.search(r"length <= (\d+)", problem):
        return _("Enter at most %(max)s characters.") % {"max": i18n.number(int(match[1]))}
    if match := re.search(r"<= (-?\d+)", problem):
        return _("Enter a number of at most %(max)s.") % {"max": i18n.number(int(match[1]))}
    if match := re.search(r">= (-?\d+)", problem):
        return _("Enter a number of at least %(min)s.") % {"min": i18n.number(int(match[1]))}
    return _("Check this value.")


def _field_errors(exc: Exception) -> dict[str, str]:
    """A 400's messages by field: ours as they are, Litestar's (msgspec's) translated."""
    extra = getattr(exc, "extra", None) if isinstance(exc, ValidationException) else None
    if not isinstance(extra, list):
        return {}
    errors: dict[str, str] = {}
    for item in extra:
        if isinstance(item, dict) and "message" in item:
            key = str(item.get("key") or "body")
            message = str(item["message"])
            errors[key] = message if item.get("source") is None else field_message(message)
    return errors


def _is_api(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    return connection.url.path.startswith("/api/")


_DOMAIN_STATUS: dict[type[Exception], int] = {
    NotFound: 404,
    PermissionDenied: 403,
    Conflict: 409,
    InvalidInput: 422,
    TooManyAttempts: 429,
}


def _status_of(exc: Exception) -> int:
    if isinstance(exc, HTTPException):
        return exc.status_code
    for kind, status in _DOMAIN_STATUS.items():
        if isinstance(exc, kind):
            return status
    return HTTP_500_INTERNAL_SERVER_ERROR


def _message_of(exc: Exception) -> str:
    """Text safe to show: a domain error's translated message, never an exception's internals."""
    if isinstance(exc, PermissionDenied | Conflict | InvalidInput):
        return exc.message
    errors = _field_errors(exc)
    return "; ".join(f"{field}: {message}" for field, message in errors.items())


def form_errors(error: DomainError) -> dict[str, str]:
    """A refused form's messages by field ('' for the form as a whole), for ``page(errors=…)``."""
    if isinstance(error, InvalidInput):
        return error.errors
    return {"": error.message}


def as_list(value: list[str] | str | None) -> list[str]:
    """A form field that may arrive once (a string) or repeated (a list) as a list."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def error_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """HTTP and domain errors (and 500) as a page in the user's language; JSON for the API.

    Routing errors reach this before any route hook has run, so the locale is set here too.
    """
    status = _status_of(exc)
    if status == HTTP_500_INTERNAL_SERVER_ERROR:
        log.exception(
            "unhandled error on %s %s", request.method, scrub(request.url.path), exc_info=exc
        )
    headers = dict(getattr(exc, "headers", None) or {})
    if isinstance(exc, TooManyAttempts):
        headers["Retry-After"] = str(exc.retry_after)
    i18n.activate(i18n.resolve_locale(request))
    if _is_api(request):
        return Response(
            _problem(exc, status), status_code=status, media_type=PROBLEM_JSON, headers=headers
        )
    if status == 401:
        return _to_sign_in(request)
    return Template(
        template_name="fristad/error.html",
        context={"status_code": status, "message": _message_of(exc)},
        status_code=status,
        headers=headers,
    )


PROBLEM_JSON = "application/problem+json"
_PROBLEM_STATUSES = {
    400: "Malformed request: a parameter or the body does not fit its schema",
    401: "No valid API token",
    403: "The token's role or scope does not allow this",
    404: "No such object within the token's reach",
    409: "The action collides with the object's current state",
    422: "Refused input, with a message per field",
    429: "Too many attempts; see Retry-After",
}
# Every API operation's error answers, as problem details (RFC 9457), for OpenAPI.
PROBLEMS: Final = {
    status: ResponseSpec(Problem, description=description, media_type=PROBLEM_JSON)
    for status, description in _PROBLEM_STATUSES.items()
}


def _problem(exc: Exception, status: int) -> Problem:
    """An API error's body: its field messages, and a detail that names them."""
    detail = _api_detail(exc, status)
    errors = exc.errors if isinstance(exc, InvalidInput) else _field_errors(exc)
    if errors and not isinstance(exc, InvalidInput) and detail not in errors.values():
        detail = f"{detail}: {_message_of(exc)}"  # Litestar's "Validation failed for …"
    title = HTTPStatus(status).phrase
    return Problem(type="about:blank", title=title, status=status, detail=detail, errors=errors)


def _api_detail(exc: Exception, status: int) -> str:
    if status == HTTP_500_INTERNAL_SERVER_ERROR:
        return "Internal error"
    if isinstance(exc, HTTPException):
        return str(exc.detail)
    return _message_of(exc) or {404: "Not found", 422: "Invalid input"}.get(status, "Error")


def _to_sign_in(request: Request[Any, Any, Any]) -> Response[Any]:
    target = "/sign-in?" + urlencode({"next": request.url.path})
    if wants_fragment(request):
        return Response(content=None, status_code=204, headers={"HX-Redirect": target})
    return Redirect(path=target, status_code=303)


def value_out_of_range(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The backstop for a value a bound in the schemas missed: the database refused it
    (PostgreSQL's DataError: out of range, too long, NUL; SQLite's OverflowError past 2^63).
    The transaction has rolled back; the client sent something no column holds: a 400."""
    log.warning(
        "value refused by the database on %s %s: %s",
        request.method,
        scrub(request.url.path),
        type(exc).__name__,
    )
    message = _("A value is too large or too long.")
    refused = ValidationException(detail=message, extra=[{"key": "", "message": message}])
    return error_page(request, refused)


EXCEPTION_HANDLERS: dict[int | type[Exception], Any] = {
    NotFoundException: error_page,
    HTTPException: error_page,
    DomainError: error_page,
    OverflowError: value_out_of_range,
    HTTP_500_INTERNAL_SERVER_ERROR: error_page,
}
try:
    from asyncpg.exceptions import DataError as PostgresDataError
except ImportError:  # pragma: no cover - SQLite-only installations
    pass
else:
    EXCEPTION_HANDLERS[PostgresDataError] = value_out_of_range


# --- helpers for views ---------------------------------------------------------------------

FLASH_KEY = "flash"


def session_data(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The request's session as a dict (empty when there is none or it was just cleared)."""
    session = request.scope.get("session")
    return session if isinstance(session, dict) else {}


def flash(request: Request[Any, Any, Any], message: str, kind: str = "ok") -> None:
    """A notice shown on the next page (after a redirect); kept in the server-side session."""
    session = session_data(request)
    messages = [*session.get(FLASH_KEY, []), {"text": message, "kind": kind}]
    request.set_session({**session, FLASH_KEY: messages})


def take_flashes(request: Request[Any, Any, Any]) -> list[dict[str, str]]:
    session = request.scope.get("session")
    if not session or not isinstance(session, dict) or FLASH_KEY not in session:
        return []
    messages: list[dict[str, str]] = session.pop(FLASH_KEY)
    return messages


def page(
    template_name: str,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """Render a page (or, for htmx, its fragment); ``errors`` are field messages, shown with 422."""
    if errors:
        status_code = 422
    return Template(
        template_name=template_name,
        context={"errors": errors or {}, **context},
        status_code=status_code,
    )


def safe_local_path(path: str | None) -> str:
    """Only a path on this site may be the target of a redirect (no open redirect)."""
    if path and path.startswith("/") and not path.startswith(("//", "/\\")):
        return path
    return "/"


def _bare(hint: Any) -> Any:
    """The type without its ``Annotated`` constraints."""
    return typing.get_args(hint)[0] if typing.get_origin(hint) is typing.Annotated else hint


def _is_list(hint: Any) -> bool:
    return typing.get_origin(_bare(hint)) is list or str(hint).startswith("list[")


def _numbers(list_type: Any) -> bool:
    """Is this a list of integers (``list[int]``, ``list[Annotated[int, ...]]``)?"""
    return _bare((typing.get_args(_bare(list_type)) or (None,))[0]) is int


async def parse_form(request: Request[Any, Any, Any], struct: type[T]) -> T:
    """A submitted form as a msgspec Struct: repeated fields fill list fields, empty fields
    take the default; a value of the wrong kind is an InvalidInput naming its field."""
    form = await request.form()
    values: dict[str, Any] = {}
    for field in msgspec.structs.fields(struct):
        if field.name not in form:
            continue
        if _is_list(field.type):
            # Ticked boxes, multiple selects and inputs sharing a name repeat the field; a text
            # field of numbers may list several separated by spaces ("3 7").
            values[field.name] = [
                part
                for value in form.getall(field.name)
                for part in (str(value).split() if _numbers(field.type) else [str(value)])
            ]
            continue
        value = form.get(field.name)
        if value == "" and field.default is not msgspec.NODEFAULT:
            continue
        values[field.name] = value
    try:
        return msgspec.convert(values, type=struct, strict=False)
    except msgspec.ValidationError as error:
        field_name = str(error).rsplit("$.", 1)[-1].split("[", 1)[0].rstrip("`")
        raise InvalidInput({field_name: field_message(str(error))}) from None


_NOT_IN_QUOTED_ASCII = re.compile(r'[^\x20-\x7e]|["\\%;]')


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """A Content-Disposition header for any file name (RFC 6266): the exact name as RFC 5987
    ``filename*`` (UTF-8, percent-encoded) and an ASCII ``filename`` for clients without it.

    Headers are Latin-1: a name such as ``паспорт.pdf`` cannot go into ``filename="…"`` as it is.
    (Litestar's File response does the encoding, but only for files on disk, without a fallback.)
    """
    decomposed = unicodedata.normalize("NFKD", filename)
    ascii_name = "".join(char for char in decomposed if not unicodedata.combining(char))
    fallback = re.sub(r"_+", "_", _NOT_IN_QUOTED_ASCII.sub("_", ascii_name)).strip() or "file"
    if fallback == filename:
        return f'{disposition}; filename="{filename}"'
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


async def kept_input(request: Request[Any, Any, Any], struct: type[T]) -> T:
    """The submitted form as ``struct`` to show again after a refusal: each field converted
    where it can be, else kept as the user typed it (a non-numeric age stays "tre", and the
    rest of the form is not lost). Only for re-rendering: its values are not validated."""
    form = await request.form()
    kept: dict[str, Any] = {}
    for field in msgspec.structs.fields(struct):
        if field.name not in form:
            continue
        raw: Any = (
            [part for value in form.getall(field.name) for part in str(value).split()]
            if _is_list(field.type)
            else form.get(field.name)
        )
        try:
            kept[field.name] = msgspec.convert(raw, type=field.type, strict=False)
        except msgspec.ValidationError:
            kept[field.name] = raw
    # msgspec does not check types on construction: the fields that did not convert hold text.
    return struct(**kept)


def see_other(request: Request[Any, Any, Any], path: str) -> Response[Any]:
    """Go to ``path`` after a successful form: a 303 redirect, or for htmx an HX-Redirect (an
    XHR would follow a 303 itself and swap the wrong page into the form)."""
    if request.headers.get("hx-request") == "true":
        return Response(content=None, status_code=200, headers={"HX-Redirect": path})
    return Redirect(path=path, status_code=303)
