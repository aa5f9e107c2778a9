"""Figures JSON API under /api/v1 (bearer tokens): the same suppressed figures as the pages."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from accounts.web import CurrentActor, signed_in
from figures import export, services
from figures.schemas import ExportIn
from figures.views import MEDIA_TYPES, ProgrammeChoice, Year, parse_period
from fristad.web import PROBLEMS, Id, content_disposition


class FiguresApi(Controller):
    path = "/api/v1/figures"
    guards = [signed_in]
    tags = ["figures"]
    security = [{"BearerToken": []}]

    @get(
        "/network",
        summary="The network's figures for a programme and period (suppressed)",
        responses=PROBLEMS,
        operation_id="getNetworkFigures",
    )
    async def network(
        self,
        actor: CurrentActor,
        programme: ProgrammeChoice = None,
        start: FromQuery[str] = "",
        end: FromQuery[str] = "",
    ) -> services.Dashboard:
        return await services.dashboard(actor, programme, *parse_period(start, end))

    @get(
        "/own",
        summary="The actor's organisation's own figures (suppressed)",
        responses=PROBLEMS,
        operation_id="getOwnFigures",
    )
    async def own(
        self, actor: CurrentActor, start: FromQuery[str] = "", end: FromQuery[str] = ""
    ) -> services.OrganisationFigures:
        return await services.organisation_figures(actor, *parse_period(start, end))

    @post(
        "/exports",
        summary="Ask for the network's figures as XLSX and CSV (built by a worker)",
        responses=PROBLEMS,
        operation_id="requestFiguresExport",
    )
    async def request_export(
        self, actor: CurrentActor, data: JSONBody[ExportIn]
    ) -> services.ExportRecord:
        return await services.request_export(
            actor, data.programme, *parse_period(data.start, data.end)
        )

    @get(
        "/exports/{export_id:int}",
        summary="An export's progress (percent) and state",
        responses=PROBLEMS,
        operation_id="getFiguresExport",
    )
    async def export_status(self, actor: CurrentActor, export_id: Id) -> services.ExportRecord:
        return await services.export_status(actor, export_id)

    @get(
        "/exports/{export_id:int}/{kind:str}",
        summary="A finished export: xlsx, or csv (a ZIP)",
        responses=PROBLEMS,
        operation_id="downloadFiguresExport",
    )
    async def download(
        self, actor: CurrentActor, export_id: Id, kind: FromPath[str]
    ) -> Response[bytes]:
        name, content = await services.open_export(actor, export_id, kind)
        return Response(
            content,
            media_type=MEDIA_TYPES[kind],
            headers={"Content-Disposition": content_disposition(name)},
        )

    @get(
        "/annual",
        summary="The annual report's figures for a calendar year (default: last)",
        responses=PROBLEMS,
        operation_id="getAnnualReport",
    )
    async def annual(self, actor: CurrentActor, year: FromQuery[Year] = None) -> services.Dashboard:
        return await services.annual_report(actor, year or date.today().year - 1)

    @get(
        "/annual/xlsx",
        summary="The annual report as XLSX",
        responses=PROBLEMS,
        operation_id="downloadAnnualReport",
        media_type=MEDIA_TYPES["xlsx"],
    )
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
