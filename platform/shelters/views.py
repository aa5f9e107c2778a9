"""Shelters pages: the live bed board, holds for caseworkers, and the operator's own page.

Each +/− and "still correct" is an htmx request answered with the category's row; without
JavaScript the same forms post and redirect back. The board's live updates come as server-sent
events rendered from the same row template the page includes.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, ServerSentEvent, Template
from litestar.response.sse import ServerSentEventMessage

from accounts.domain import Actor
from accounts.policy import has_permission, require
from accounts.web import require_actor, signed_in
from fristad import i18n
from fristad.errors import Conflict, InvalidInput
from fristad.i18n import gettext as _
from fristad.regions import POLICE_REGIONS, municipalities
from fristad.settings import Settings
from fristad.web import Id, flash, page, wants_fragment
from shelters import events, services
from shelters.domain import (
    SECURITY_LEVELS,
    TARGET_GROUPS,
)
from shelters.schemas import (
    AcceptForm,
    AdjustForm,
    CategoryForm,
    HoldForm,
    ReasonForm,
    ShelterForm,
)

Form = Body(media_type=RequestEncodingType.URL_ENCODED)


def _see_other(path: str) -> Redirect:
    return Redirect(path=path, status_code=303)


def _filters(
    region: str, target_group: str, children: str, accessible: str, language: str
) -> services.BoardFilters:
    return services.BoardFilters(
        region=region if region in POLICE_REGIONS else "",
        target_group=target_group if target_group in TARGET_GROUPS else "",
        children=children == "1",
        accessible=accessible == "1",
        language=language.strip().lower()[:3],
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
        region: FromQuery[str] = "",
        target_group: FromQuery[str] = "",
        children: FromQuery[str] = "",
        accessible: FromQuery[str] = "",
        language: FromQuery[str] = "",
    ) -> Template:
        actor = require_actor(request)
        filters = _filters(region, target_group, children, accessible, language)
        shelters = await services.board(actor, filters)
        return page(
            "shelters/board.html",
            shelters=shelters,
            filters=filters,
            query=request.url.query,
            regions=POLICE_REGIONS,
            groups=_groups(),
            can_hold=_can_hold(actor),
        )

    @get("/board/events")
    async def board_events(
        self,
        request: Request[Any, Any, Any],
        region: FromQuery[str] = "",
        target_group: FromQuery[str] = "",
        children: FromQuery[str] = "",
        accessible: FromQuery[str] = "",
        language: FromQuery[str] = "",
    ) -> ServerSentEvent:
        """Board rows as they change, through Redis pub/sub (so from every web process)."""
        actor = require_actor(request)
        require(actor, "shelter.board")
        filters = _filters(region, target_group, children, accessible, language)
        settings: Settings = request.app.state.settings
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
    async def holds(self, request: Request[Any, Any, Any]) -> Template:
        actor = require_actor(request)
        holds = await services.holds_of_organisation(actor)
        return page("shelters/holds.html", holds=holds, notices=await services.take_notices(actor))

    @get("/categories/{category_id:int}/hold")
    async def hold_form(self, request: Request[Any, Any, Any], category_id: Id) -> Template:
        return await _hold_page(request, category_id, HoldForm())

    @post("/categories/{category_id:int}/hold")
    async def hold(
        self,
        request: Request[Any, Any, Any],
        category_id: Id,
        data: Annotated[HoldForm, Form],
    ) -> Template | Redirect:
        actor = require_actor(request)
        try:
            beneficiary_id = await services.own_case_id(actor, data.code)
            await services.hold_bed(
                actor, category_id, beneficiary_id, idempotency_key=data.idempotency_key
            )
        except InvalidInput as error:
            return await _hold_page(request, category_id, data, errors=error.errors)
        except Conflict as error:
            return await _hold_page(request, category_id, data, errors={"": error.message})
        flash(request, _("The bed is held. The shelter has been asked to answer."))
        return _see_other("/shelters/holds")

    @post("/holds/{hold_id:int}/release")
    async def release(self, request: Request[Any, Any, Any], hold_id: Id) -> Redirect:
        await services.release_hold(require_actor(request), hold_id)
        flash(request, _("The hold has been released; the bed is free again."))
        return _see_other("/shelters/holds")

    @post("/{shelter_id:int}/address")
    async def address(self, request: Request[Any, Any, Any], shelter_id: Id) -> Template:
        """The address of a shelter where the caseworker placed someone (the read is audited)."""
        actor = require_actor(request)
        address = await services.shelter_address(actor, shelter_id)
        return page("shelters/address.html", address=address)


async def _hold_page(
    request: Request[Any, Any, Any],
    category_id: int,
    form: HoldForm,
    errors: dict[str, str] | None = None,
) -> Template:
    actor = require_actor(request)
    require(actor, "hold.create")
    found = [
        (shelter, category)
        for shelter in await services.board(actor, services.BoardFilters())
        for category in shelter.categories
        if category.id == category_id
    ]
    if not found:
        from fristad.errors import NotFound

        raise NotFound
    shelter, category = found[0]
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
    guards = [signed_in]
    include_in_schema = False

    @get("/", name="shelter_operate")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        return await _operator_index(request, ShelterForm())

    @post("/")
    async def create_shelter(
        self, request: Request[Any, Any, Any], data: Annotated[ShelterForm, Form]
    ) -> Template | Redirect:
        """An operator's administrator registers a shelter (its address is stored encrypted)."""
        actor = require_actor(request)
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
                    price_per_night=_ore(data.price_kronor),
                    referral_contact=data.referral_contact,
                ),
            )
        except InvalidInput as error:
            return await _operator_index(request, data, errors=error.errors)
        flash(request, _("The shelter is registered. Add its bed categories."))
        return _see_other(f"/shelters/operate/{shelter_id}")

    @post("/{shelter_id:int}/categories")
    async def add_category(
        self,
        request: Request[Any, Any, Any],
        shelter_id: Id,
        data: Annotated[CategoryForm, Form],
    ) -> Template | Redirect:
        actor = require_actor(request)
        try:
            await services.add_category(
                actor,
                shelter_id,
                services.NewCategory(
                    name=data.name,
                    capacity=int(data.capacity) if data.capacity.strip().isdigit() else 0,
                    target_groups=as_list(data.target_groups),
                    children_allowed=data.children_allowed == "1",
                    accessible=data.accessible == "1",
                ),
            )
        except InvalidInput as error:
            return await _operator_page(request, shelter_id, form=data, errors=error.errors)
        flash(request, _("The bed category has been added."))
        return _see_other(f"/shelters/operate/{shelter_id}")

    @get("/{shelter_id:int}")
    async def shelter(self, request: Request[Any, Any, Any], shelter_id: Id) -> Template:
        return await _operator_page(request, shelter_id)

    @post("/categories/{category_id:int}/adjust")
    async def adjust(
        self,
        request: Request[Any, Any, Any],
        category_id: Id,
        data: Annotated[AdjustForm, Form],
    ) -> Template | Redirect:
        actor = require_actor(request)
        notice, kind = "", "ok"
        try:
            row = await services.adjust(
                actor, category_id, data.what, data.delta, version=data.version
            )
        except services.StaleEdit as error:
            row, notice, kind = error.category, error.message, "error"
        except Conflict as error:
            row = await services.operator_category(actor, category_id)
            notice, kind = error.message, "error"
        return _category_answer(request, row, notice, kind)

    @post("/categories/{category_id:int}/confirm")
    async def confirm(
        self, request: Request[Any, Any, Any], category_id: Id
    ) -> Template | Redirect:
        row = await services.confirm(require_actor(request), category_id)
        return _category_answer(request, row, _("Confirmed. Thank you."), "ok")

    @post("/holds/{hold_id:int}/accept")
    async def accept(
        self,
        request: Request[Any, Any, Any],
        hold_id: Id,
        data: Annotated[AcceptForm, Form],
    ) -> Redirect:
        actor = require_actor(request)
        expected = _date(data.expected_discharge)
        try:
            hold = await services.accept_hold(actor, hold_id, expected_discharge=expected)
        except Conflict as error:
            flash(request, error.message, "error")
            return _see_other("/shelters/operate/")
        flash(request, _("The hold is accepted and the person is registered as a resident."))
        return _see_other(f"/shelters/operate/{hold['shelter']}")

    @post("/holds/{hold_id:int}/decline")
    async def decline(
        self,
        request: Request[Any, Any, Any],
        hold_id: Id,
        data: Annotated[ReasonForm, Form],
    ) -> Redirect:
        actor = require_actor(request)
        try:
            hold = await services.decline_hold(actor, hold_id, data.reason)
        except (Conflict, InvalidInput) as error:
            message = error.message if isinstance(error, Conflict) else _("Choose a reason.")
            flash(request, message, "error")
            return _see_other("/shelters/operate/")
        flash(request, _("The hold is declined and the bed is free again."))
        return _see_other(f"/shelters/operate/{hold['shelter']}")

    @post("/placements/{placement_id:int}/discharge")
    async def discharge(
        self,
        request: Request[Any, Any, Any],
        placement_id: Id,
        data: Annotated[ReasonForm, Form],
    ) -> Redirect:
        actor = require_actor(request)
        try:
            placement = await services.discharge(actor, placement_id, data.reason)
        except (Conflict, InvalidInput) as error:
            message = error.message if isinstance(error, Conflict) else _("Choose a reason.")
            flash(request, message, "error")
            return _see_other("/shelters/operate/")
        flash(request, _("The stay has ended and the bed is free again."))
        return _see_other(f"/shelters/operate/{placement['shelter']}")


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def _category_answer(
    request: Request[Any, Any, Any], row: dict[str, Any], notice: str, kind: str
) -> Template | Redirect:
    """htmx gets the category's row in place; a plain form post goes back to the page."""
    if wants_fragment(request):
        return page(
            "shelters/partials/category.html",
            category=row,
            notice=notice,
            notice_kind=kind,
            stale_hours=request.app.state.settings.stale_hours,
        )
    if notice:
        flash(request, notice, kind)
    return _see_other(f"/shelters/operate/{row['shelter']}")


def as_list(value: list[str] | str) -> list[str]:
    """A checkbox group arrives as a string when one box is ticked."""
    return [value] if isinstance(value, str) else list(value)


def _ore(kronor: str) -> int:
    try:
        return round(float(kronor.replace(",", ".").replace(" ", "") or "0") * 100)
    except ValueError:
        return -1  # refused by the service as a negative price


def _groups() -> list[tuple[str, str]]:
    return [(code, _(text)) for code, text in TARGET_GROUPS.items()]


async def _operator_index(
    request: Request[Any, Any, Any], form: ShelterForm, errors: dict[str, str] | None = None
) -> Template:
    actor = require_actor(request)
    return page(
        "shelters/operate_index.html",
        shelters=await services.operated_shelters(actor),
        notices=await services.take_notices(actor),
        can_manage=bool(has_permission(actor, "shelter.manage", actor.organisation_id)),
        form=form,
        selected_groups=as_list(form.target_groups),
        groups=_groups(),
        security_levels=[(code, _(text)) for code, text in SECURITY_LEVELS.items()],
        places=sorted(
            ((m.code, f"{m.name} ({POLICE_REGIONS[m.region]})") for m in municipalities().values()),
            key=lambda option: option[1],
        ),
        errors=errors,
    )


async def _operator_page(
    request: Request[Any, Any, Any],
    shelter_id: int,
    *,
    form: CategoryForm | None = None,
    errors: dict[str, str] | None = None,
) -> Template:
    actor = require_actor(request)
    view = await services.operator_view(actor, shelter_id)
    form = form or CategoryForm()
    return page(
        "shelters/operate.html",
        view=view,
        can_manage=bool(has_permission(actor, "shelter.manage", view.shelter["operator"])),
        form=form,
        selected_groups=as_list(form.target_groups),
        groups=_groups(),
        errors=errors,
        holds=await services.incoming_holds(actor, shelter_id),
        residents=await services.placements(actor, shelter_id),
        notices=await services.take_notices(actor),
        notice="",
        notice_kind="ok",
        stale_hours=request.app.state.settings.stale_hours,
    )
