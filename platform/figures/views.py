"""Figures pages: the officers' dashboard and an organisation's own figures. A changed period
swaps the figures in place (htmx) and keeps its address in the browser's history."""

from __future__ import annotations

from datetime import date
from typing import Annotated, TypeAlias

from litestar import Controller, get
from litestar.params import FromQuery, Parameter
from litestar.response import Template

from accounts.web import CurrentActor, permitted
from figures import services
from fristad.errors import InvalidInput
from fristad.i18n import gettext as _
from fristad.web import page

# A programme chosen by id in the query: bounded like every id.
ProgrammeChoice: TypeAlias = Annotated[int | None, Parameter(ge=1, le=2_147_483_647)]


def parse_period(start: str, end: str) -> tuple[date | None, date | None]:
    """The typed first and last day ('' = the default); a bad date is the form's error."""
    errors: dict[str, str] = {}
    days: list[date | None] = []
    for name, text in (("start", start), ("end", end)):
        try:
            days.append(date.fromisoformat(text.strip()) if text.strip() else None)
        except ValueError:
            errors[name] = _("Enter a date (YYYY-MM-DD).")
            days.append(None)
    if errors:
        raise InvalidInput(errors)
    return days[0], days[1]


class FiguresController(Controller):
    path = "/figures"
    include_in_schema = False

    @get("/", guards=[permitted("figures.network")])
    async def dashboard(
        self,
        actor: CurrentActor,
        programme: ProgrammeChoice = None,
        start: FromQuery[str] = "",
        end: FromQuery[str] = "",
    ) -> Template:
        typed = {"programme": programme, "start": start, "end": end}
        try:
            figures = await services.dashboard(actor, programme, *parse_period(start, end))
        except InvalidInput as error:
            figures = await services.dashboard(actor, programme)
            return page("figures/dashboard.html", figures=figures, typed=typed, errors=error.errors)
        return page("figures/dashboard.html", figures=figures, typed=typed)

    @get("/own", guards=[permitted("figures.organisation")])
    async def own(
        self, actor: CurrentActor, start: FromQuery[str] = "", end: FromQuery[str] = ""
    ) -> Template:
        typed = {"start": start, "end": end}
        try:
            figures = await services.organisation_figures(actor, *parse_period(start, end))
        except InvalidInput as error:
            figures = await services.organisation_figures(actor)
            return page("figures/own.html", figures=figures, typed=typed, errors=error.errors)
        return page("figures/own.html", figures=figures, typed=typed)
