"""Grants pages: caseworkers' requests (new request with live totals), the officers' queue,
review and decisions, payments, the decision letter (budgets and the export: ``budgets``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from markupsafe import Markup

from accounts.domain import Actor
from accounts.policy import has_permission
from accounts.web import CurrentActor, permitted
from fristad import i18n
from fristad.errors import Conflict, InvalidInput, PermissionDenied
from fristad.i18n import gettext as _
from fristad.web import Id, content_disposition, flash, form_errors, page, parse_form, see_other
from grants import domain, services
from grants.schemas import (
    CostLineForm,
    DecisionForm,
    PaymentForm,
    ReportForm,
    RequestForm,
    ReversalForm,
    TextForm,
    parse_request_form,
)


async def _form_page(
    form: RequestForm,
    errors: dict[str, str] | None = None,
    *,
    support_request_id: int | None = None,
    extra_lines: int = 0,
) -> Template:
    lines = form.rows(extra_lines)
    return page(
        "grants/new_request.html",
        support_request_id=support_request_id,
        form_action=(
            f"/grants/requests/{support_request_id}/edit"
            if support_request_id
            else "/grants/requests/new"
        ),
        values=form,
        lines=lines,
        # "Add a line" reloads the form: focus goes to the new line, not the top of the page.
        focus_line=len(lines) if extra_lines else None,
        total=form.total,
        programmes=await services.open_programmes(),
        categories=[(code, _(label)) for code, label in domain.CATEGORIES.items()],
        urgencies=[(code, _(label)) for code, label in domain.URGENCIES.items()],
        errors=errors,
    )


async def _save_draft(
    request: Request[Any, Any, Any], actor: Actor, support_request_id: int | None
) -> Template | Response[Any]:
    """The new-request and edit forms: one more row, or the draft saved (or the form again with
    every message: the person's code, what could not be read, what the services refused)."""
    form = await parse_request_form(request)
    if form.add_line:
        return await _form_page(form, support_request_id=support_request_id, extra_lines=1)
    errors: dict[str, str] = {}
    beneficiary_id = 0
    try:
        beneficiary_id = await services.beneficiary_by_code(actor, form.beneficiary_code)
    except InvalidInput as error:
        errors |= error.errors
    data, parse_errors = form.request_in(beneficiary_id)
    errors |= parse_errors
    if not errors:
        try:
            saved = await services.save_draft(actor, data, support_request_id)
        except (InvalidInput, Conflict) as error:
            errors = form_errors(error)
    if errors:
        return await _form_page(form, errors, support_request_id=support_request_id)
    if support_request_id is None:
        flash(request, _("The request has been saved as a draft. Submit it when it is complete."))
    else:
        flash(request, _("The draft has been saved."))
    return see_other(request, f"/grants/requests/{saved.id}")


# A workflow form: its path's last part, the service call it makes, the notice after it.
Step = Callable[[Request[Any, Any, Any], Actor, int], Awaitable[str]]


async def _submit(request: Request[Any, Any, Any], actor: Actor, support_request_id: int) -> str:
    await services.submit(actor, support_request_id)
    return _("The request has been submitted.")


async def _withdraw(request: Request[Any, Any, Any], actor: Actor, support_request_id: int) -> str:
    await services.withdraw(actor, support_request_id)
    return _("The request has been withdrawn.")


async def _review(request: Request[Any, Any, Any], actor: Actor, support_request_id: int) -> str:
    await services.start_review(actor, support_request_id)
    return _("You are reviewing the request.")


async def _ask(request: Request[Any, Any, Any], actor: Actor, support_request_id: int) -> str:
    form = await parse_form(request, TextForm)
    await services.request_info(actor, support_request_id, form.text)
    return _("The organisation has been asked for more information.")


async def _answer(request: Request[Any, Any, Any], actor: Actor, support_request_id: int) -> str:
    form = await parse_form(request, TextForm)
    await services.answer_info(actor, support_request_id, form.text)
    return _("Your answer has been sent.")


async def _decide(request: Request[Any, Any, Any], actor: Actor, support_request_id: int) -> str:
    form = await parse_form(request, DecisionForm)
    result = await services.decide(actor, support_request_id, form.amount_in_ore(), form.reason)
    if not result.takes_effect:
        return _("The decision waits for a second officer's confirmation.")
    return _("The decision has been recorded.")


async def _confirm(request: Request[Any, Any, Any], actor: Actor, support_request_id: int) -> str:
    await services.confirm(actor, support_request_id)
    return _("The decision has been confirmed and takes effect.")


async def _send_back(request: Request[Any, Any, Any], actor: Actor, support_request_id: int) -> str:
    form = await parse_form(request, TextForm)
    await services.send_back(actor, support_request_id, form.text)
    return _("The proposal has been sent back for review.")


async def _pay(request: Request[Any, Any, Any], actor: Actor, support_request_id: int) -> str:
    form = await parse_form(request, PaymentForm)
    paid_on, amount = form.checked()
    await services.record_payment(actor, support_request_id, paid_on, amount, form.reference)
    return _("The payment has been recorded.")


async def _report(request: Request[Any, Any, Any], actor: Actor, support_request_id: int) -> str:
    form = await parse_form(request, ReportForm)
    await services.report(actor, support_request_id, form.actual_costs_in_ore(), form.outcome)
    return _("Thank you. The report has been sent.")


async def _report_reviewed(
    request: Request[Any, Any, Any], actor: Actor, support_request_id: int
) -> str:
    await services.review_report(actor, support_request_id)
    return _("The report has been marked as reviewed.")


async def _take(request: Request[Any, Any, Any], actor: Actor, support_request_id: int) -> str:
    await services.take_request(actor, support_request_id)
    return _("The request is assigned to you.")


async def _close(request: Request[Any, Any, Any], actor: Actor, support_request_id: int) -> str:
    await services.close(actor, support_request_id)
    return _("The request has been closed.")


STEPS: dict[str, Step] = {
    "submit": _submit,
    "withdraw": _withdraw,
    "review": _review,
    "info": _ask,
    "answer": _answer,
    "decide": _decide,
    "confirm": _confirm,
    "send-back": _send_back,
    "payments": _pay,
    "report": _report,
    "report-reviewed": _report_reviewed,
    "close": _close,
    "take": _take,
}


async def _request_page(
    actor: Actor,
    support_request_id: int,
    *,
    errors: dict[str, str] | None = None,
    decision_form: DecisionForm | None = None,
    typed: dict[str, str] | None = None,
) -> Template:
    """The request page; after a refused form, with its messages and the form as typed
    (``typed``: the action's path part and the fields sent)."""
    view = await services.get_request(actor, support_request_id)
    support_request = view.support_request
    return page(
        "grants/request.html",
        view=view,
        support_request=support_request,
        amount_value=(
            decision_form.amount if decision_form else domain.kronor_input(support_request.total)
        ),
        reason_value=decision_form.reason if decision_form else "",
        outcome_value=decision_form.outcome if decision_form else "approve",
        funded_states=domain.FUNDED,
        typed=typed or {},
        today=date.today().isoformat(),
        errors=errors,
    )


def _form_of(view: services.RequestView) -> RequestForm:
    """A saved draft as the edit form shows it."""
    support_request = view.support_request
    return RequestForm(
        programme_id=str(support_request.programme_id),
        beneficiary_code=support_request.beneficiary_code,
        category=support_request.category,
        period_start=support_request.period_start.isoformat(),
        period_end=support_request.period_end.isoformat(),
        justification=view.justification,
        gap=view.gap,
        urgency=support_request.urgency,
        lines=[
            CostLineForm(
                description=line.description,
                quantity=str(line.quantity),
                unit=line.unit,
                unit_price=domain.kronor_input(line.unit_price),
            )
            for line in support_request.lines
        ],
    )


class GrantsController(Controller):
    path = "/grants"
    include_in_schema = False
    # Whoever may see the programmes (applicants, officers, admins) may open grants' pages;
    # each page's own guard and the services decide the rest.
    guards = [permitted("programme.read")]

    @get("/")
    async def index(self, actor: CurrentActor) -> Redirect:
        deciding = has_permission(actor, "support_request.decide")
        return Redirect("/grants/queue" if deciding else "/grants/requests", status_code=303)

    # --- caseworkers ---------------------------------------------------------------------

    @get("/requests", guards=[permitted("support_request.create")])
    async def my_requests(self, actor: CurrentActor) -> Template:
        rows = await services.my_requests(actor)
        return page("grants/my_requests.html", rows=rows)

    @get("/requests/new", guards=[permitted("support_request.create")])
    async def new_request(self, beneficiary: FromQuery[str] = "") -> Template:
        programmes = await services.open_programmes()
        form = RequestForm(
            beneficiary_code=beneficiary,
            programme_id=str(programmes[0].id) if programmes else "",
        )
        return await _form_page(form)

    @post("/requests/totals", guards=[permitted("support_request.create")])
    async def totals(self, request: Request[Any, Any, Any]) -> Template:
        """htmx: the lines' totals and the sum while the caseworker types."""
        form = await parse_request_form(request)
        return page("grants/partials/totals.html", lines=form.lines, total=form.total)

    @post("/requests/new", guards=[permitted("support_request.create")])
    async def create_request(
        self, request: Request[Any, Any, Any], actor: CurrentActor
    ) -> Template | Response[Any]:
        return await _save_draft(request, actor, None)

    @get("/requests/{support_request_id:int}/edit", guards=[permitted("support_request.create")])
    async def edit_request(self, actor: CurrentActor, support_request_id: Id) -> Template:
        view = await services.get_request(actor, support_request_id)
        return await _form_page(_form_of(view), support_request_id=support_request_id)

    @post("/requests/{support_request_id:int}/edit", guards=[permitted("support_request.create")])
    async def update_request(
        self, request: Request[Any, Any, Any], actor: CurrentActor, support_request_id: Id
    ) -> Template | Response[Any]:
        return await _save_draft(request, actor, support_request_id)

    # --- one request ---------------------------------------------------------------------

    @get("/requests/{support_request_id:int}")
    async def show(self, actor: CurrentActor, support_request_id: Id) -> Template:
        return await _request_page(actor, support_request_id)

    @post("/requests/{support_request_id:int}/{action:str}")
    async def act(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        support_request_id: Id,
        action: FromPath[str],
    ) -> Template | Response[Any]:
        """One workflow step; the service checks role and state (a repeated form is refused)."""
        try:
            step = STEPS.get(action)
            if step is None:
                raise Conflict(_("Unknown action."))
            message = await step(request, actor, support_request_id)
        except (InvalidInput, Conflict, PermissionDenied) as error:
            sent = await request.form()
            return await _request_page(
                actor,
                support_request_id,
                errors=form_errors(error),
                decision_form=await parse_form(request, DecisionForm),
                # The refused form shows again as typed (payment, report, question, answer).
                typed={"action": action, **{name: str(sent.get(name)) for name in sent}},
            )
        flash(request, message)
        return see_other(request, f"/grants/requests/{support_request_id}")

    @post(
        "/requests/{support_request_id:int}/reversals/{payment_id:int}",
        guards=[permitted("payment.record")],
    )
    async def reverse_payment(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        support_request_id: Id,
        payment_id: Id,
    ) -> Template | Response[Any]:
        form = await parse_form(request, ReversalForm)
        try:
            await services.reverse_payment(actor, support_request_id, payment_id, form.reason)
        except (InvalidInput, Conflict) as error:
            return await _request_page(
                actor,
                support_request_id,
                errors=form_errors(error),
                typed={"action": f"reverse-{payment_id}", "reason": form.reason},
            )
        flash(request, _("The payment has been reversed. Record the right payment if one is due."))
        return see_other(request, f"/grants/requests/{support_request_id}")

    # Room for the form around a file at the size limit; larger files get the page's message.
    @post(
        "/requests/{support_request_id:int}/attachments",
        guards=[permitted("support_request.create")],
        request_max_body_size=domain.MAX_ATTACHMENT_BYTES + 1024 * 1024,
    )
    async def upload(
        self, request: Request[Any, Any, Any], actor: CurrentActor, support_request_id: Id
    ) -> Template | Response[Any]:
        # A file is no Struct field: it is read from the multipart form as it is.
        upload = (await request.form()).get("file")
        try:
            if not isinstance(upload, UploadFile):
                raise InvalidInput({"file": _("Choose a file.")})
            content = await upload.read(domain.MAX_ATTACHMENT_BYTES + 1)
            await services.add_attachment(actor, support_request_id, upload.filename or "", content)
        except (InvalidInput, Conflict, PermissionDenied) as error:
            return await _request_page(actor, support_request_id, errors=form_errors(error))
        flash(request, _("The file has been attached."))
        return see_other(request, f"/grants/requests/{support_request_id}")

    @get("/requests/{support_request_id:int}/attachments/{attachment_id:int}")
    async def attachment(
        self, actor: CurrentActor, support_request_id: Id, attachment_id: Id
    ) -> Response[bytes]:
        attachment, content = await services.open_attachment(
            actor, support_request_id, attachment_id
        )
        return Response(
            content,
            media_type=attachment.content_type,
            headers={
                "Content-Disposition": content_disposition(attachment.filename),
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )

    @get("/requests/{support_request_id:int}/letter")
    async def letter(
        self, request: Request[Any, Any, Any], actor: CurrentActor, support_request_id: Id
    ) -> Template:
        """The decision letter, printable: the letter in the applicant's language, the page
        around it in the reader's (the letter is rendered here, in its language)."""
        letter = await services.decision_letter(actor, support_request_id)
        engine = request.app.template_engine
        assert engine is not None
        body = engine.get_template("grants/partials/letter_body.html")
        with i18n.language(letter.locale):
            text = body.render(
                letter=letter,
                words=domain.amount_in_words(letter.decision.amount, letter.locale),
            )
        # Rendered by the engine, which escapes every value (autoescape): inserted as it is.
        body_html = Markup(text)  # noqa: S704  # nosec B704
        return page("grants/letter.html", letter=letter, body=body_html)

    # --- officers ------------------------------------------------------------------------

    @get("/queue", guards=[permitted("support_request.decide")])
    async def queue(self, actor: CurrentActor, mine: FromQuery[bool] = False) -> Template:
        """The queue with deadlines and assignees (``mine``: assigned to me), and the
        officer's new notices."""
        return page(
            "grants/queue.html",
            rows=await services.review_queue(actor, mine=mine),
            mine=mine,
            me=actor.user_id,
            now=datetime.now(UTC),
            notices=await services.take_notices(actor),
        )

    @get("/reports", guards=[permitted("support_request.decide")])
    async def reports(self, actor: CurrentActor) -> Template:
        rows = await services.reports_to_review(actor)
        return page("grants/reports.html", rows=rows)
