"""Beneficiary pages: list, record, forms in sections, consent, sharing, notes, identity."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from accounts.domain import Role
from accounts.web import has_role, require_actor
from beneficiaries import domain, services
from beneficiaries.schemas import BeneficiaryForm, ConsentForm, IdentityForm
from fristad.errors import InvalidInput
from fristad.i18n import gettext as _
from fristad.regions import POLICE_REGIONS, municipalities
from fristad.web import MAX_PAGE, Id, flash, page, parse_form, see_other

Form = Body(media_type=RequestEncodingType.URL_ENCODED)
CASE_WORK = has_role(Role.CASEWORKER, Role.COORDINATOR, Role.ORG_ADMIN, Role.OFFICER)


class NoteForm(msgspec.Struct):
    text: str = ""


class RevealForm(msgspec.Struct):
    reason: str = ""


class ShareForm(msgspec.Struct):
    organisation_id: int = 0
    kind: str = "share"


class StatusForm(msgspec.Struct):
    status: str = ""
    reason: str = ""


def _see_other(path: str) -> Redirect:
    return Redirect(path=path, status_code=303)


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
        "countries": domain.countries(),
        "languages": domain.languages(),
    }


def _form_from_record(record: dict[str, Any], gap: str) -> BeneficiaryForm:
    return BeneficiaryForm(
        gender=record["gender"],
        birth_year=record["birth_year"],
        citizenship=record["citizenship"] or "",
        languages=domain.split_codes(record["languages"]),
        children_count=record["children_count"],
        children_ages=[int(age) for age in domain.split_codes(record["children_ages"])],
        exploitation_types=domain.split_codes(record["exploitation_types"]),
        trafficking_status=record["trafficking_status"],
        identified_by=record["identified_by"] or "",
        region=record["region"],
        municipality=record["municipality"] or "",
        migration_status=record["migration_status"] or "",
        gap=gap,
        needs=domain.split_codes(record["needs"]),
        shelter_requirements=domain.split_codes(record["shelter_requirements"]),
        interpreter_language=record["interpreter_language"] or "",
        protected_identity=record["protected_identity"],
        avoid_regions=domain.split_codes(record["avoid_regions"]),
    )


class BeneficiaryController(Controller):
    path = "/beneficiaries"
    guards = [CASE_WORK]
    include_in_schema = False

    @get("/", name="beneficiaries")
    async def index(
        self,
        request: Request[Any, Any, Any],
        code: FromQuery[str] = "",
        status: FromQuery[str] = "",
        need: FromQuery[str] = "",
        region: FromQuery[str] = "",
        exploitation_type: FromQuery[str] = "",
        page_number: Annotated[int, QueryParameter(name="page", ge=1, le=MAX_PAGE)] = 1,
    ) -> Template:
        actor = require_actor(request)
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
            can_create=actor.role != Role.OFFICER,
            statuses=domain.options(domain.STATUSES),
            needs=domain.options(domain.NEEDS),
            exploitation_types=domain.options(domain.EXPLOITATION_TYPES),
        )

    @get("/new")
    async def new(self, request: Request[Any, Any, Any]) -> Template:
        return page(
            "beneficiaries/form.html",
            form=BeneficiaryForm(),
            identity=IdentityForm(),
            beneficiary=None,
            **_choices(),
        )

    @post("/")
    async def create(self, request: Request[Any, Any, Any]) -> Template | Response[Any]:
        actor = require_actor(request)
        form = identity = None
        try:
            form = await parse_form(request, BeneficiaryForm)
            identity = await parse_form(request, IdentityForm)
            beneficiary_id = await services.create_beneficiary(actor, form, identity)
        except InvalidInput as error:
            return page(
                "beneficiaries/form.html",
                form=form or BeneficiaryForm(),
                identity=identity or IdentityForm(),
                beneficiary=None,
                errors=error.errors,
                **_choices(),
            )
        flash(request, _("The person has been registered."))
        return see_other(request, f"/beneficiaries/{beneficiary_id}")

    @get("/{beneficiary_id:int}", name="beneficiary")
    async def show(self, request: Request[Any, Any, Any], beneficiary_id: Id) -> Template:
        return await _record_page(request, beneficiary_id)

    @get("/{beneficiary_id:int}/edit")
    async def edit(self, request: Request[Any, Any, Any], beneficiary_id: Id) -> Template:
        actor = require_actor(request)
        view = await services.get_beneficiary(actor, beneficiary_id)
        return page(
            "beneficiaries/form.html",
            form=_form_from_record(view.record, view.gap),
            identity=IdentityForm(),
            beneficiary=view.record,
            **_choices(),
        )

    @post("/{beneficiary_id:int}")
    async def update(
        self, request: Request[Any, Any, Any], beneficiary_id: Id
    ) -> Template | Response[Any]:
        actor = require_actor(request)
        form = None
        try:
            form = await parse_form(request, BeneficiaryForm)
            identity = await parse_form(request, IdentityForm)
            replace_identity = (await request.form()).get("replace_identity") == "yes"
            await services.update_beneficiary(
                actor, beneficiary_id, form, identity if replace_identity else None
            )
        except InvalidInput as error:
            view = await services.get_beneficiary(actor, beneficiary_id)
            return page(
                "beneficiaries/form.html",
                form=form or _form_from_record(view.record, view.gap),
                identity=IdentityForm(),
                beneficiary=view.record,
                errors=error.errors,
                **_choices(),
            )
        flash(request, _("The record has been saved."))
        return see_other(request, f"/beneficiaries/{beneficiary_id}")

    @post("/{beneficiary_id:int}/identity")
    async def identity(
        self,
        request: Request[Any, Any, Any],
        beneficiary_id: Id,
        data: Annotated[RevealForm, Form],
    ) -> Template:
        """Show the identity (POST: never in a URL, never cached); a reason where required."""
        actor = require_actor(request)
        try:
            identity = await services.reveal_identity(actor, beneficiary_id, data.reason)
        except InvalidInput as error:
            return page(
                "beneficiaries/partials/identity.html",
                identity=None,
                beneficiary_id=beneficiary_id,
                errors=error.errors,
            )
        return page(
            "beneficiaries/partials/identity.html",
            identity=identity,
            beneficiary_id=beneficiary_id,
        )

    @get("/{beneficiary_id:int}/notes")
    async def notes(self, request: Request[Any, Any, Any], beneficiary_id: Id) -> Template:
        notes = await services.list_notes(require_actor(request), beneficiary_id)
        return page("beneficiaries/partials/notes.html", notes=notes, beneficiary_id=beneficiary_id)

    @post("/{beneficiary_id:int}/notes")
    async def add_note(
        self,
        request: Request[Any, Any, Any],
        beneficiary_id: Id,
        data: Annotated[NoteForm, Form],
    ) -> Template | Redirect:
        actor = require_actor(request)
        try:
            await services.add_note(actor, beneficiary_id, data.text)
        except InvalidInput as error:
            return await _record_page(request, beneficiary_id, errors=error.errors)
        flash(request, _("The note has been saved."))
        return _see_other(f"/beneficiaries/{beneficiary_id}#notes")

    @post("/{beneficiary_id:int}/consents")
    async def add_consent(
        self, request: Request[Any, Any, Any], beneficiary_id: Id
    ) -> Template | Redirect:
        actor = require_actor(request)
        try:
            form = await parse_form(request, ConsentForm)
            await services.record_consent(actor, beneficiary_id, form)
        except InvalidInput as error:
            return await _record_page(request, beneficiary_id, errors=error.errors)
        flash(request, _("The consent has been recorded."))
        return _see_other(f"/beneficiaries/{beneficiary_id}#consent")

    @post("/{beneficiary_id:int}/consents/{consent_id:int}/withdraw")
    async def withdraw_consent(
        self,
        request: Request[Any, Any, Any],
        beneficiary_id: Id,
        consent_id: Id,
    ) -> Redirect:
        await services.withdraw_consent(require_actor(request), beneficiary_id, consent_id)
        flash(request, _("The consent has been withdrawn."))
        return _see_other(f"/beneficiaries/{beneficiary_id}#consent")

    @post("/{beneficiary_id:int}/shares")
    async def share(
        self,
        request: Request[Any, Any, Any],
        beneficiary_id: Id,
        data: Annotated[ShareForm, Form],
    ) -> Template | Redirect:
        actor = require_actor(request)
        try:
            await services.share_case(actor, beneficiary_id, data.organisation_id, data.kind)
        except InvalidInput as error:
            return await _record_page(request, beneficiary_id, errors=error.errors)
        flash(request, _("The organisation has been asked to accept the case."))
        return _see_other(f"/beneficiaries/{beneficiary_id}#sharing")

    @post("/shares/{share_id:int}/{answer:str}")
    async def answer_share(
        self, request: Request[Any, Any, Any], share_id: Id, answer: FromPath[str]
    ) -> Redirect:
        await services.answer_share(require_actor(request), share_id, answer == "accept")
        flash(
            request,
            _("The case has been accepted.") if answer == "accept" else _("The case was declined."),
        )
        return _see_other("/beneficiaries/")

    @get("/{beneficiary_id:int}/close")
    async def confirm_close(self, request: Request[Any, Any, Any], beneficiary_id: Id) -> Template:
        view = await services.get_beneficiary(require_actor(request), beneficiary_id)
        return page(
            "beneficiaries/confirm_close.html",
            beneficiary=view.record,
            reasons=domain.options(domain.CLOSED_REASONS),
        )

    @post("/{beneficiary_id:int}/status")
    async def change_status(
        self,
        request: Request[Any, Any, Any],
        beneficiary_id: Id,
        data: Annotated[StatusForm, Form],
    ) -> Template | Redirect:
        actor = require_actor(request)
        try:
            await services.change_status(actor, beneficiary_id, data.status, data.reason or None)
        except InvalidInput as error:
            view = await services.get_beneficiary(actor, beneficiary_id)
            return page(
                "beneficiaries/confirm_close.html",
                beneficiary=view.record,
                reasons=domain.options(domain.CLOSED_REASONS),
                errors=error.errors,
            )
        flash(request, _("The status has been changed."))
        return _see_other(f"/beneficiaries/{beneficiary_id}")

    @get("/{beneficiary_id:int}/erase")
    async def confirm_erase(self, request: Request[Any, Any, Any], beneficiary_id: Id) -> Template:
        view = await services.get_beneficiary(require_actor(request), beneficiary_id)
        return page("beneficiaries/confirm_erase.html", beneficiary=view.record)

    @post("/{beneficiary_id:int}/erase")
    async def erase(self, request: Request[Any, Any, Any], beneficiary_id: Id) -> Redirect:
        await services.erase(require_actor(request), beneficiary_id)
        flash(request, _("The person's data has been erased."))
        return _see_other(f"/beneficiaries/{beneficiary_id}")

    @post("/{beneficiary_id:int}/export")
    async def export(self, request: Request[Any, Any, Any], beneficiary_id: Id) -> Response[bytes]:
        """Everything stored about the person, as JSON (a subject-access request)."""
        data = await services.export_subject_data(require_actor(request), beneficiary_id)
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


async def _record_page(
    request: Request[Any, Any, Any],
    beneficiary_id: int,
    *,
    errors: dict[str, str] | None = None,
) -> Template:
    actor = require_actor(request)
    view = await services.get_beneficiary(actor, beneficiary_id)
    owner = view.access == services.Access.OWNER
    return page(
        "beneficiaries/show.html",
        view=view,
        b=view.record,
        owner=owner,
        needs_reason=not owner,
        consents=await services.consents_of(actor, beneficiary_id) if owner else [],
        shares=await services.shares_of(actor, beneficiary_id) if owner else [],
        history=await services.status_history(actor, beneficiary_id),
        trail=await services.trail(actor, beneficiary_id) if owner else [],
        organisations=await services.member_organisations(actor) if owner else [],
        consent_scopes=domain.options(domain.CONSENT_SCOPES),
        transitions=sorted(domain.STATUS_TRANSITIONS.get(view.record["status"], set())),
        errors=errors,
    )
