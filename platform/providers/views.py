"""Providers pages: the directory of services, reserving for a case, the caseworker's
reservations, and the provider's own page (capacity in a click, reservations to answer).

Each capacity change and "still correct" is an htmx request answered with the service's row;
without JavaScript the same forms post and redirect back.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Template

from accounts.domain import Actor
from accounts.policy import has_permission
from accounts.web import CurrentActor, permitted, signed_in
from beneficiaries import services as beneficiaries
from fristad.errors import Conflict, InvalidInput, NotFound
from fristad.i18n import gettext as _
from fristad.schemas import whole_number
from fristad.settings import Settings
from fristad.web import (
    AppSettings,
    Id,
    as_list,
    flash,
    form_errors,
    page,
    see_other,
    wants_fragment,
)
from providers import services
from providers.domain import SERVICE_KINDS
from providers.schemas import (
    CapacityForm,
    ReasonForm,
    ReserveForm,
    SearchForm,
    ServiceDetailsForm,
    ServiceForm,
    ore_of_kronor,
)

Form = Body(media_type=RequestEncodingType.URL_ENCODED)


def _can_reserve(actor: Actor) -> bool:
    return bool(has_permission(actor, "reservation.create"))


class DirectoryController(Controller):
    """The directory of services and the caseworker's reservations."""

    path = "/providers"
    guards = [signed_in, permitted("service.directory")]
    include_in_schema = False

    @get("/", name="provider_directory")
    async def directory(
        self,
        actor: CurrentActor,
        text: FromQuery[str] = "",
        kind: FromQuery[str] = "",
        region: FromQuery[str] = "",
        language: FromQuery[str] = "",
    ) -> Template:
        search = SearchForm(
            text=text[:200],
            kind=kind if kind in SERVICE_KINDS else "",
            region=region[:30],
            language=language.strip().lower()[:3],
        )
        found = await services.directory(
            actor,
            services.DirectoryFilters(search.text, search.kind, search.region, search.language),
        )
        return page(
            "providers/directory.html",
            services=found,
            search=search,
            can_reserve=_can_reserve(actor),
        )

    @get("/reservations", name="provider_reservations", guards=[permitted("reservation.create")])
    async def reservations(self, actor: CurrentActor) -> Template:
        return page(
            "providers/reservations.html",
            reservations=await services.reservations_of_organisation(actor),
        )

    @get("/services/{service_id:int}/reserve", guards=[permitted("reservation.create")])
    async def reserve_form(self, actor: CurrentActor, service_id: Id) -> Template:
        return await _reserve_page(actor, service_id, ReserveForm())

    @post("/services/{service_id:int}/reserve", guards=[permitted("reservation.create")])
    async def reserve(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        service_id: Id,
        data: Annotated[ReserveForm, Form],
    ) -> Template | Response[Any]:
        try:
            units = whole_number(data.units, maximum=10_000)
            if units is None:
                raise InvalidInput({"units": _("Enter a whole number.")})
            beneficiary_id = await beneficiaries.case_id_by_code(actor, data.code)
            await services.reserve_service(
                actor,
                service_id,
                beneficiary_id,
                units=units,
                matter=data.matter or None,
                idempotency_key=data.idempotency_key,
            )
        except (InvalidInput, Conflict) as error:
            return await _reserve_page(actor, service_id, data, errors=form_errors(error))
        flash(request, _("The service is reserved. The provider has been asked to answer."))
        return see_other(request, "/providers/reservations")

    @post("/reservations/{reservation_id:int}/release")
    async def release(
        self, request: Request[Any, Any, Any], actor: CurrentActor, reservation_id: Id
    ) -> Response[Any]:
        await services.release_reservation(actor, reservation_id)
        flash(request, _("The reservation has been released."))
        return see_other(request, "/providers/reservations")


async def _reserve_page(
    actor: Actor, service_id: int, form: ReserveForm, errors: dict[str, str] | None = None
) -> Template:
    service = await services.get_service(actor, service_id)
    if not form.idempotency_key:
        form.idempotency_key = secrets.token_urlsafe(16)
    return page("providers/reserve.html", service=service, form=form, errors=errors)


class ProviderController(Controller):
    """A provider's own staff: capacity current in a click or two, reservations answered."""

    path = "/providers/operate"
    guards = [signed_in, permitted("provider.operate")]
    include_in_schema = False

    @get("/", name="provider_operate")
    async def index(self, actor: CurrentActor, settings: AppSettings) -> Template:
        return await _operate_page(actor, settings, ServiceForm())

    @post("/services")
    async def create_service(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        settings: AppSettings,
        data: Annotated[ServiceForm, Form],
    ) -> Template | Response[Any]:
        try:
            await services.create_service(
                actor,
                actor.organisation_id or 0,
                services.ServiceData(
                    kind=data.kind,
                    capacity_unit=data.capacity_unit,
                    maximum=_count(data.maximum),
                    **asdict(_details(data)),
                ),
            )
        except InvalidInput as error:
            return await _operate_page(actor, settings, data, errors=_service_errors(error))
        flash(request, _("The service is registered."))
        return see_other(request, "/providers/operate/")

    @get("/services/{service_id:int}/details", name="provider_service_details")
    async def details_form(self, actor: CurrentActor, service_id: Id) -> Template:
        service = await services.get_service(actor, service_id)
        if not has_permission(actor, "service.edit", service.provider_id):
            raise NotFound
        return _details_page(service, _form_of(service))

    @post("/services/{service_id:int}/details")
    async def update_details(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        service_id: Id,
        data: Annotated[ServiceDetailsForm, Form],
    ) -> Template | Response[Any]:
        try:
            await services.update_service(
                actor, service_id, _details(data), version=data.version or None
            )
        except (InvalidInput, Conflict) as error:
            service = await services.get_service(actor, service_id)
            return _details_page(service, data, errors=_service_errors(error))
        flash(request, _("The service's registration is saved."))
        return see_other(request, "/providers/operate/")

    @post("/services/{service_id:int}/capacity")
    async def set_capacity(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        settings: AppSettings,
        service_id: Id,
        data: Annotated[CapacityForm, Form],
    ) -> Template | Response[Any]:
        try:
            service = await services.set_capacity(
                actor,
                service_id,
                available=_count(data.available),
                maximum=_count(data.maximum),
                version=data.version,
            )
            notice = _("Saved: %(available)s available.") % {"available": _available(service)}
            kind = "ok"
        except (InvalidInput, Conflict) as error:
            service = await services.get_service(actor, service_id)
            notice, kind = " ".join(form_errors(error).values()), "error"
        return _service_answer(request, settings, service, notice, kind)

    @post("/services/{service_id:int}/confirm")
    async def confirm(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        settings: AppSettings,
        service_id: Id,
    ) -> Template | Response[Any]:
        service = await services.confirm_capacity(actor, service_id)
        return _service_answer(request, settings, service, _("Confirmed as still correct."), "ok")

    @post("/reservations/{reservation_id:int}/accept")
    async def accept(
        self, request: Request[Any, Any, Any], actor: CurrentActor, reservation_id: Id
    ) -> Response[Any]:
        try:
            await services.accept_reservation(actor, reservation_id)
            flash(request, _("The reservation is accepted."))
        except Conflict as error:
            flash(request, error.message, "error")
        return see_other(request, "/providers/operate/")

    @post("/reservations/{reservation_id:int}/decline")
    async def decline(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        reservation_id: Id,
        data: Annotated[ReasonForm, Form],
    ) -> Response[Any]:
        try:
            await services.decline_reservation(actor, reservation_id, data.reason)
            flash(request, _("The reservation is declined; the capacity is available again."))
        except (InvalidInput, Conflict) as error:
            flash(request, " ".join(form_errors(error).values()), "error")
        return see_other(request, "/providers/operate/")


def _details(data: ServiceDetailsForm) -> services.ServiceDetails:
    """A service's description as typed in the register or the edit form."""
    length = data.length_months.strip()
    return services.ServiceDetails(
        name=data.name,
        description=data.description,
        matters=_codes(data.matters),
        residential=data.residential == "1",
        length_months=(whole_number(length, maximum=999) or -1) if length else None,
        intake=data.intake,
        regions=_codes(data.regions),
        remote=data.remote == "1",
        languages=data.languages.lower().replace(",", " ").split(),
        target_groups=_codes(data.target_groups),
        takes_minors=data.takes_minors == "1",
        price=ore_of_kronor(data.price_kronor),
        price_unit=data.price_unit,
        referral_contact=data.referral_contact,
    )


def _service_errors(error: InvalidInput | Conflict) -> dict[str, str]:
    """The service's messages by the form's fields (the form types the price in kronor)."""
    errors = dict(form_errors(error))
    if "price" in errors:
        errors["price_kronor"] = errors.pop("price")
    return errors


def _kronor(ore: int) -> str:
    whole, cents = divmod(ore, 100)
    return f"{whole},{cents:02d}" if cents else str(whole)


def _form_of(service: services.ServiceView) -> ServiceDetailsForm:
    """The edit form filled in with the service as it is registered."""
    return ServiceDetailsForm(
        name=service.name,
        description=service.description,
        matters=service.matters,
        residential="1" if service.residential else "",
        length_months="" if service.length_months is None else str(service.length_months),
        intake=service.intake,
        regions=service.regions,
        remote="1" if service.remote else "",
        languages=" ".join(service.languages),
        target_groups=service.target_groups,
        takes_minors="1" if service.takes_minors else "",
        price_kronor=_kronor(service.price),
        price_unit=service.price_unit,
        referral_contact=service.referral_contact,
        version=service.capacity.version if service.capacity else 0,
    )


def _details_page(
    service: services.ServiceView,
    form: ServiceDetailsForm,
    errors: dict[str, str] | None = None,
) -> Template:
    return page("providers/details.html", service=service, form=form, errors=errors)


def _codes(value: list[str] | str) -> list[str]:
    """Ticked boxes: none arrive as "", one as a string, several as a list."""
    return [code for code in as_list(value) if code]


def _count(text: str) -> int:
    """A count typed in a form; anything else is -1, which the range checks refuse."""
    count = whole_number(text)
    return -1 if count is None else count


def _available(service: services.ServiceView) -> int:
    return service.capacity.available if service.capacity else 0


def _service_answer(
    request: Request[Any, Any, Any],
    settings: Settings,
    service: services.ServiceView,
    notice: str,
    kind: str,
) -> Template | Response[Any]:
    """htmx gets the service's row in place; a plain form post goes back to the page."""
    if wants_fragment(request):
        return page(
            "providers/partials/service_row.html",
            service=service,
            notice=notice,
            notice_kind=kind,
            stale_hours=settings.stale_hours,
        )
    flash(request, notice, kind)
    return see_other(request, "/providers/operate/")


async def _operate_page(
    actor: Actor, settings: Settings, form: ServiceForm, errors: dict[str, str] | None = None
) -> Template:
    return page(
        "providers/operate.html",
        services=await services.provider_services(actor),
        reservations=await services.reservations_for_provider(actor),
        form=form,
        errors=errors,
        stale_hours=settings.stale_hours,
        can_register=bool(has_permission(actor, "service.manage", actor.organisation_id)),
    )
