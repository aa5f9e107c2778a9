"""Input no route can take, refused before any handler or query runs (the app's before_request)."""

from __future__ import annotations

from typing import Any, NoReturn

import msgspec
from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.exceptions import ValidationException

from fristad import i18n

_ = i18n.gettext

_FORMS = (RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART)
_BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def refuse(field: str, message: str) -> NoReturn:
    """A 400 naming the field; the API lists it under ``errors``, a page shows the message."""
    raise ValidationException(detail=message, extra=[{"key": field, "message": message}])


async def refuse_malformed_input(request: Request[Any, Any, Any]) -> None:
    """Refuse, before any handler or query runs, what no route can take: a NUL character in the
    path, the query or a form's text (PostgreSQL refuses NUL in text, SQLite stores it, so only
    refusing it here makes both engines answer alike), and a JSON body that is not UTF-8, is
    nested absurdly deep or holds a NUL (the decoder's recursion error would be a 500)."""
    nul = _("This value may not contain a NUL character.")
    if "\x00" in request.scope["path"]:
        refuse("path", nul)
    for name, value in request.query_params.multi_items():
        if "\x00" in name or "\x00" in str(value):
            refuse(name.replace("\x00", ""), nul)
    if request.method not in _BODY_METHODS:
        return
    content_type = request.content_type[0]
    if content_type in _FORMS:
        for name, value in (await request.form()).multi_items():
            if "\x00" in name or (isinstance(value, str) and "\x00" in value):
                refuse(name.replace("\x00", ""), nul)
        return
    body = await request.body()
    if not body:
        return
    try:
        document = msgspec.json.decode(body)
    except RecursionError:
        refuse("body", _("The JSON body is nested too deeply."))
    except (msgspec.DecodeError, UnicodeDecodeError):
        refuse("body", _("The body is not valid JSON in UTF-8."))
    where = _nul_in(document, "")
    if where is not None:
        refuse(where or "body", nul)


def _nul_in(value: Any, where: str) -> str | None:
    """The path (``lines.0.unit``) of the first text in a JSON document holding a NUL."""
    if isinstance(value, str):
        return where if "\x00" in value else None
    children: Any = ()
    if isinstance(value, dict):
        for key in value:
            if "\x00" in key:
                return where
        children = value.items()
    elif isinstance(value, list):
        children = enumerate(value)
    for key, child in children:
        found = _nul_in(child, f"{where}.{key}" if where else str(key))
        if found is not None:
            return found
    return None
