"""Forms and API payloads of beneficiaries (msgspec)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from fristad.schemas import Code, Count, DbId, FreeText, Int32, Int32List, Name


class BeneficiaryForm(msgspec.Struct, kw_only=True):
    """The case record as entered (form and API); validated by domain.validate_record."""

    gender: str = "unknown"
    birth_year: Int32 | None = None
    citizenship: str = ""
    languages: list[str] = msgspec.field(default_factory=list)
    children_count: Int32 = 0
    children_ages: Int32List = msgspec.field(default_factory=list)
    exploitation_types: list[str] = msgspec.field(default_factory=list)
    trafficking_status: str = "presumed"
    identified_by: str = ""
    region: str = ""
    municipality: str = ""
    migration_status: str = ""
    gap: FreeText = ""
    needs: list[str] = msgspec.field(default_factory=list)
    shelter_requirements: list[str] = msgspec.field(default_factory=list)
    interpreter_language: str = ""
    protected_identity: str = "none"
    avoid_regions: list[str] = msgspec.field(default_factory=list)


class IdentityForm(msgspec.Struct, kw_only=True):
    name: Name = ""
    date_of_birth: date | None = None
    personal_number: Code = ""
    contact: FreeText = ""


class ConsentForm(msgspec.Struct, kw_only=True):
    scope: Code = ""
    organisation_id: DbId | None = None
    given_at: date | None = None
    expires_at: date | None = None
    language: Code = ""
    interpreter_present: bool = False


class NoteForm(msgspec.Struct, kw_only=True):
    text: FreeText = ""


class RevealForm(msgspec.Struct, kw_only=True):
    """Why the identity is needed (required when the actor's organisation does not own the case)."""

    reason: FreeText = ""


class ShareForm(msgspec.Struct, kw_only=True):
    organisation_id: Count = 0
    kind: Code = "share"  # share | transfer


class StatusForm(msgspec.Struct, kw_only=True):
    status: Code = ""
    reason: Code = ""
    # The keys of what is still open (holds, the place, requests) the caseworker confirmed ending.
    end: list[Code] = msgspec.field(default_factory=list)


class StatusIn(msgspec.Struct, kw_only=True):
    """A status change through the API; ``end`` as for the form (the 409 lists the keys)."""

    status: Code
    reason: Code = ""
    end: list[Code] = msgspec.field(default_factory=list)


class OpenItemOut(msgspec.Struct, kw_only=True):
    key: str
    kind: str
    label: str
    can_end: bool
    why_not: str


class BeneficiaryOut(msgspec.Struct, kw_only=True):
    id: int
    code: str
    organisation_id: int
    status: str
    gender: str
    age_band: str
    is_minor: bool
    citizenship: str | None
    languages: list[str]
    children_count: int
    exploitation_types: list[str]
    trafficking_status: str
    region: str
    municipality: str | None
    migration_status: str | None
    needs: list[str]
    shelter_requirements: list[str]
    protected_identity: str
    created_at: datetime
    updated_at: datetime


class BeneficiaryIn(BeneficiaryForm, kw_only=True):
    identity: IdentityForm | None = None


# --- the API's case actions (unknown fields ignored, as everywhere in the API) ------------------


class ConsentIn(msgspec.Struct, kw_only=True):
    """A consent the person gave: ``organisation_id`` with the scope share_organisation."""

    scope: Code
    organisation_id: DbId | None = None
    given_at: date | None = None
    expires_at: date | None = None
    # The language the consent was explained in (ISO 639) and whether an interpreter was there.
    language: Code = ""
    interpreter_present: bool = False


class ConsentOut(msgspec.Struct, kw_only=True):
    id: int
    scope: str
    given_at: datetime
    expires_at: datetime | None
    withdrawn_at: datetime | None
    organisation_name: str | None


class NoteIn(msgspec.Struct, kw_only=True):
    text: FreeText


class ShareIn(msgspec.Struct, kw_only=True):
    organisation_id: DbId
    kind: Annotated[str, msgspec.Meta(pattern="^(share|transfer)$")] = "share"


class ShareAnswerIn(msgspec.Struct, kw_only=True):
    accept: bool


class CreatedOut(msgspec.Struct, kw_only=True):
    id: int
