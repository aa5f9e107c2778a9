"""Forms and API payloads of beneficiaries (msgspec)."""

from __future__ import annotations

from datetime import date, datetime

import msgspec


class BeneficiaryForm(msgspec.Struct, kw_only=True):
    """The case record as entered (form and API); validated by domain.validate_record."""

    gender: str = "unknown"
    birth_year: int | None = None
    citizenship: str = ""
    languages: list[str] = msgspec.field(default_factory=list)
    children_count: int = 0
    children_ages: list[int] = msgspec.field(default_factory=list)
    exploitation_types: list[str] = msgspec.field(default_factory=list)
    trafficking_status: str = "presumed"
    identified_by: str = ""
    region: str = ""
    municipality: str = ""
    migration_status: str = ""
    gap: str = ""
    needs: list[str] = msgspec.field(default_factory=list)
    shelter_requirements: list[str] = msgspec.field(default_factory=list)
    interpreter_language: str = ""
    protected_identity: str = "none"
    avoid_regions: list[str] = msgspec.field(default_factory=list)


class IdentityForm(msgspec.Struct, kw_only=True):
    name: str = ""
    date_of_birth: date | None = None
    personal_number: str = ""
    contact: str = ""


class ConsentForm(msgspec.Struct, kw_only=True):
    scope: str = ""
    organisation_id: int | None = None
    given_at: date | None = None
    expires_at: date | None = None


class NoteForm(msgspec.Struct, kw_only=True):
    text: str = ""


class RevealForm(msgspec.Struct, kw_only=True):
    """Why the identity is needed (required when the actor's organisation does not own the case)."""

    reason: str = ""


class ShareForm(msgspec.Struct, kw_only=True):
    organisation_id: int = 0
    kind: str = "share"  # share | transfer


class StatusForm(msgspec.Struct, kw_only=True):
    status: str = ""
    reason: str = ""
    # The keys of what is still open (holds, the place, requests) the caseworker confirmed ending.
    end: list[str] = msgspec.field(default_factory=list)


class StatusIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A status change through the API; ``end`` as for the form (the 409 lists the keys)."""

    status: str
    reason: str = ""
    end: list[str] = msgspec.field(default_factory=list)


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
