"""Forms and API payloads of providers (msgspec), and the HSDS 3.x shape of the directory."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated

import msgspec

from fristad.schemas import Amount, Code, Count, FreeText, Int32, Name

IdempotencyKey = Annotated[str, msgspec.Meta(max_length=80)]
Units = Annotated[int, msgspec.Meta(ge=1, le=200, description="Hours, or 1 place or case")]
Contact = Annotated[str, msgspec.Meta(max_length=320)]

# --- forms ---------------------------------------------------------------------------------


class SearchForm(msgspec.Struct):
    text: Name = ""
    kind: Code = ""
    region: Code = ""
    language: Code = ""


class ReserveForm(msgspec.Struct):
    code: Code = ""
    units: str = "1"
    matter: Code = ""
    # Generated into the form: a double-submitted form finds the first reservation.
    idempotency_key: IdempotencyKey = ""


class CapacityForm(msgspec.Struct):
    available: str = ""
    maximum: str = ""
    version: Int32 = 0


class ReasonForm(msgspec.Struct):
    reason: Code = ""


class ServiceDetailsForm(msgspec.Struct):
    """A service's registration as its staff change it (the kind and the capacity stay)."""

    name: Name = ""
    description: FreeText = ""
    matters: list[Code] | str = ""
    residential: str = ""
    length_months: str = ""
    intake: Name = ""
    regions: list[Code] | str = ""
    remote: str = ""
    languages: Name = ""  # ISO 639 codes separated by spaces or commas
    target_groups: list[Code] | str = ""
    takes_minors: str = ""
    price_kronor: str = ""
    price_unit: Code = "case"
    referral_contact: Contact = ""
    # The service's version the form was filled from: a change made meanwhile is refused.
    version: Int32 = 0


class ServiceForm(ServiceDetailsForm):
    """Registering a service: its description, its kind and how its capacity is counted."""

    kind: Code = ""
    capacity_unit: Code = "cases"
    maximum: str = ""


_KRONOR = re.compile(r"\A[0-9]{1,12}(?:[.,][0-9]{1,2})?\Z")


def ore_of_kronor(kronor: str) -> int:
    """Typed kronor as öre; anything else is -1, which the service refuses as a negative price."""
    compact = kronor.replace(" ", "").replace("\xa0", "") or "0"
    if not _KRONOR.match(compact):
        return -1
    return int(Decimal(compact.replace(",", ".")) * 100)


# --- API -----------------------------------------------------------------------------------


class ServiceIn(msgspec.Struct, kw_only=True):
    name: Name
    kind: Code
    regions: list[Code] = []
    remote: bool = False
    languages: list[Code] = []
    target_groups: list[Code] = []
    takes_minors: bool = False
    price: Amount = 0
    price_unit: Code = "case"
    capacity_unit: Code = "cases"
    maximum: Count = 0
    referral_contact: Contact = ""
    matters: list[Code] = []
    residential: bool = False
    length_months: Annotated[int, msgspec.Meta(ge=1, le=60)] | None = None
    intake: Name = ""
    description: FreeText = ""


class ServiceDetailsIn(msgspec.Struct, kw_only=True):
    """A service's registration, replaced as a whole; its kind and capacity stay."""

    name: Name
    regions: list[Code] = []
    remote: bool = False
    languages: list[Code] = []
    target_groups: list[Code] = []
    takes_minors: bool = False
    price: Amount = 0
    price_unit: Code = "case"
    referral_contact: Contact = ""
    matters: list[Code] = []
    residential: bool = False
    length_months: Annotated[int, msgspec.Meta(ge=1, le=60)] | None = None
    intake: Name = ""
    description: FreeText = ""
    # The version the change was based on; a change made meanwhile is a 409.
    version: Int32 | None = None


class CapacityIn(msgspec.Struct, kw_only=True):
    available: Count
    maximum: Count
    # The version the numbers were based on; a change made meanwhile is a 409.
    version: Int32 | None = None


class ReservationIn(msgspec.Struct, kw_only=True):
    service_id: Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)]
    beneficiary_id: Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)]
    units: Units = 1
    matter: Code | None = None
    idempotency_key: IdempotencyKey | None = None


class DeclineIn(msgspec.Struct, kw_only=True):
    reason: Code


class ReservationOut(msgspec.Struct):
    id: int
    service_id: int
    service_name: str
    kind: str
    provider_id: int
    provider_name: str
    units: int
    unit: str
    matter: str | None
    status: str
    created_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    decline_reason: str | None
    cost: int
    code: str | None
    # A pending reservation the service no longer fits since its provider changed it: the
    # excluding rule's code (providers' EXCLUSIONS); None while it fits.
    misfit: str | None = None


class CapacityOut(msgspec.Struct):
    unit: str
    available: int
    maximum: int
    reserved: int
    version: int
    confirmed_at: datetime
    stale: bool


class ProviderServiceOut(msgspec.Struct):
    """A service as its provider keeps it (with its capacity)."""

    id: int
    name: str
    kind: str
    active: bool
    capacity: CapacityOut | None
