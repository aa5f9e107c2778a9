"""The read models providers' services return (pages and the API read them by attribute)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from beneficiaries.domain import MinimalProfile, split_codes
from providers.domain import ServiceFacts, is_stale


@dataclass(frozen=True)
class Capacity:
    """A service's capacity (HSDS service_capacity), for those who may see the numbers."""

    unit: str
    available: int
    maximum: int
    reserved: int
    version: int
    confirmed_at: datetime
    stale: bool


@dataclass(frozen=True)
class ServiceView:
    id: int
    provider_id: int
    provider_name: str
    name: str
    kind: str
    description: str
    matters: list[str]
    residential: bool
    length_months: int | None
    intake: str
    regions: list[str]
    remote: bool
    languages: list[str]
    target_groups: list[str]
    takes_minors: bool
    price: int
    price_unit: str
    referral_contact: str
    capacity_unit: str
    active: bool
    # None for roles that may not see how much is left.
    capacity: Capacity | None

    @classmethod
    def of(
        cls, row: dict[str, Any], *, show_capacity: bool, now: datetime, stale_hours: int
    ) -> ServiceView:
        capacity = (
            Capacity(
                unit=row["capacity_unit"],
                available=row["available"],
                maximum=row["maximum"],
                reserved=row["reserved"],
                version=row["version"],
                confirmed_at=row["confirmed_at"],
                stale=is_stale(row["confirmed_at"], now, stale_hours),
            )
            if show_capacity
            else None
        )
        return cls(
            id=row["id"],
            provider_id=row["provider"],
            provider_name=row["provider.name"],
            name=row["name"],
            kind=row["kind"],
            description=row["description"],
            matters=split_codes(row["matters"]),
            residential=row["residential"],
            length_months=row["length_months"],
            intake=row["intake"],
            regions=split_codes(row["regions"]),
            remote=row["remote"],
            languages=split_codes(row["languages"]),
            target_groups=split_codes(row["target_groups"]),
            takes_minors=row["takes_minors"],
            price=row["price"],
            price_unit=row["price_unit"],
            referral_contact=row["referral_contact"],
            capacity_unit=row["capacity_unit"],
            active=row["active"],
            capacity=capacity,
        )

    @property
    def facts(self) -> ServiceFacts:
        return ServiceFacts(
            kind=self.kind,
            regions=self.regions,
            remote=self.remote,
            languages=self.languages,
            target_groups=self.target_groups,
            takes_minors=self.takes_minors,
            matters=self.matters,
            active=self.active,
        )


@dataclass(frozen=True)
class ReservationView:
    id: int
    service_id: int
    service_name: str
    kind: str
    provider_id: int
    provider_name: str
    organisation_id: int
    beneficiary_id: int
    units: int
    unit: str
    matter: str | None
    status: str
    created_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    decline_reason: str | None
    cost: int  # öre: hours × rate, or the price per place or case
    referral_contact: str
    # The case's code for the reserving organisation; the provider reads it in ``profile``.
    code: str | None = None
    # What the provider may know of the person, while the person's consent holds.
    profile: MinimalProfile | None = None
    # The rule by which the service, narrowed by its provider since, no longer fits the person.
    misfit: str | None = None

    @property
    def pending(self) -> bool:
        return self.status == "pending"


@dataclass(frozen=True)
class CapacityRise:
    """A service's available capacity rose (history id, the service, when, available after)."""

    event_id: int
    service_id: int
    at: datetime
    available: int
