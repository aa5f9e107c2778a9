"""The read models shelters' services hand to views, the API and other apps: frozen dataclasses,
never raw rows. Fields are named as the API names them (another row's id ends in ``_id``), so the
API builds its Out structs from them by field name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from beneficiaries.domain import MinimalProfile
from shelters.domain import Counts, can_move
from shelters.tables import Hold, Placement


@dataclass(frozen=True)
class OperatorCategory:
    """A bed category with all its counts, as its shelter's staff see and change them."""

    id: int
    shelter_id: int
    name: str
    capacity: int
    out_of_service: int
    occupied: int
    held: int
    external: int
    free: int
    # Raised by every change: an operator's edit names the version it saw.
    version: int
    confirmed_at: datetime
    active: bool

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> OperatorCategory:
        """From a ``bed_category`` row (a SELECT or an UPDATE … RETURNING of all columns)."""
        return cls(
            id=row["id"],
            shelter_id=row["shelter"],
            name=row["name"],
            capacity=row["capacity"],
            out_of_service=row["out_of_service"],
            occupied=row["occupied"],
            held=row["held"],
            external=row["external"],
            free=row["free"],
            version=row["version"],
            confirmed_at=row["confirmed_at"],
            active=row["active"],
        )

    @property
    def counts(self) -> Counts:
        return Counts(self.capacity, self.out_of_service, self.occupied, self.held, self.external)


@dataclass(frozen=True)
class OperatorShelter:
    """One of an operator's own shelters, with its free beds, freshness and waiting holds."""

    id: int
    operator_id: int
    name: str
    municipality: str
    region: str
    active: bool
    free: int
    stale: bool
    pending_holds: int
    # Its categories with their numbers: the operator's start page changes them in place.
    categories: tuple[OperatorCategory, ...] = ()


@dataclass(frozen=True)
class OperatorView:
    """A shelter as its own staff see it: with the secret address."""

    shelter: OperatorShelter
    address: str
    categories: list[OperatorCategory]

    @property
    def stale(self) -> bool:
        return self.shelter.stale


@dataclass(frozen=True)
class BedHold:
    """A hold on a bed, with where it is (never the street address)."""

    id: int
    category_id: int
    category_name: str
    shelter_id: int
    shelter_name: str
    operator_id: int
    region: str
    municipality: str
    beneficiary_id: int
    organisation_id: int  # the holding caseworker's
    created_by: int | None
    created_at: datetime
    expires_at: datetime
    status: str
    answered_by: int | None
    answered_at: datetime | None
    decline_reason: str | None

    @property
    def can_release(self) -> bool:
        """The holder may still give the bed back (the state machine says so)."""
        return can_move(self.status, "released")


# The SELECT that fills a BedHold: its aliases are the model's field names.
HOLD_COLUMNS = (
    Hold.id,
    Hold.category.as_alias("category_id"),
    Hold.category.name.as_alias("category_name"),
    Hold.shelter.as_alias("shelter_id"),
    Hold.shelter.name.as_alias("shelter_name"),
    Hold.shelter.operator.as_alias("operator_id"),
    Hold.shelter.region.as_alias("region"),
    Hold.shelter.municipality.as_alias("municipality"),
    Hold.beneficiary.as_alias("beneficiary_id"),
    Hold.organisation.as_alias("organisation_id"),
    Hold.created_by,
    Hold.created_at,
    Hold.expires_at,
    Hold.status,
    Hold.answered_by,
    Hold.answered_at,
    Hold.decline_reason,
)


@dataclass(frozen=True)
class CaseHold(BedHold):
    """A hold as the holding organisation lists it: with the case's pseudonymous code."""

    beneficiary_code: str
    # The person stays there now (the placing caseworker may read the address).
    placed: bool


@dataclass(frozen=True)
class IncomingHold:
    """A hold waiting for the shelter's answer, with the person's minimal profile."""

    hold: BedHold
    profile: MinimalProfile


@dataclass(frozen=True)
class Stay:
    """A placement: a person admitted to a bed through Fristad, until discharged."""

    id: int
    hold_id: int | None
    category_id: int
    category_name: str
    shelter_id: int
    operator_id: int
    beneficiary_id: int
    organisation_id: int  # the placing caseworker's
    placed_by: int | None
    admitted_by: int | None
    admitted_at: datetime
    expected_discharge: date | None
    discharged_at: datetime | None
    discharge_reason: str | None


# The SELECT that fills a Stay: its aliases are the model's field names.
STAY_COLUMNS = (
    Placement.id,
    Placement.hold.as_alias("hold_id"),
    Placement.category.as_alias("category_id"),
    Placement.category.name.as_alias("category_name"),
    Placement.shelter.as_alias("shelter_id"),
    Placement.shelter.operator.as_alias("operator_id"),
    Placement.beneficiary.as_alias("beneficiary_id"),
    Placement.organisation.as_alias("organisation_id"),
    Placement.placed_by,
    Placement.admitted_by,
    Placement.admitted_at,
    Placement.expected_discharge,
    Placement.discharged_at,
    Placement.discharge_reason,
)


@dataclass(frozen=True)
class Resident:
    """A current resident placed through Fristad, with their minimal profile."""

    stay: Stay
    profile: MinimalProfile


@dataclass(frozen=True)
class ShelterNotice:
    """An in-app notice (no personal data): what happened, at which shelter, when."""

    id: int
    kind: str
    shelter_name: str
    created_at: datetime
