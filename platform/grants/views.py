"""Grants pages: caseworkers' requests (new request with live totals), the officers' queue,
review and decisions, budgets, payments and their export, the decision letter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from accounts.domain import Role
from accounts.web import has_role, require_actor
from fristad import i18n
from fristad.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from fristad.i18n import gettext as _
from fristad.web import Id, flash, form_errors, page, see_other
from grants import domain, services
from grants.schemas import CostLineIn, RequestIn

APPLICANTS = has_role(Role.CASEWORKER, Role.COORDINATOR, Role.ORG_ADMIN)
OFFICERS = has_role(Role.OFFICER)
ANYONE_IN_GRANTS = has_role(Role.CASEWORKER, Role.COORDINATOR, Role.ORG_ADMIN, Role.OFFICER)
BLANK_LINES = 2


@dataclass
class LineValues:
    description: str = ""
    quantity: str = "1"
    unit: str = ""
    unit_price: str = ""
    total: int | None = None


@dataclass
class RequestValues:
    programme_id: str = ""
    beneficiary_code: str = ""
    category: str = ""
    period_start: str = ""
    period_end: str = ""
    justification: str = ""
    gap: str = ""
    urgency: str = "normal"


async def _form(request: Request[Any, Any, Any]) -> Any:
    return await request.form()


def _text(form: Any, name: str) -> str:
    return str(form.get(name, "") or "")


def _lines_from(form: Any) -> list[LineValues]:
    """Cost lines as typed (parallel fields, one per row), with each line's total when the
    row can be computed."""
    columns = [
        form.getall(name) if name in form else []
        for name in ("line_description", "line_quantity", "line_unit", "line_unit_price")
    ]
    count = max((len(column) for column in columns), default=0)
    lines = []
    for index in range(min(count, domain.MAX_COST_LINES + BLANK_LINES)):
        description, quantity, unit, price = (
            str(column[index]) if index < len(column) else "" for column in columns
        )
        line = LineValues(description, quantity or "1", unit, price)
        parsed_price = domain.parse_kronor(price) if price.strip() else None
        if quantity.strip().isdigit() and parsed_price is not None:
            line.total = domain.line_total(int(quantity), parsed_price)
        lines.append(line)
    return lines


def _with_blank_lines(lines: list[LineValues], extra: int = 0) -> list[LineValues]:
    filled = [line for line in lines if line.description.strip() or line.unit_price.strip()]
    return filled + [LineValues() for _ in range(BLANK_LINES + extra)]


def _parse_date(text: str, field_name: str, errors: dict[str, str]) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        errors[field_name] = _("Enter a date (YYYY-MM-DD).")
        return date.min


def _request_in(
    values: RequestValues, lines: list[LineValues], beneficiary_id: int
) -> tuple[RequestIn, dict[str, str]]:
    errors: dict[str, str] = {}
    cost_lines = []
    for index, line in enumerate(
        line for line in lines if line.description.strip() or line.unit_price.strip()
    ):
        price = domain.parse_kronor(line.unit_price or "0")
        if price is None or not line.quantity.strip().isdigit():
            errors[f"line_{index}"] = _(
                "Enter the quantity as a whole number and the price in kronor."
            )
            continue
        cost_lines.append(
            CostLineIn(
                description=line.description,
                quantity=int(line.quantity),
                unit=line.unit,
                unit_price=price,
            )
        )
    start = _parse_date(values.period_start, "period_start", errors)
    end = _parse_date(values.period_end, "period_end", errors)
    programme_id = int(values.programme_id) if values.programme_id.isdigit() else 0
    data = RequestIn(
        programme_id=programme_id,
        beneficiary_id=beneficiary_id,
        category=values.category,
        period_start=start,
        period_end=end,
        justification=values.justification,
        gap=values.gap,
        urgency=values.urgency,
        lines=cost_lines,
    )
    return data, errors


async def _form_page(
    values: RequestValues,
    lines: list[LineValues],
    errors: dict[str, str] | None = None,
    *,
    request_id: int | None = None,
) -> Template:
    return page(
        "grants/new_request.html",
        request_id=request_id,
        form_action=f"/grants/requests/{request_id}/edit" if request_id else "/grants/requests/new",
        values=values,
        lines=lines,
        total=sum(line.total or 0 for line in lines),
        programmes=await services.open_programmes(),
        categories=[(code, _(label)) for code, label in domain.CATEGORIES.items()],
        urgencies=[(code, _(label)) for code, label in domain.URGENCIES.items()],
        errors=errors,
    )


def _values_from(form: Any) -> RequestValues:
    return RequestValues(**{name: _text(form, name) for name in RequestValues.__dataclass_fields__})


class GrantsController(Controller):
    path = "/grants"
    include_in_schema = False
    guards = [ANYONE_IN_GRANTS]

    @get("/")
    async def index(self, request: Request[Any, Any, Any]) -> Redirect:
        actor = require_actor(request)
        return Redirect(
            "/grants/queue" if actor.role == Role.OFFICER else "/grants/requests", status_code=303
        )

    # --- caseworkers ---------------------------------------------------------------------

    @get("/requests", guards=[APPLICANTS])
    async def my_requests(self, request: Request[Any, Any, Any]) -> Template:
        rows = await services.my_requests(require_actor(request))
        return page("grants/my_requests.html", rows=rows)

    @get("/requests/new", guards=[APPLICANTS])
    async def new_request(
        self, request: Request[Any, Any, Any], beneficiary: FromQuery[str] = ""
    ) -> Template:
        programmes = await services.open_programmes()
        values = RequestValues(
            beneficiary_code=beneficiary,
            programme_id=str(programmes[0]["id"]) if programmes else "",
        )
        return await _form_page(values, _with_blank_lines([]))

    @post("/requests/totals", guards=[APPLICANTS])
    async def totals(self, request: Request[Any, Any, Any]) -> Template:
        """htmx: the lines' totals and the sum while the caseworker types."""
        lines = _lines_from(await _form(request))
        return page(
            "grants/partials/totals.html",
            lines=lines,
            total=sum(line.total or 0 for line in lines),
        )

    @post("/requests/new", guards=[APPLICANTS])
    async def create_request(self, request: Request[Any, Any, Any]) -> Template | Response[Any]:
        actor = require_actor(request)
        form = await _form(request)
        values, lines = _values_from(form), _lines_from(form)
        if form.get("add_line"):
            return await _form_page(values, _with_blank_lines(lines, extra=1))
        errors: dict[str, str] = {}
        beneficiary_id = 0
        try:
            beneficiary_id = await services.beneficiary_by_code(actor, values.beneficiary_code)
        except (NotFound, PermissionDenied):
            errors["beneficiary_code"] = _("No person with this code in your organisation.")
        data, parse_errors = _request_in(values, lines, beneficiary_id)
        errors |= parse_errors
        if not errors:
            try:
                request_id = await services.create_request(actor, data)
            except InvalidInput as error:
                errors = error.errors
        if errors:
            return await _form_page(values, _with_blank_lines(lines), errors)
        flash(request, _("The request has been saved as a draft. Submit it when it is complete."))
        return see_other(request, f"/grants/requests/{request_id}")

    @get("/requests/{request_id:int}/edit", guards=[APPLICANTS])
    async def edit_request(self, request: Request[Any, Any, Any], request_id: Id) -> Template:
        view = await services.get_request(require_actor(request), request_id)
        row = view.request
        values = RequestValues(
            programme_id=str(row["programme"]),
            beneficiary_code=view.beneficiary_code,
            category=row["category"],
            period_start=row["period_start"].isoformat(),
            period_end=row["period_end"].isoformat(),
            justification=view.justification,
            gap=view.gap,
            urgency=row["urgency"],
        )
        lines = [
            LineValues(
                line["description"],
                str(line["quantity"]),
                line["unit"],
                domain.kronor_input(line["unit_price"]),
                line["total"],
            )
            for line in view.lines
        ]
        return await _form_page(values, _with_blank_lines(lines), request_id=request_id)

    @post("/requests/{request_id:int}/edit", guards=[APPLICANTS])
    async def update_request(
        self, request: Request[Any, Any, Any], request_id: Id
    ) -> Template | Response[Any]:
        actor = require_actor(request)
        form = await _form(request)
        values, lines = _values_from(form), _lines_from(form)
        if form.get("add_line"):
            return await _form_page(values, _with_blank_lines(lines, 1), request_id=request_id)
        errors: dict[str, str] = {}
        beneficiary_id = 0
        try:
            beneficiary_id = await services.beneficiary_by_code(actor, values.beneficiary_code)
        except (NotFound, PermissionDenied):
            errors["beneficiary_code"] = _("No person with this code in your organisation.")
        data, parse_errors = _request_in(values, lines, beneficiary_id)
        errors |= parse_errors
        if not errors:
            try:
                await services.update_draft(actor, request_id, data)
            except InvalidInput as error:
                errors = error.errors
            except Conflict as error:
                errors = {"": error.message}
        if errors:
            return await _form_page(values, _with_blank_lines(lines), errors, request_id=request_id)
        flash(request, _("The draft has been saved."))
        return see_other(request, f"/grants/requests/{request_id}")

    # --- one request ---------------------------------------------------------------------

    @get("/requests/{request_id:int}")
    async def show(self, request: Request[Any, Any, Any], request_id: Id) -> Template:
        return await _request_page(request, request_id)

    @post("/requests/{request_id:int}/{action:str}")
    async def act(
        self, request: Request[Any, Any, Any], request_id: Id, action: FromPath[str]
    ) -> Template | Response[Any]:
        """One workflow step; the service checks role and state (a repeated form is refused)."""
        actor = require_actor(request)
        form = await _form(request)
        text = _text(form, "text")
        try:
            message = await _do(actor, request_id, action, form, text)
        except (InvalidInput, Conflict, PermissionDenied) as error:
            errors = form_errors(error)
            return await _request_page(request, request_id, errors=errors, form=form)
        flash(request, message)
        return see_other(request, f"/grants/requests/{request_id}")

    # Room for the form around a file at the size limit; larger files get the page's message.
    @post(
        "/requests/{request_id:int}/attachments",
        guards=[APPLICANTS],
        request_max_body_size=domain.MAX_ATTACHMENT_BYTES + 1024 * 1024,
    )
    async def upload(
        self, request: Request[Any, Any, Any], request_id: Id
    ) -> Template | Response[Any]:
        actor = require_actor(request)
        form = await request.form()
        upload = form.get("file")
        try:
            if not isinstance(upload, UploadFile):
                raise InvalidInput({"file": _("Choose a file.")})
            content = await upload.read(domain.MAX_ATTACHMENT_BYTES + 1)
            await services.add_attachment(actor, request_id, upload.filename or "", content)
        except (InvalidInput, Conflict, PermissionDenied) as error:
            errors = form_errors(error)
            return await _request_page(request, request_id, errors=errors)
        flash(request, _("The file has been attached."))
        return see_other(request, f"/grants/requests/{request_id}")

    @get("/requests/{request_id:int}/attachments/{attachment_id:int}")
    async def attachment(
        self,
        request: Request[Any, Any, Any],
        request_id: Id,
        attachment_id: Id,
    ) -> Response[bytes]:
        meta, content = await services.open_attachment(
            require_actor(request), request_id, attachment_id
        )
        return Response(
            content,
            media_type=meta["content_type"],
            headers={
                "Content-Disposition": f'attachment; filename="{meta["filename"]}"',
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )

    @get("/requests/{request_id:int}/letter")
    async def letter(self, request: Request[Any, Any, Any], request_id: Id) -> Template:
        """The decision letter, printable, in the applicant's language."""
        letter = await services.decision_letter(require_actor(request), request_id)
        i18n.activate(letter.locale)
        return page(
            "grants/letter.html",
            letter=letter,
            words=domain.amount_in_words(letter.decision["amount"], letter.locale),
        )

    # --- officers ------------------------------------------------------------------------

    @get("/queue", guards=[OFFICERS])
    async def queue(self, request: Request[Any, Any, Any]) -> Template:
        rows = await services.review_queue(require_actor(request))
        return page("grants/queue.html", rows=rows)

    @get("/programmes", guards=[OFFICERS])
    async def programmes(self, request: Request[Any, Any, Any]) -> Template:
        actor = require_actor(request)
        programmes = await services.list_programmes(actor)
        overviews = [(p, await services.budgets_of(p["id"])) for p in programmes]
        return page(
            "grants/programmes.html",
            overviews=overviews,
            categories=[(code, _(label)) for code, label in domain.CATEGORIES.items()],
        )

    @post("/programmes", guards=[OFFICERS])
    async def create_programme(self, request: Request[Any, Any, Any]) -> Response[Any]:
        actor = require_actor(request)
        form = await _form(request)
        errors: dict[str, str] = {}
        starts = _parse_date(_text(form, "starts_on"), "starts_on", errors)
        ends = _parse_date(_text(form, "ends_on"), "ends_on", errors)
        amounts = {}
        for name in ("four_eyes_threshold", *domain.CATEGORIES):
            parsed = domain.parse_kronor(_text(form, name) or "0")
            if parsed is None:
                errors[name] = _("Enter an amount in kronor.")
            amounts[name] = parsed or 0
        if not errors:
            try:
                await services.create_programme(
                    actor,
                    _text(form, "name"),
                    starts,
                    ends,
                    amounts.pop("four_eyes_threshold"),
                    amounts,
                )
            except InvalidInput as error:
                errors = error.errors
        if errors:
            flash(request, "; ".join(errors.values()), "error")
        else:
            flash(request, _("The programme has been created."))
        return see_other(request, "/grants/programmes")

    @post("/budgets/{budget_id:int}/adjust", guards=[OFFICERS])
    async def adjust(self, request: Request[Any, Any, Any], budget_id: Id) -> Response[Any]:
        actor = require_actor(request)
        form = await _form(request)
        amount = domain.parse_kronor(_text(form, "amount"))
        try:
            if amount is None:
                raise InvalidInput({"amount": _("Enter an amount in kronor.")})
            await services.adjust_budget(actor, budget_id, amount, _text(form, "reason"))
        except InvalidInput as error:
            flash(request, "; ".join(error.errors.values()), "error")
        except Conflict as error:
            flash(request, error.message, "error")
        else:
            flash(request, _("The budget has been adjusted."))
        return see_other(request, "/grants/programmes")

    @get("/payments/export", guards=[OFFICERS])
    async def export(
        self,
        request: Request[Any, Any, Any],
        start: FromQuery[str] = "",
        end: FromQuery[str] = "",
        format: FromQuery[str] = "csv",
    ) -> Response[bytes] | Template:
        actor = require_actor(request)
        errors: dict[str, str] = {}
        first = _parse_date(start, "start", errors) if start else None
        last = _parse_date(end, "end", errors) if end else None
        if first is None or last is None or errors:
            return page("grants/export.html", start=start, end=end, errors=errors)
        rows = await services.payments_in_period(actor, first, last)
        name = f"fristad-payments-{first.isoformat()}-{last.isoformat()}"
        if format == "xlsx":
            body = services.payments_xlsx(rows)
            media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            name += ".xlsx"
        else:
            body, media, name = (
                services.payments_csv(rows),
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


async def _do(actor: Any, request_id: int, action: str, form: Any, text: str) -> str:
    """Dispatch a workflow form to its service; returns the notice to show."""
    if action == "submit":
        await services.submit(actor, request_id)
        return _("The request has been submitted.")
    if action == "withdraw":
        await services.withdraw(actor, request_id)
        return _("The request has been withdrawn.")
    if action == "review":
        await services.start_review(actor, request_id)
        return _("You are reviewing the request.")
    if action == "info":
        await services.request_info(actor, request_id, text)
        return _("The organisation has been asked for more information.")
    if action == "answer":
        await services.answer_info(actor, request_id, text)
        return _("Your answer has been sent.")
    if action == "decide":
        amount = (
            0 if _text(form, "outcome") == "reject" else domain.parse_kronor(_text(form, "amount"))
        )
        if amount is None:
            raise InvalidInput({"amount": _("Enter an amount in kronor.")})
        result = await services.decide(actor, request_id, amount, _text(form, "reason"))
        if not result.takes_effect:
            return _("The decision waits for a second officer's confirmation.")
        return _("The decision has been recorded.")
    if action == "confirm":
        await services.confirm(actor, request_id)
        return _("The decision has been confirmed and takes effect.")
    if action == "send-back":
        await services.send_back(actor, request_id, text)
        return _("The proposal has been sent back for review.")
    if action == "payments":
        errors: dict[str, str] = {}
        paid_on = _parse_date(_text(form, "paid_on"), "paid_on", errors)
        amount = domain.parse_kronor(_text(form, "amount"))
        if amount is None:
            errors["amount"] = _("Enter an amount in kronor.")
        if errors:
            raise InvalidInput(errors)
        assert amount is not None
        await services.record_payment(actor, request_id, paid_on, amount, _text(form, "reference"))
        return _("The payment has been recorded.")
    if action == "report":
        actual = domain.parse_kronor(_text(form, "actual_costs"))
        if actual is None:
            raise InvalidInput({"actual_costs": _("Enter an amount in kronor.")})
        await services.report(actor, request_id, actual, _text(form, "outcome"))
        return _("Thank you. The report has been sent.")
    if action == "close":
        await services.close(actor, request_id)
        return _("The request has been closed.")
    raise Conflict(_("Unknown action."))


async def _request_page(
    request: Request[Any, Any, Any],
    request_id: int,
    *,
    errors: dict[str, str] | None = None,
    form: Any = None,
) -> Template:
    actor = require_actor(request)
    view = await services.get_request(actor, request_id)
    row = view.request
    return page(
        "grants/request.html",
        view=view,
        r=row,
        actions=domain.actions_from(row["state"], actor.role),
        is_officer=actor.role == Role.OFFICER,
        amount_value=_text(form, "amount") if form else domain.kronor_input(row["total"]),
        reason_value=_text(form, "reason") if form else "",
        today=date.today().isoformat(),
        errors=errors,
    )
