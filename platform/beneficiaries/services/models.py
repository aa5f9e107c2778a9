"""What beneficiaries' services hand back: typed read models, built from rows in one place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypedDict

from beneficiaries.domain import ReadModel, split_codes
from beneficiaries.tables import Beneficiary


class Access(StrEnum):
    OWNER = "owner"  # the owning organisation
    SHARED = "shared"  # shared with the actor's organisation, or a coordinator of the region
    FUNDER = "funder"  # an officer, with the person's consent to share with the funder


def _codes(text: str | None) -> tuple[str, ...]:
    return tuple(split_codes(text))


# Every column but the encrypted ones: what a record read returns.
RECORD_COLUMNS = tuple(
    column for column in Beneficiary._meta.columns if not column._meta.name.endswith("_encrypted")
)


@dataclass(frozen=True)
class BeneficiaryRecord(ReadModel):
    """A case record without identity and gap (those are encrypted, and shown apart)."""

    id: int
    code: str
    organisation_id: int
    caseworker_id: int | None
    status: str
    gender: str
    birth_year: int | None
    age_band: str
    is_minor: bool
    citizenship: str | None
    languages: tuple[str, ...]
    children_count: int
    children_ages: tuple[int, ...]
    exploitation_types: tuple[str, ...]
    trafficking_status: str
    identified_by: str | None
    region: str
    municipality: str | None
    migration_status: str | None
    needs: tuple[str, ...]
    shelter_requirements: tuple[str, ...]
    interpreter_language: str | None
    protected_identity: str
    avoid_regions: tuple[str, ...]
    closed_reason: str | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    anonymised_at: datetime | None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> BeneficiaryRecord:
        return cls(
            id=row["id"],
            code=row["code"],
            organisation_id=row["organisation"],
            caseworker_id=row["caseworker"],
            status=row["status"],
            gender=row["gender"],
            birth_year=row["birth_year"],
            age_band=row["age_band"],
            is_minor=bool(row["is_minor"]),
            citizenship=row["citizenship"],
            languages=_codes(row["languages"]),
            children_count=row["children_count"],
            children_ages=tuple(int(age) for age in split_codes(row["children_ages"])),
            exploitation_types=_codes(row["exploitation_types"]),
            trafficking_status=row["trafficking_status"],
            identified_by=row["identified_by"],
            region=row["region"],
            municipality=row["municipality"],
            migration_status=row["migration_status"],
            needs=_codes(row["needs"]),
            shelter_requirements=_codes(row["shelter_requirements"]),
            interpreter_language=row["interpreter_language"],
            protected_identity=row["protected_identity"],
            avoid_regions=_codes(row["avoid_regions"]),
            closed_reason=row["closed_reason"],
            closed_at=row["closed_at"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            anonymised_at=row["anonymised_at"],
        )


@dataclass(frozen=True)
class BeneficiaryView(ReadModel):
    """A record as the actor may see it; ``gap`` only for the owner and the funder."""

    record: BeneficiaryRecord
    access: Access
    gap: str
    has_identity: bool


@dataclass(frozen=True)
class Filters:
    code: str = ""
    status: str = ""
    need: str = ""
    region: str = ""
    exploitation_type: str = ""
    page: int = 1


LIST_COLUMNS = (
    Beneficiary.id,
    Beneficiary.code,
    Beneficiary.organisation,
    Beneficiary.status,
    Beneficiary.gender,
    Beneficiary.age_band,
    Beneficiary.is_minor,
    Beneficiary.citizenship,
    Beneficiary.region,
    Beneficiary.municipality,
    Beneficiary.needs,
    Beneficiary.exploitation_types,
    Beneficiary.children_count,
    Beneficiary.updated_at,
)


@dataclass(frozen=True)
class ListRow(ReadModel):
    """One line of the list of people: coded facts only, no identity, no free text."""

    id: int
    code: str
    organisation_id: int
    status: str
    gender: str
    age_band: str
    is_minor: bool
    citizenship: str | None
    region: str
    municipality: str | None
    needs: tuple[str, ...]
    exploitation_types: tuple[str, ...]
    children_count: int
    updated_at: datetime

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> ListRow:
        return cls(
            id=row["id"],
            code=row["code"],
            organisation_id=row["organisation"],
            status=row["status"],
            gender=row["gender"],
            age_band=row["age_band"],
            is_minor=bool(row["is_minor"]),
            citizenship=row["citizenship"],
            region=row["region"],
            municipality=row["municipality"],
            needs=_codes(row["needs"]),
            exploitation_types=_codes(row["exploitation_types"]),
            children_count=row["children_count"],
            updated_at=row["updated_at"],
        )


@dataclass(frozen=True)
class Note(ReadModel):
    id: int
    created_at: datetime
    author: str | None
    text: str


@dataclass(frozen=True)
class ConsentEntry(ReadModel):
    id: int
    scope: str
    given_at: datetime
    expires_at: datetime | None
    withdrawn_at: datetime | None
    organisation_name: str | None  # for share_organisation: with whom
    language: str | None = None  # the language the consent was explained in
    interpreter_present: bool = False


@dataclass(frozen=True)
class ShareEntry(ReadModel):
    """The case offered to another organisation, as its owner sees it."""

    id: int
    kind: str  # share | transfer
    status: str  # pending | accepted | declined | revoked
    created_at: datetime
    organisation_name: str


@dataclass(frozen=True)
class IncomingShare(ReadModel):
    """A case another organisation offers to the actor's."""

    id: int
    kind: str
    created_at: datetime
    code: str
    from_organisation: str


@dataclass(frozen=True)
class StatusEntry(ReadModel):
    from_status: str | None
    to_status: str
    reason: str | None
    changed_at: datetime


@dataclass(frozen=True)
class TrailEvent(ReadModel):
    """One audit event of a record: who looked or changed what, and why."""

    id: int
    at: datetime
    action: str
    actor_user_id: int | None
    organisation_id: int | None
    role: str | None
    reason: str | None
    detail: Mapping[str, Any]
    actor_name: str | None = None
    organisation_name: str | None = None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> TrailEvent:
        return cls(
            id=row["id"],
            at=row["at"],
            action=row["action"],
            actor_user_id=row["actor_user_id"],
            organisation_id=row["organisation_id"],
            role=row["role"],
            reason=row["reason"],
            detail=row["detail"],
            actor_name=row.get("actor_name"),
            organisation_name=row.get("organisation_name"),
        )


@dataclass(frozen=True)
class CaseCounts(ReadModel):
    """Cases by status, anonymised or not: what retention must leave unchanged."""

    open: int = 0
    placed: int = 0
    returned: int = 0
    closed: int = 0


class SubjectData(TypedDict):
    """Everything stored about a person (a subject-access request), decrypted, as exported."""

    record: dict[str, Any]
    notes: list[dict[str, Any]]
    consents: list[dict[str, Any]]
    status_history: list[dict[str, Any]]
    shares: list[dict[str, Any]]


@dataclass(frozen=True)
class CaseFacts:
    """The coded facts of a case that matching needs (no identity, no free text)."""

    id: int
    code: str
    organisation_id: int
    caseworker_id: int | None
    status: str
    gender: str
    age_band: str
    is_minor: bool
    children_count: int
    languages: list[str]
    shelter_requirements: list[str]
    protected_identity: str
    avoid_regions: list[str]
    region: str
    municipality: str | None
    # A recorded interpreter language counts as interpreting arranged in that language.
    interpreter_language: str | None
    needs: list[str]
    exploitation_types: list[str]
    consents_to_shelter: bool
    waiting_since: datetime

    @property
    def age_known(self) -> bool:
        return self.age_band != "unknown"

    @property
    def interpreter_arranged(self) -> bool:
        return bool(self.interpreter_language)
