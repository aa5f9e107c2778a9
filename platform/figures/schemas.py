"""Figures' forms and API bodies (msgspec, bounded types from fristad.schemas)."""

from __future__ import annotations

import msgspec

from fristad.schemas import Code, DbId


class ExportForm(msgspec.Struct):
    """The export form, as typed (the period's dates are checked by the view)."""

    programme: Code = ""
    start: Code = ""
    end: Code = ""


class ExportIn(msgspec.Struct):
    """An export by API: the programme (default: the programme year running, or the newest)
    and the period (ISO dates; default: the programme's)."""

    programme: DbId | None = None
    start: Code = ""
    end: Code = ""
