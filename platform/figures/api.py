"""Figures JSON API under /api/v1 (bearer tokens): the same suppressed figures as the pages."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromQuery

from accounts.web import CurrentActor, signed_in
from figures import services
from figures.views import ProgrammeChoice, parse_period


class FiguresApi(Controller):
    path = "/api/v1/figures"
    guards = [signed_in]
    tags = ["figures"]
    security = [{"BearerToken": []}]

    @get("/network", summary="The network's figures for a programme and period (suppressed)")
    async def network(
        self,
        actor: CurrentActor,
        programme: ProgrammeChoice = None,
        start: FromQuery[str] = "",
        end: FromQuery[str] = "",
    ) -> services.Dashboard:
        return await services.dashboard(actor, programme, *parse_period(start, end))

    @get("/own", summary="The actor's organisation's own figures (suppressed)")
    async def own(
        self, actor: CurrentActor, start: FromQuery[str] = "", end: FromQuery[str] = ""
    ) -> services.OrganisationFigures:
        return await services.organisation_figures(actor, *parse_period(start, end))
