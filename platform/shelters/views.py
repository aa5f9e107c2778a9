"""Shelters pages: the live bed board, holds for caseworkers, and the operator's own page.

Each +/− and "still correct" is an htmx request answered with the category's row; without
JavaScript the same forms post and redirect back. The board's live updates come as server-sent
events rendered from the same row template the page includes.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import ServerSentEvent, Template
from litestar.response.sse import ServerSentEventMessage

from accounts.domain import Actor
from accounts.policy import has_permission
from accounts.web import CurrentActor, permitted, signed_in
from beneficiaries.codes import language_code, language_name
from beneficiaries.domain import EXPLOITATION_TYPES
from fristad import i18n
from fristad.errors import Conflict, InvalidInput
from fristad.i18n import gettext as _
from fristad.regions import POLICE_REGIONS, municipalities
from fristad.schemas import whole_number
from fristad.settings import Settings, get_settings
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
from shelters import events, services
from shelters.domain import SECURITY_LEVELS, TARGET_GROUPS
from shelters.schemas import (
    AcceptForm,
    AdjustForm,
    CategoryForm,
    HoldForm,
    NumbersForm,
    ReasonForm,
    ShelterForm,
    count_or_none,
    ore_of_kronor,
    typed_date,
)

Form = Body(media_type=RequestEncodingType.URL_ENCODED)


def _filters(
    region: str, target_group: str, children: str, accessible: str, language: str
) -> services.BoardFilters:
    return services.BoardFilters(
        region=region if region in POLICE_REGIONS else "",
        target_group=target_group if target_group in TARGET_GROUPS else "",
        children=children == "1",
        accessible=accessible == "1",
        # Chosen by name ("rumänska", "Romanian") or by code ("ro").
        language=language_code(language) or language.strip().lower()[:40],
    )


def _can_hold(actor: Actor) -> bool:
    return bool(has_permission(actor, "hold.create"))


class BoardController(Controller):
    """The live bed board and the caseworker's holds."""

    path = "/shelters"
    guards = [signed_in]
    include_in_schema = False

    @get("/", name="shelter_board")
    async def board(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        region: FromQuery[str] = "",
        target_group: FromQuery[str] = "",
        children: FromQuery[str] = "",
        accessible: FromQuery[str] = "",
        language: FromQuery[str] = "",
    ) -> Template:
        filters = _filters(region, target_group, children, accessible, language)
        shelters = await services.board(actor, filters)
        return page(
            "shelters/board.html",
            shelters=shelters,
            filters=filters,
            staff_languages=sorted(map(language_name, await services.staff_languages(actor))),
            query=request.url.query,
            regions=POLICE_REGIONS,
            groups=_groups(),
            can_hold=_can_hold(actor),
        )

    @get("/board/events", guards=[permitted("shelter.board")])
    async def board_events(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        settings: AppSettings,
        region: FromQuery[str] = "",
        target_group: FromQuery[str] = "",
        children: FromQuery[str] = "",
        accessible: FromQuery[str] = "",
        language: FromQuery[str] = "",
    ) -> ServerSentEvent:
        """Board rows as they change, through Redis pub/sub (so from every web process)."""
        filters = _filters(region, target_group, children, accessible, language)
        engine = request.app.template_engine
        assert engine is not None
        template = engine.get_template("shelters/partials/board_row.html")
        locale, can_hold = i18n.active_locale(), _can_hold(actor)

        async def stream() -> AsyncIterator[ServerSentEventMessage]:
            subscribed = False
            async for shelter_id in events.changes(settings.redis_url):
                if shelter_id is None:  # subscribed (from now on nothing is missed), or quiet
                    if subscribed:
                        yield ServerSentEventMessage(comment="keep-alive")
                    else:
                        subscribed = True
                        yield ServerSentEventMessage(event="ready", data="")
                    continue
                i18n.activate(locale)
                shelter = await services.board_shelter(actor, shelter_id, filters)
                if shelter is not None:
                    html = template.render(shelter=shelter, can_hold=can_hold)
                    yield ServerSentEventMessage(event="replace", data=html)

        return ServerSentEvent(stream(), headers={"X-Accel-Buffering": "no"})

    @get("/holds", name="shelter_holds")
    async def holds(self, actor: CurrentActor) -> Template:
        holds = await services.holds_of_organisation(actor)
        return page("shelters/holds.html", holds=holds, notices=await services.take_notices(actor))

    @get("/categories/{category_id:int}/hold")
    async def hold_form(self, actor: CurrentActor, category_id: Id) -> Template:
        return await _hold_page(actor, category_id, HoldForm())

    @post("/categories/{category_id:int}/hold")
    async def hold(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        category_id: Id,
        data: Annotated[HoldForm, Form],
    ) -> Template | Response[Any]:
        try:
            beneficiary_id = await services.own_case_id(actor, data.code)
            await services.hold_bed(
                actor, category_id, beneficiary_id, idempotency_key=data.idempotency_key
            )
        except (InvalidInput, Conflict) as error:
            return await _hold_page(actor, category_id, data, errors=form_errors(error))
        flash(request, _("The bed is held. The shelter has been asked to answer."))
        return see_other(request, "/shelters/holds")

    @post("/holds/{hold_id:int}/release")
    async def release(
        self, request: Request[Any, Any, Any], actor: CurrentActor, hold_id: Id
    ) -> Response[Any]:
        await services.release_hold(actor, hold_id)
        flash(request, _("The hold has been released; the bed is free again."))
        return see_other(request, "/shelters/holds")

    @post("/{shelter_id:int}/address")
    async def address(self, actor: CurrentActor, shelter_id: Id) -> Template:
        """The address of a shelter where the caseworker placed someone (the read is audited)."""
        address = await services.shelter_address(actor, shelter_id)
        return page("shelters/address.html", address=address)


async def _hold_page(
    actor: Actor, category_id: int, form: HoldForm, errors: dict[str, str] | None = None
) -> Template:
    shelter, category = await services.bed_to_hold(actor, category_id)
    if not form.idempotency_key:
        form.idempotency_key = secrets.token_urlsafe(16)
    return page(
        "shelters/hold_form.html",
        shelter=shelter,
        category=category,
        form=form,
        errors=errors,
    )


class OperatorController(Controller):
    """A shelter's own staff: availability in a click or two, holds, residents."""

    path = "/shelters/operate"
    guards = [permitted("shelter.operate")]
    include_in_schema = False

    @get("/", name="shelter_operate")
    async def index(self, actor: CurrentActor) -> Template:
        return await _operator_index(actor, ShelterForm())

    @post("/")
    async def create_shelter(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        data: Annotated[ShelterForm, Form],
    ) -> Template | Response[Any]:
        """An operator's administrator registers a shelter (its address is stored encrypted)."""
        try:
            shelter_id = await services.create_shelter(
                actor,
                actor.organisation_id or 0,
                services.NewShelter(
                    name=data.name,
                    address=data.address,
                    municipality=data.municipality,
                    target_groups=as_list(data.target_groups),
                    languages=data.languages.lower().replace(",", " ").split(),
                    accessible=data.accessible == "1",
                    security_level=data.security_level,
                    price_per_night=ore_of_kronor(data.price_kronor),
                    referral_contact=data.referral_contact,
                    experience=as_list(data.experience),
                ),
            )
        except InvalidInput as error:
            errors = form_errors(error)
            # The service names the price by its column; the form by what is typed.
            if "price_per_night" in errors:
                errors["price_kronor"] = errors.pop("price_per_night")
            return await _operator_index(actor, data, errors=errors)
        flash(request, _("The shelter is registered. Add its bed categories."))
        return see_other(request, f"/shelters/operate/{shelter_id}")

    @post("/{shelter_id:int}/categories")
    async def add_category(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        settings: AppSettings,
        shelter_id: Id,
        data: Annotated[CategoryForm, Form],
    ) -> Template | Response[Any]:
        try:
            await services.add_category(
                actor,
                shelter_id,
                services.NewCategory(
                    name=data.name,
                    capacity=whole_number(data.capacity) or 0,
                    target_groups=as_list(data.target_groups),
                    children_allowed=data.children_allowed == "1",
                    max_children=count_or_none(data.max_children),
                    accessible=data.accessible == "1",
                ),
            )
        except InvalidInput as error:
            return await _operator_page(
                actor, settings, shelter_id, form=data, errors=form_errors(error)
            )
        flash(request, _("The bed category has been added."))
        return see_other(request, f"/shelters/operate/{shelter_id}")

    @get("/{shelter_id:int}")
    async def shelter(self, actor: CurrentActor, settings: AppSettings, shelter_id: Id) -> Template:
        return await _operator_page(actor, settings, shelter_id)

    @post("/categories/{category_id:int}/adjust")
    async def adjust(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        settings: AppSettings,
        category_id: Id,
        data: Annotated[AdjustForm, Form],
    ) -> Template | Response[Any]:
        what, delta = data.what_and_delta()
        try:
            category = await services.adjust(actor, category_id, what, delta, version=data.version)
            notice, kind = _saved(category), "ok"
        except services.StaleEdit as error:
            category, notice, kind = error.category, error.message, "error"
        except Conflict as error:
            category = await services.operator_category(actor, category_id)
            notice, kind = error.message, "error"
        return _category_answer(request, settings, category, notice, kind)

    @post("/categories/{category_id:int}/numbers")
    async def set_numbers(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        settings: AppSettings,
        category_id: Id,
        data: Annotated[NumbersForm, Form],
    ) -> Template | Response[Any]:
        """Numbers changed offline, sent with the version they were based on. If the category
        changed meanwhile nothing is written: the row shows both numbers and lets the operator
        choose (the same rule as a stale +/−)."""
        category = await services.operator_category(actor, category_id)
        wanted = services.CategoryNumbers(
            category_id, data.free, data.out_of_service, version=data.version
        )
        conflict = None
        try:
            written = await services.set_availability(actor, category.shelter_id, [wanted])
            category = next(entry for entry in written if entry.id == category_id)
            notice, kind = _saved(category), "ok"
        except services.StaleEdit as error:
            category, notice, kind, conflict = error.category, error.message, "error", wanted
        except InvalidInput as error:
            category = await services.operator_category(actor, category_id)
            notice, kind = " ".join(error.errors.values()), "error"
        return _category_answer(request, settings, category, notice, kind, conflict=conflict)

    @post("/categories/{category_id:int}/confirm")
    async def confirm(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        settings: AppSettings,
        category_id: Id,
    ) -> Template | Response[Any]:
        category = await services.confirm(actor, category_id)
        return _category_answer(request, settings, category, _("Confirmed. Thank you."), "ok")

    @post("/holds/{hold_id:int}/accept")
    async def accept(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        hold_id: Id,
        data: Annotated[AcceptForm, Form],
    ) -> Response[Any]:
        expected = typed_date(data.expected_discharge)
        try:
            hold = await services.accept_hold(actor, hold_id, expected_discharge=expected)
        except Conflict as error:
            flash(request, error.message, "error")
            return see_other(request, "/shelters/operate/")
        flash(request, _("The hold is accepted and the person is registered as a resident."))
        return see_other(request, f"/shelters/operate/{hold.shelter_id}")

    @post("/holds/{hold_id:int}/decline")
    async def decline(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        hold_id: Id,
        data: Annotated[ReasonForm, Form],
    ) -> Response[Any]:
        try:
            hold = await services.decline_hold(actor, hold_id, data.reason)
        except (Conflict, InvalidInput) as error:
            flash(request, _refusal(error), "error")
            return see_other(request, "/shelters/operate/")
        flash(request, _("The hold is declined and the bed is free again."))
        return see_other(request, f"/shelters/operate/{hold.shelter_id}")

    @post("/placements/{placement_id:int}/discharge")
    async def discharge(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        placement_id: Id,
        data: Annotated[ReasonForm, Form],
    ) -> Response[Any]:
        try:
            stay = await services.discharge(actor, placement_id, data.reason)
        except (Conflict, InvalidInput) as error:
            flash(request, _refusal(error), "error")
            return see_other(request, "/shelters/operate/")
        flash(request, _("The stay has ended and the bed is free again."))
        return see_other(request, f"/shelters/operate/{stay.shelter_id}")


def _saved(category: services.OperatorCategory) -> str:
    """The confirmation of a +/−, said in place and to screen readers."""
    return _("Saved: {category} has {free} free, {out} out of service.").format(
        category=category.name, free=category.free, out=category.out_of_service
    )


def _refusal(error: Conflict | InvalidInput) -> str:
    """A refused answer's notice: the conflict as it is; a missing reason asks for one."""
    return error.message if isinstance(error, Conflict) else _("Choose a reason.")


def _category_answer(
    request: Request[Any, Any, Any],
    settings: Settings,
    category: services.OperatorCategory,
    notice: str,
    kind: str,
    *,
    conflict: services.CategoryNumbers | None = None,
) -> Template | Response[Any]:
    """htmx gets the category's row in place; a plain form post goes back to the page.
    ``conflict``: the numbers the operator wanted, shown beside the current ones to choose."""
    if wants_fragment(request):
        return page(
            "shelters/partials/category.html",
            category=category,
            notice=notice,
            notice_kind=kind,
            conflict=conflict,
            stale_hours=settings.stale_hours,
        )
    if notice:
        flash(request, notice, kind)
    return see_other(request, f"/shelters/operate/{category.shelter_id}")


def _groups() -> list[tuple[str, str]]:
    return [(code, _(text)) for code, text in TARGET_GROUPS.items()]


async def _operator_index(
    actor: Actor, form: ShelterForm, errors: dict[str, str] | None = None
) -> Template:
    return page(
        "shelters/operate_index.html",
        shelters=await services.operated_shelters(actor),
        notices=await services.take_notices(actor),
        can_manage=bool(has_permission(actor, "shelter.manage", actor.organisation_id)),
        form=form,
        selected_groups=as_list(form.target_groups),
        groups=_groups(),
        security_levels=[(code, _(text)) for code, text in SECURITY_LEVELS.items()],
        exploitation_types=[(code, _(text)) for code, text in EXPLOITATION_TYPES.items()],
        selected_experience=as_list(form.experience),
        notice="",
        notice_kind="ok",
        stale_hours=get_settings().stale_hours,
        places=sorted(
            ((m.code, f"{m.name} ({POLICE_REGIONS[m.region]})") for m in municipalities().values()),
            key=lambda option: option[1],
        ),
        errors=errors,
    )


async def _operator_page(
    actor: Actor,
    settings: Settings,
    shelter_id: int,
    *,
    form: CategoryForm | None = None,
    errors: dict[str, str] | None = None,
) -> Template:
    view = await services.operator_view(actor, shelter_id)
    form = form or CategoryForm()
    return page(
        "shelters/operate.html",
        view=view,
        can_manage=bool(has_permission(actor, "shelter.manage", view.shelter.operator_id)),
        form=form,
        selected_groups=as_list(form.target_groups),
        groups=_groups(),
        errors=errors,
        holds=await services.incoming_holds(actor, shelter_id),
        residents=await services.placements(actor, shelter_id),
        notices=await services.take_notices(actor),
        notice="",
        notice_kind="ok",
        stale_hours=settings.stale_hours,
    )
