"""Beneficiaries JSON API under /api/v1 (bearer tokens; same rules and audit as the pages)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post, put
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_201_CREATED,
    HTTP_204_NO_CONTENT,
    HTTP_409_CONFLICT,
)

from accounts.web import CurrentActor, signed_in
from beneficiaries import services
from beneficiaries.schemas import (
    BeneficiaryIn,
    BeneficiaryOut,
    ConsentForm,
    ConsentIn,
    ConsentOut,
    CreatedOut,
    NoteIn,
    OpenItemOut,
    ShareAnswerIn,
    ShareIn,
    StatusIn,
)
from fristad.errors import NotFound
from fristad.web import MAX_PAGE, PROBLEMS, Id


def _out(record: services.BeneficiaryRecord) -> BeneficiaryOut:
    """The record as the API shows it (its fields by name; the rest stays inside)."""
    return msgspec.convert(record, BeneficiaryOut, from_attributes=True)


class BeneficiariesApi(Controller):
    path = "/api/v1/beneficiaries"
    guards = [signed_in]
    tags = ["beneficiaries"]
    security = [{"BearerToken": []}]

    @get(
        "/",
        responses=PROBLEMS,
        operation_id="listBeneficiaries",
        summary="Records in reach (no identity), newest change first",
    )
    async def index(
        self,
        actor: CurrentActor,
        code: FromQuery[str] = "",
        status: FromQuery[str] = "",
        need: FromQuery[str] = "",
        region: FromQuery[str] = "",
        page_number: Annotated[int, QueryParameter(name="page", ge=1, le=MAX_PAGE)] = 1,
    ) -> list[BeneficiaryOut]:
        records = await services.list_records(
            actor,
            services.Filters(code=code, status=status, need=need, region=region, page=page_number),
        )
        return [_out(record) for record in records]

    @post(
        "/",
        responses=PROBLEMS,
        operation_id="createBeneficiary",
        status_code=HTTP_201_CREATED,
        summary="Register a person",
    )
    async def create(self, actor: CurrentActor, data: JSONBody[BeneficiaryIn]) -> BeneficiaryOut:
        return _out(await services.create_beneficiary(actor, data, data.identity))

    @get(
        "/{beneficiary_id:int}",
        responses=PROBLEMS,
        operation_id="getBeneficiary",
        summary="One record (audited)",
    )
    async def show(self, actor: CurrentActor, beneficiary_id: Id) -> BeneficiaryOut:
        return _out((await services.get_beneficiary(actor, beneficiary_id)).record)

    @put(
        "/{beneficiary_id:int}",
        responses=PROBLEMS,
        operation_id="updateBeneficiary",
        summary="Change a record (owning organisation)",
    )
    async def update(
        self, actor: CurrentActor, beneficiary_id: Id, data: JSONBody[BeneficiaryIn]
    ) -> BeneficiaryOut:
        return _out(await services.update_beneficiary(actor, beneficiary_id, data, data.identity))

    @post(
        "/{beneficiary_id:int}/status",
        responses=PROBLEMS,
        operation_id="changeBeneficiaryStatus",
        status_code=HTTP_200_OK,
        summary="Change the status (closing and returning home end what is open)",
        description=(
            "Closing or returning home ends the person's beds held, place and (closing) support "
            "requests not yet paid, in one transaction, when `end` lists every key of them; "
            "otherwise 409 with `open`, the list of what is still open (keys and labels)."
        ),
    )
    async def change_status(
        self, actor: CurrentActor, beneficiary_id: Id, data: JSONBody[StatusIn]
    ) -> Response[BeneficiaryOut | dict[str, object]]:
        try:
            record = await services.change_status(
                actor, beneficiary_id, data.status, data.reason or None, end=data.end
            )
        except services.CaseHasOpenItems as refused:
            body: dict[str, object] = {  # problem details (RFC 9457) with what is open
                "type": "about:blank",
                "title": "Conflict",
                "status": HTTP_409_CONFLICT,
                "detail": refused.message,
                "open": [
                    msgspec.convert(item, OpenItemOut, from_attributes=True)
                    for item in refused.items
                ],
            }
            return Response(body, status_code=HTTP_409_CONFLICT)
        return Response(_out(record), status_code=HTTP_200_OK)

    # --- consent, notes, sharing (identity and reading notes: never with a token, see policy) -

    @get(
        "/{beneficiary_id:int}/consents",
        responses=PROBLEMS,
        operation_id="listConsents",
        summary="The person's consents, newest first (owning organisation)",
    )
    async def consents(self, actor: CurrentActor, beneficiary_id: Id) -> list[ConsentOut]:
        return [
            msgspec.convert(consent, ConsentOut, from_attributes=True)
            for consent in await services.consents_of(actor, beneficiary_id)
        ]

    @post(
        "/{beneficiary_id:int}/consents",
        responses=PROBLEMS,
        operation_id="recordConsent",
        status_code=HTTP_201_CREATED,
        summary="Record a consent the person gave (owning organisation)",
    )
    async def record_consent(
        self, actor: CurrentActor, beneficiary_id: Id, data: JSONBody[ConsentIn]
    ) -> ConsentOut:
        form = msgspec.convert(msgspec.structs.asdict(data), ConsentForm)
        consent_id = await services.record_consent(actor, beneficiary_id, form)
        return await self._consent(actor, beneficiary_id, consent_id)

    @post(
        "/{beneficiary_id:int}/consents/{consent_id:int}/withdraw",
        responses=PROBLEMS,
        operation_id="withdrawConsent",
        status_code=HTTP_200_OK,
        summary="The person withdrew a consent: sharing that relied on it ends now",
    )
    async def withdraw_consent(
        self, actor: CurrentActor, beneficiary_id: Id, consent_id: Id
    ) -> ConsentOut:
        await services.withdraw_consent(actor, beneficiary_id, consent_id)
        return await self._consent(actor, beneficiary_id, consent_id)

    @staticmethod
    async def _consent(actor: CurrentActor, beneficiary_id: int, consent_id: int) -> ConsentOut:
        for consent in await services.consents_of(actor, beneficiary_id):
            if consent.id == consent_id:
                return msgspec.convert(consent, ConsentOut, from_attributes=True)
        raise NotFound

    @post(
        "/{beneficiary_id:int}/notes",
        responses=PROBLEMS,
        operation_id="addNote",
        status_code=HTTP_201_CREATED,
        summary="Add a case note (stored encrypted; owning organisation)",
        description="Reading the notes is not for API tokens (policy: beneficiary.identity).",
    )
    async def add_note(
        self, actor: CurrentActor, beneficiary_id: Id, data: JSONBody[NoteIn]
    ) -> CreatedOut:
        return CreatedOut(id=await services.add_note(actor, beneficiary_id, data.text))

    @post(
        "/{beneficiary_id:int}/shares",
        responses=PROBLEMS,
        operation_id="shareCase",
        status_code=HTTP_201_CREATED,
        summary="Ask an organisation to share or take over the case (needs the consent)",
    )
    async def share(
        self, actor: CurrentActor, beneficiary_id: Id, data: JSONBody[ShareIn]
    ) -> CreatedOut:
        share_id = await services.share_case(actor, beneficiary_id, data.organisation_id, data.kind)
        return CreatedOut(id=share_id)

    @post(
        "/shares/{share_id:int}/answer",
        responses=PROBLEMS,
        operation_id="answerShare",
        status_code=HTTP_204_NO_CONTENT,
        summary="Accept or decline a case shared with or transferred to the organisation",
    )
    async def answer_share(
        self, actor: CurrentActor, share_id: Id, data: JSONBody[ShareAnswerIn]
    ) -> None:
        await services.answer_share(actor, share_id, data.accept)
