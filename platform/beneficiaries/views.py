"""Beneficiary pages: list, record, forms in sections, consent, sharing, notes, identity."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Template

from accounts.domain import Actor
from accounts.policy import has_permission
from accounts.web import CurrentActor, permitted
from beneficiaries import codes, domain, services
from beneficiaries.schemas import (
    BeneficiaryForm,
    ConsentForm,
    IdentityForm,
    NoteForm,
    RevealForm,
    ShareForm,
    StatusForm,
)
from fristad.errors import InvalidInput
from fristad.i18n import gettext as _
from fristad.regions import POLICE_REGIONS, municipalities
from fristad.web import (
    MAX_PAGE,
    Id,
    flash,
    form_errors,
    kept_input,
    page,
    parse_form,
    see_other,
)


def _choices() -> dict[str, Any]:
    """What the record form offers, translated for the current request."""
    return {
        "genders": domain.options(domain.GENDERS),
        "exploitation_types": domain.options(domain.EXPLOITATION_TYPES),
        "trafficking_statuses": domain.options(domain.TRAFFICKING_STATUSES),
        "identified_by": domain.options(domain.IDENTIFIED_BY),
        "migration_statuses": domain.options(domain.MIGRATION_STATUSES),
        "needs": domain.options(domain.NEEDS),
        "shelter_requirements": domain.options(domain.SHELTER_REQUIREMENTS),
        "protected_identity": domain.options(domain.PROTECTED_IDENTITY),
        "regions": list(POLICE_REGIONS.items()),
        "municipalities": [(m.code, m.name, m.region) for m in municipalities().values()],
        "countries": codes.countries(),
        "languages": codes.languages(),
        "common_languages": codes.common_languages(),
    }


def _form_from_record(record: services.BeneficiaryRecord, gap: str) -> BeneficiaryForm:
    return BeneficiaryForm(
        gender=record.gender,
        birth_year=record.birth_year,
        citizenship=record.citizenship or "",
        languages=list(record.languages),
        children_count=record.children_count,
        children_ages=list(record.children_ages),
        exploitation_types=list(record.exploitation_types),
        trafficking_status=record.trafficking_status,
        identified_by=record.identified_by or "",
        region=record.region,
        municipality=record.municipality or "",
        migration_status=record.migration_status or "",
        gap=gap,
        needs=list(record.needs),
        shelter_requirements=list(record.shelter_requirements),
        interpreter_language=record.interpreter_language or "",
        protected_identity=record.protected_identity,
        avoid_regions=list(record.avoid_regions),
    )


def _record_form(
    form: BeneficiaryForm,
    identity: IdentityForm,
    beneficiary: services.BeneficiaryRecord | None,
    errors: dict[str, str] | None = None,
    *,
    replace_identity: bool = False,
) -> Template:
    return page(
        "beneficiaries/form.html",
        form=form,
        identity=identity,
        beneficiary=beneficiary,
        replace_identity=replace_identity,
        errors=errors,
        **_choices(),
    )


# A record opened every working day gathers thousands of audit events: its page shows the newest.
TRAIL_SHOWN = 50
TRAIL_PAGE = 200


class BeneficiaryController(Controller):
    path = "/beneficiaries"
    guards = [permitted("beneficiary.read")]
    include_in_schema = False

    @get("/", name="beneficiaries")
    async def index(
        self,
        actor: CurrentActor,
        code: FromQuery[str] = "",
        status: FromQuery[str] = "",
        need: FromQuery[str] = "",
        region: FromQuery[str] = "",
        exploitation_type: FromQuery[str] = "",
        page_number: Annotated[int, QueryParameter(name="page", ge=1, le=MAX_PAGE)] = 1,
    ) -> Template:
        filters = services.Filters(
            code=code,
            status=status,
            need=need,
            region=region,
            exploitation_type=exploitation_type,
            page=page_number,
        )
        rows, total = await services.list_beneficiaries(actor, filters)
        return page(
            "beneficiaries/index.html",
            rows=rows,
            total=total,
            filters=filters,
            pages=max((total + services.PAGE_SIZE - 1) // services.PAGE_SIZE, 1),
            incoming=await services.incoming_shares(actor),
            can_create=bool(has_permission(actor, "beneficiary.write")),
            statuses=domain.options(domain.STATUSES),
            needs=domain.options(domain.NEEDS),
            exploitation_types=domain.options(domain.EXPLOITATION_TYPES),
        )

    @get("/new")
    async def new(self) -> Template:
        return _record_form(BeneficiaryForm(), IdentityForm(), None)

    @post("/")
    async def create(self, request: Request[Any, Any, Any], actor: CurrentActor) -> Response[Any]:
        try:
            form = await parse_form(request, BeneficiaryForm)
            identity = await parse_form(request, IdentityForm)
            record = await services.create_beneficiary(actor, form, identity)
        except InvalidInput as error:
            # Everything typed comes back, also what could not be read (a non-numeric age).
            return _record_form(
                await kept_input(request, BeneficiaryForm),
                await kept_input(request, IdentityForm),
                None,
                form_errors(error),
            )
        flash(request, _("The person has been registered."))
        return see_other(request, f"/beneficiaries/{record.id}")

    @get("/{beneficiary_id:int}", name="beneficiary")
    async def show(self, actor: CurrentActor, beneficiary_id: Id) -> Template:
        return await _record_page(actor, beneficiary_id)

    @get("/{beneficiary_id:int}/edit")
    async def edit(self, actor: CurrentActor, beneficiary_id: Id) -> Template:
        view = await services.get_beneficiary(actor, beneficiary_id)
        return _record_form(_form_from_record(view.record, view.gap), IdentityForm(), view.record)

    @post("/{beneficiary_id:int}")
    async def update(
        self, request: Request[Any, Any, Any], actor: CurrentActor, beneficiary_id: Id
    ) -> Response[Any]:
        try:
            form = await parse_form(request, BeneficiaryForm)
            identity = await parse_form(request, IdentityForm)
            replace_identity = (await request.form()).get("replace_identity") == "yes"
            await services.update_beneficiary(
                actor, beneficiary_id, form, identity if replace_identity else None
            )
        except InvalidInput as error:
            view = await services.get_beneficiary(actor, beneficiary_id)
            return _record_form(
                await kept_input(request, BeneficiaryForm),
                await kept_input(request, IdentityForm),
                view.record,
                form_errors(error),
                replace_identity=(await request.form()).get("replace_identity") == "yes",
            )
        flash(request, _("The record has been saved."))
        return see_other(request, f"/beneficiaries/{beneficiary_id}")

    @post("/{beneficiary_id:int}/identity")
    async def identity(
        self, request: Request[Any, Any, Any], actor: CurrentActor, beneficiary_id: Id
    ) -> Template:
        """Show the identity (POST: never in a URL, never cached); a reason where required."""
        try:
            data = await parse_form(request, RevealForm)
            identity = await services.reveal_identity(actor, beneficiary_id, data.reason)
        except InvalidInput as error:
            return page(
                "beneficiaries/identity.html",
                identity=None,
                revealed=False,
                needs_reason=True,
                beneficiary_id=beneficiary_id,
                errors=form_errors(error),
            )
        return page(
            "beneficiaries/identity.html",
            identity=identity,
            revealed=True,
            needs_reason=False,
            beneficiary_id=beneficiary_id,
        )

    @get("/{beneficiary_id:int}/trail")
    async def whole_trail(
        self,
        actor: CurrentActor,
        beneficiary_id: Id,
        before: Annotated[int | None, QueryParameter(ge=1)] = None,
    ) -> Template:
        """The record's whole audit trail, newest first, a page at a time (owning organisation)."""
        events = await services.trail(actor, beneficiary_id, limit=TRAIL_PAGE + 1, before=before)
        return page(
            "beneficiaries/trail.html",
            beneficiary_id=beneficiary_id,
            trail=events[:TRAIL_PAGE],
            older=events[TRAIL_PAGE - 1].id if len(events) > TRAIL_PAGE else None,
            first_page=before is None,
        )

    @get("/{beneficiary_id:int}/notes")
    async def notes(self, actor: CurrentActor, beneficiary_id: Id) -> Template:
        notes = await services.list_notes(actor, beneficiary_id)
        return page("beneficiaries/partials/notes.html", notes=notes, beneficiary_id=beneficiary_id)

    @post("/{beneficiary_id:int}/notes")
    async def add_note(
        self, request: Request[Any, Any, Any], actor: CurrentActor, beneficiary_id: Id
    ) -> Response[Any]:
        try:
            data = await parse_form(request, NoteForm)
            await services.add_note(actor, beneficiary_id, data.text)
        except InvalidInput as error:
            return await _record_page(actor, beneficiary_id, errors=form_errors(error))
        flash(request, _("The note has been saved."))
        return see_other(request, f"/beneficiaries/{beneficiary_id}#notes")

    @post("/{beneficiary_id:int}/consents")
    async def add_consent(
        self, request: Request[Any, Any, Any], actor: CurrentActor, beneficiary_id: Id
    ) -> Response[Any]:
        try:
            form = await parse_form(request, ConsentForm)
            await services.record_consent(actor, beneficiary_id, form)
        except InvalidInput as error:
            return await _record_page(actor, beneficiary_id, errors=form_errors(error))
        flash(request, _("The consent has been recorded."))
        return see_other(request, f"/beneficiaries/{beneficiary_id}#consent")

    @post("/{beneficiary_id:int}/consents/{consent_id:int}/withdraw")
    async def withdraw_consent(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        beneficiary_id: Id,
        consent_id: Id,
    ) -> Response[Any]:
        await services.withdraw_consent(actor, beneficiary_id, consent_id)
        flash(request, _("The consent has been withdrawn."))
        return see_other(request, f"/beneficiaries/{beneficiary_id}#consent")

    @post("/{beneficiary_id:int}/shares")
    async def share(
        self, request: Request[Any, Any, Any], actor: CurrentActor, beneficiary_id: Id
    ) -> Response[Any]:
        try:
            data = await parse_form(request, ShareForm)
            await services.share_case(actor, beneficiary_id, data.organisation_id, data.kind)
        except InvalidInput as error:
            return await _record_page(actor, beneficiary_id, errors=form_errors(error))
        flash(request, _("The organisation has been asked to accept the case."))
        return see_other(request, f"/beneficiaries/{beneficiary_id}#sharing")

    @post("/shares/{share_id:int}/{answer:str}")
    async def answer_share(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        share_id: Id,
        answer: FromPath[str],
    ) -> Response[Any]:
        await services.answer_share(actor, share_id, answer == "accept")
        flash(
            request,
            _("The case has been accepted.") if answer == "accept" else _("The case was declined."),
        )
        return see_other(request, "/beneficiaries/")

    @get("/{beneficiary_id:int}/close")
    async def confirm_close(self, actor: CurrentActor, beneficiary_id: Id) -> Template:
        view = await services.get_beneficiary(actor, beneficiary_id)
        items = await services.still_open(actor, beneficiary_id, "closed")
        return _close_page(view.record, "closed", items)

    @post("/{beneficiary_id:int}/status")
    async def change_status(
        self, request: Request[Any, Any, Any], actor: CurrentActor, beneficiary_id: Id
    ) -> Response[Any]:
        data = StatusForm()
        try:
            data = await parse_form(request, StatusForm)
            await services.change_status(
                actor, beneficiary_id, data.status, data.reason or None, end=data.end
            )
        except services.CaseHasOpenItems as refused:
            # Returning home from the record's button, or something new since the page: the
            # caseworker sees what is open and confirms ending it.
            view = await services.get_beneficiary(actor, beneficiary_id)
            return _close_page(
                view.record, data.status, refused.items, reason=data.reason, refused=True
            )
        except InvalidInput as error:
            view = await services.get_beneficiary(actor, beneficiary_id)
            items = await services.still_open(actor, beneficiary_id, data.status)
            return _close_page(view.record, data.status, items, form_errors(error))
        flash(request, _("The status has been changed."))
        return see_other(request, f"/beneficiaries/{beneficiary_id}")

    @get("/{beneficiary_id:int}/erase")
    async def confirm_erase(self, actor: CurrentActor, beneficiary_id: Id) -> Template:
        view = await services.get_beneficiary(actor, beneficiary_id)
        return page("beneficiaries/confirm_erase.html", beneficiary=view.record)

    @post("/{beneficiary_id:int}/erase")
    async def erase(
        self, request: Request[Any, Any, Any], actor: CurrentActor, beneficiary_id: Id
    ) -> Response[Any]:
        await services.erase(actor, beneficiary_id)
        flash(request, _("The person's data has been erased."))
        return see_other(request, f"/beneficiaries/{beneficiary_id}")

    @post("/{beneficiary_id:int}/export")
    async def export(self, actor: CurrentActor, beneficiary_id: Id) -> Response[bytes]:
        """Everything stored about the person, as JSON (a subject-access request)."""
        data = await services.export_subject_data(actor, beneficiary_id)
        code = data["record"]["code"]
        body = json.dumps(data, default=_json_default, ensure_ascii=False, indent=2).encode()
        return Response(
            body,
            media_type="application/json",
            headers={
                "Content-Disposition": f'attachment; filename="fristad-{code}.json"',
                "Cache-Control": "no-store",
            },
        )


def _json_default(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _close_page(
    beneficiary: services.BeneficiaryRecord,
    target: str,
    items: Sequence[services.OpenItem],
    errors: dict[str, str] | None = None,
    *,
    reason: str = "",
    refused: bool = False,
) -> Template:
    """Closing or returning home: the reason (closing) and what is still open, to confirm."""
    return page(
        "beneficiaries/confirm_close.html",
        status_code=409 if refused else 200,
        beneficiary=beneficiary,
        target="returned" if target == "returned" else "closed",
        reason=reason,
        items=items,
        blocked=[item for item in items if not item.can_end],
        reasons=domain.options(domain.CLOSED_REASONS),
        errors=errors,
    )


async def _record_page(
    actor: Actor, beneficiary_id: int, *, errors: dict[str, str] | None = None
) -> Template:
    read = await services.record_page(actor, beneficiary_id, trail_limit=TRAIL_SHOWN + 1)
    view = read.view
    owner = view.access == services.Access.OWNER
    return page(
        "beneficiaries/show.html",
        view=view,
        b=view.record,
        owner=owner,
        needs_reason=not owner,
        situation=read.situation,
        consents=read.consents,
        shares=read.shares,
        history=read.history,
        trail=read.trail,
        trail_shown=TRAIL_SHOWN,
        organisations=await services.member_organisations(actor) if owner else [],
        providers=await services.provider_organisations() if owner else [],
        consent_scopes=domain.options(domain.CONSENT_SCOPES),
        consent_languages=codes.common_languages(),
        transitions=sorted(domain.STATUS_TRANSITIONS.get(view.record.status, set())),
        errors=errors,
    )
