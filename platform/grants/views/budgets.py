"""Grants pages of the officers' money: programmes and budgets, changes of an allocation with
four eyes, the ledger, the payments export."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery
from litestar.response import Template

from accounts.domain import Actor
from accounts.web import CurrentActor, permitted
from fristad.errors import Conflict, InvalidInput, PermissionDenied
from fristad.i18n import gettext as _
from fristad.web import Id, flash, form_errors, page, parse_form, see_other
from grants import domain, export, services
from grants.schemas import AdjustForm, ProgrammeForm, parse_date, parse_programme_form

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _programmes_page(
    actor: Actor,
    *,
    errors: dict[str, str] | None = None,
    programme_form: ProgrammeForm | None = None,
    adjusting: tuple[int, AdjustForm] | None = None,
) -> Template:
    """The programmes and budgets with their ledgers; after a refused form, with it as typed
    and its messages."""
    programmes = await services.list_programmes(actor)
    return page(
        "grants/programmes.html",
        programmes=programmes,
        me=actor.user_id,
        ledgers={
            programme.id: await services.programme_ledger(actor, programme.id)
            for programme in programmes
        },
        categories=[(code, _(label)) for code, label in domain.CATEGORIES.items()],
        programme_form=programme_form or ProgrammeForm(),
        adjusting_id=adjusting[0] if adjusting else None,
        adjust_form=adjusting[1] if adjusting else AdjustForm(),
        errors=errors,
    )


class BudgetsController(Controller):
    path = "/grants"
    include_in_schema = False
    guards = [permitted("programme.manage")]

    @get("/programmes")
    async def programmes(self, actor: CurrentActor) -> Template:
        return await _programmes_page(actor)

    @post("/programmes")
    async def create_programme(
        self, request: Request[Any, Any, Any], actor: CurrentActor
    ) -> Template | Response[Any]:
        form = await parse_programme_form(request)
        try:
            starts_on, ends_on, threshold, budgets = form.checked()
            await services.create_programme(
                actor,
                form.name,
                starts_on,
                ends_on,
                threshold,
                budgets,
                reference_format=form.reference_format,
                appeal_info=form.appeal_info,
            )
        except InvalidInput as error:
            return await _programmes_page(actor, errors=form_errors(error), programme_form=form)
        flash(request, _("The programme has been created."))
        return see_other(request, "/grants/programmes")

    @post("/budgets/{budget_id:int}/adjust")
    async def adjust(
        self, request: Request[Any, Any, Any], actor: CurrentActor, budget_id: Id
    ) -> Template | Response[Any]:
        await services.budget_in_reach(actor, budget_id)  # the object before the input
        form = await parse_form(request, AdjustForm)
        try:
            line = await services.adjust_budget(actor, budget_id, form.amount_in_ore(), form.reason)
        except (InvalidInput, Conflict) as error:
            # The page again with the amount and reason as typed, the message at their row.
            return await _programmes_page(
                actor, errors=form_errors(error), adjusting=(budget_id, form)
            )
        if line.pending_amount is not None:
            flash(request, _("The change waits for a second officer's confirmation."))
        else:
            flash(request, _("The budget has been adjusted."))
        return see_other(request, "/grants/programmes")

    @post("/budgets/{budget_id:int}/confirm")
    async def confirm(
        self, request: Request[Any, Any, Any], actor: CurrentActor, budget_id: Id
    ) -> Template | Response[Any]:
        try:
            await services.confirm_adjustment(actor, budget_id)
        except (InvalidInput, Conflict, PermissionDenied) as error:
            return await _programmes_page(
                actor, errors=form_errors(error), adjusting=(budget_id, AdjustForm())
            )
        flash(request, _("The change has been confirmed and takes effect."))
        return see_other(request, "/grants/programmes")

    @post("/budgets/{budget_id:int}/refuse")
    async def refuse(
        self, request: Request[Any, Any, Any], actor: CurrentActor, budget_id: Id
    ) -> Template | Response[Any]:
        try:
            await services.refuse_adjustment(actor, budget_id)
        except Conflict as error:
            return await _programmes_page(
                actor, errors=form_errors(error), adjusting=(budget_id, AdjustForm())
            )
        flash(request, _("The change has been refused; the budget is as it was."))
        return see_other(request, "/grants/programmes")

    @get("/payments/export", guards=[permitted("payment.export")])
    async def export(
        self,
        actor: CurrentActor,
        start: FromQuery[str] = "",
        end: FromQuery[str] = "",
        format: FromQuery[str] = "csv",
    ) -> Response[bytes] | Template:
        errors: dict[str, str] = {}
        first = parse_date(start, "start", errors) if start else None
        last = parse_date(end, "end", errors) if end else None
        if first is None or last is None or errors:
            return page("grants/export.html", start=start, end=end, errors=errors)
        payments = await services.payments_in_period(actor, first, last)
        name = f"fristad-payments-{first.isoformat()}-{last.isoformat()}"
        if format == "xlsx":
            body, media, name = export.payments_xlsx(payments), XLSX, name + ".xlsx"
        else:
            body, media, name = (
                export.payments_csv(payments),
                "text/csv; charset=utf-8",
                name + ".csv",
            )
        return Response(
            body,
            media_type=media,
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
            },
        )
