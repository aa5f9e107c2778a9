"""Figures pages: the officers' dashboard and an organisation's own figures. A changed period
swaps the figures in place (htmx) and keeps its address in the browser's history."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, TypeAlias

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template

from accounts.web import CurrentActor, permitted
from figures import export, services
from figures.schemas import ExportForm
from fristad.errors import InvalidInput
from fristad.i18n import gettext as _
from fristad.web import Id, content_disposition, page, parse_form

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "application/zip",
}

# A programme chosen by id in the query: bounded like every id.
ProgrammeChoice: TypeAlias = Annotated[int | None, Parameter(ge=1, le=2_147_483_647)]
Year: TypeAlias = Annotated[int | None, Parameter(ge=2000, le=2100)]


def parse_programme(text: str) -> int | None:
    """A chosen programme's id ('' = the default); anything else is the form's error."""
    if not text.strip():
        return None
    if not text.strip().isdigit() or not 0 < int(text) <= 2_147_483_647:
        raise InvalidInput({"programme": _("Choose a programme.")})
    return int(text)


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

    @post("/exports", guards=[permitted("figures.network")])
    async def request_export(
        self, request: Request[Any, Any, Any], actor: CurrentActor
    ) -> Template:
        form = await parse_form(request, ExportForm)
        try:
            export = await services.request_export(
                actor, parse_programme(form.programme), *parse_period(form.start, form.end)
            )
        except InvalidInput as error:
            return page("figures/partials/export.html", export=None, errors=error.errors)
        return page("figures/partials/export.html", export=export)

    @get("/exports/{export_id:int}", guards=[permitted("figures.network")])
    async def export_status(self, actor: CurrentActor, export_id: Id) -> Template:
        """The export's progress (htmx polls it until it is done)."""
        export = await services.export_status(actor, export_id)
        return page("figures/partials/export.html", export=export)

    @get("/exports/{export_id:int}/{kind:str}", guards=[permitted("figures.network")])
    async def download(
        self, actor: CurrentActor, export_id: Id, kind: FromPath[str]
    ) -> Response[bytes]:
        name, content = await services.open_export(actor, export_id, kind)
        return Response(
            content,
            media_type=MEDIA_TYPES[kind],
            headers={"Content-Disposition": content_disposition(name)},
        )

    @get("/annual", guards=[permitted("figures.network")])
    async def annual(self, actor: CurrentActor, year: FromQuery[Year] = None) -> Template:
        """The annual report, printable (last year's by default)."""
        chosen = year or date.today().year - 1
        figures = await services.annual_report(actor, chosen)
        return page("figures/annual.html", figures=figures, year=chosen)

    @get("/annual/xlsx", guards=[permitted("figures.network")])
    async def annual_xlsx(
        self, actor: CurrentActor, year: FromQuery[Year] = None
    ) -> Response[bytes]:
        year = year or date.today().year - 1
        figures = await services.annual_report(actor, year)
        await services.record_annual_export(actor, year)
        return Response(
            export.as_xlsx(export.sheets(figures)),
            media_type=MEDIA_TYPES["xlsx"],
            headers={"Content-Disposition": content_disposition(f"annual-report-{year}.xlsx")},
        )
