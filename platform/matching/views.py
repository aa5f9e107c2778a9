"""Help now on the person's page (htmx; a page of its own without JavaScript), holding a matched
bed with its support request, and the funding link shown beside a request and a placement."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery, QueryParameter
from litestar.response import Response, Template

from accounts.domain import Actor
from accounts.web import CurrentActor, permitted
from fristad.errors import Conflict, InvalidInput, PermissionDenied
from fristad.i18n import gettext as _
from fristad.regions import POLICE_REGIONS
from fristad.settings import Settings
from fristad.web import AppSettings, Id, flash, form_errors, page, parse_form, see_other
from matching import services
from matching.schemas import HoldForm, ReserveServiceForm


def _filters(region: str, stale: str, nights: int) -> services.MatchFilters:
    return services.MatchFilters(
        region=region if region in POLICE_REGIONS else "",
        include_stale=stale != "0",
        nights=nights,
    )


async def _panel(
    actor: Actor,
    settings: Settings,
    beneficiary_id: int,
    filters: services.MatchFilters,
    errors: dict[str, str] | None = None,
) -> Template:
    found = await services.help_now(actor, beneficiary_id, filters, settings)
    return page(
        "matching/help_now.html",
        found=found,
        funding_links=await services.funding_of_case(actor, beneficiary_id),
        service_links=await services.service_funding_of_case(actor, beneficiary_id),
        # One key per rendering (with the service's id in the form): a double-submitted form
        # finds the first reservation instead of refusing the second.
        reserve_key=secrets.token_urlsafe(12),
        alerts=await services.alerts_of_case(actor, beneficiary_id),
        service_alerts=await services.service_alerts_of_case(actor, beneficiary_id),
        service_needs=await services.services_now(actor, beneficiary_id, settings),
        regions=POLICE_REGIONS,
        errors=errors,
    )


class HelpNowController(Controller):
    """Help now for a person, and acting on a match."""

    path = "/beneficiaries/{beneficiary_id:int}/help-now"
    guards = [permitted("match.read")]
    include_in_schema = False

    @get("/", name="help_now")
    async def help_now(
        self,
        actor: CurrentActor,
        settings: AppSettings,
        beneficiary_id: Id,
        region: FromQuery[str] = "",
        stale: FromQuery[str] = "1",
        nights: Annotated[int, QueryParameter(ge=1, le=services.MAX_NIGHTS)] = (
            services.DEFAULT_NIGHTS
        ),
    ) -> Template:
        return await _panel(actor, settings, beneficiary_id, _filters(region, stale, nights))

    @post("/hold", guards=[permitted("match.act")])
    async def hold(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        settings: AppSettings,
        beneficiary_id: Id,
    ) -> Template | Response[Any]:
        """Hold the bed and open the pre-filled support request, then go to the draft."""
        try:
            form = await parse_form(request, HoldForm)
            held = await services.hold_and_apply(
                actor, beneficiary_id, form.category_id, form.nights, settings
            )
        except (InvalidInput, Conflict, PermissionDenied) as error:
            return await _panel(
                actor,
                settings,
                beneficiary_id,
                services.MatchFilters(),
                errors=form_errors(error),
            )
        flash(
            request,
            _("The bed is held. Check the support request for it and submit it."),
        )
        return see_other(request, f"/grants/requests/{held.support_request_id}/edit")

    @post("/reserve", guards=[permitted("match.act")])
    async def reserve(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        settings: AppSettings,
        beneficiary_id: Id,
    ) -> Template | Response[Any]:
        """Reserve the service and open the pre-filled support request, then go to the draft."""
        try:
            form = await parse_form(request, ReserveServiceForm)
            reserved = await services.reserve_and_apply(
                actor,
                beneficiary_id,
                form.service_id,
                settings,
                units=form.units,
                matter=form.matter or None,
                idempotency_key=form.idempotency_key or None,
            )
        except (InvalidInput, Conflict, PermissionDenied) as error:
            return await _panel(
                actor,
                settings,
                beneficiary_id,
                services.MatchFilters(),
                errors=form_errors(error),
            )
        flash(
            request,
            _("The service is reserved. Check the support request for it and submit it."),
        )
        return see_other(request, f"/grants/requests/{reserved.support_request_id}/edit")


class FundingController(Controller):
    """The funding link beside a support request and a placement (htmx fragments)."""

    path = "/matching/funding"
    include_in_schema = False

    @get("/requests/{request_id:int}", guards=[permitted("funding.read")])
    async def of_request(self, actor: CurrentActor, request_id: Id) -> Template:
        funding = await services.funding_of_request(actor, request_id)
        service_funding = (
            None if funding else await services.service_funding_of_request(actor, request_id)
        )
        return page(
            "matching/partials/funding.html",
            funding=funding,
            service_funding=service_funding,
            side="request",
        )

    @get("/placements/{placement_id:int}", guards=[permitted("funding.read")])
    async def of_placement(self, actor: CurrentActor, placement_id: Id) -> Template:
        funding = await services.funding_of_placement(actor, placement_id)
        # A placement comes from a bed hold only: no service reservation beside it.
        return page(
            "matching/partials/funding.html",
            funding=funding,
            service_funding=None,
            side="placement",
        )
