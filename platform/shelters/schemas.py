"""Forms and API payloads of shelters (msgspec)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import msgspec

from fristad.schemas import (
    Amount,
    Code,
    Count,
    DbId,
    FreeText,
    Int32,
    Name,
    ShortName,
    whole_number,
)

IdempotencyKey = Annotated[str, msgspec.Meta(max_length=80)]

# --- forms ---------------------------------------------------------------------------------


class AdjustForm(msgspec.Struct):
    what: Code = "free"
    delta: Int32 = 0
    version: Int32 = 0
    # The pressed button of the operator's row, e.g. "free:-1": one form per category whose
    # buttons say the change (lighter than a form per button on a phone).
    change: Code = ""

    def what_and_delta(self) -> tuple[str, int]:
        if not self.change:
            return self.what, self.delta
        what, _, delta = self.change.partition(":")
        return what, int(delta) if delta in ("1", "-1") else 0


class NumbersForm(msgspec.Struct):
    """A category's numbers as the operator wants them, from the version they were based on: a
    change made offline, sent when the connection returns, or the operator's choice after one
    met a conflict."""

    free: Int32 = 0
    out_of_service: Int32 = 0
    version: Int32 = 0


class HoldForm(msgspec.Struct):
    code: Code = ""
    # Generated into the form: a double-submitted form finds the first hold.
    idempotency_key: IdempotencyKey = ""


class AcceptForm(msgspec.Struct):
    expected_discharge: Code = ""


class ReasonForm(msgspec.Struct):
    reason: Code = ""


# --- API -----------------------------------------------------------------------------------


class CategoryOut(msgspec.Struct):
    id: int
    name: str
    target_groups: list[str]
    children_allowed: bool
    accessible: bool
    capacity: int
    free: int
    confirmed_at: datetime
    stale: bool


class ShelterOut(msgspec.Struct):
    """A shelter as the board shows it: region and municipality, never the street address."""

    id: int
    name: str
    region: str
    municipality: str
    target_groups: list[str]
    languages: list[str]
    accessible: bool
    security_level: str
    price_per_night: int  # öre
    referral_contact: str
    free: int
    stale: bool
    categories: list[CategoryOut]


class CategoryNumbersIn(msgspec.Struct):
    id: DbId
    free: Count = msgspec.field()
    out_of_service: Count = 0
    # The version last read; when given and the category changed since, the answer is 409.
    version: Int32 | None = None


class AvailabilityIn(msgspec.Struct):
    categories: list[CategoryNumbersIn]


class OperatorCategoryOut(msgspec.Struct):
    id: int
    name: str
    capacity: int
    out_of_service: int
    occupied: int
    held: int
    external: int
    free: int
    version: int
    confirmed_at: datetime


class HoldIn(msgspec.Struct):
    category_id: DbId
    beneficiary_id: DbId
    # Repeating a request with the same key returns the first hold instead of holding again.
    idempotency_key: IdempotencyKey | None = None


class HoldOut(msgspec.Struct):
    id: int
    category_id: int
    shelter_id: int
    shelter_name: str
    beneficiary_id: int
    status: str
    created_at: datetime
    expires_at: datetime
    decline_reason: str | None


class AcceptIn(msgspec.Struct):
    expected_discharge: date | None = None


class DeclineIn(msgspec.Struct):
    reason: Code


class DischargeIn(msgspec.Struct):
    reason: Code


class ShelterIn(msgspec.Struct, kw_only=True):
    """A shelter the token's operator organisation registers; the address is stored encrypted."""

    name: Name
    address: FreeText
    municipality: Code
    target_groups: list[Code] = msgspec.field(default_factory=list)
    languages: list[Code] = msgspec.field(default_factory=list)
    accessible: bool = False
    security_level: Code = "standard"
    price_per_night: Amount = 0
    referral_contact: FreeText = ""
    experience: list[Code] = msgspec.field(default_factory=list)


class CategoryIn(msgspec.Struct, kw_only=True):
    name: ShortName
    capacity: Count
    target_groups: list[Code] = msgspec.field(default_factory=list)
    children_allowed: bool = False
    max_children: Count | None = None
    accessible: bool = False


class CreatedOut(msgspec.Struct):
    id: int


class AddressOut(msgspec.Struct):
    address: str


class StayOut(msgspec.Struct):
    id: int
    category_id: int
    shelter_id: int
    beneficiary_id: int
    admitted_at: datetime
    expected_discharge: date | None
    discharged_at: datetime | None
    discharge_reason: str | None


class ShelterForm(msgspec.Struct):
    name: Name = ""
    address: FreeText = ""
    municipality: Code = ""
    target_groups: list[Code] | Code = msgspec.field(default_factory=list)
    languages: Name = ""
    accessible: Code = ""
    security_level: Code = "standard"
    price_kronor: Code = "0"
    referral_contact: FreeText = ""
    experience: list[Code] | Code = msgspec.field(default_factory=list)


class CategoryForm(msgspec.Struct):
    name: ShortName = ""
    capacity: Code = ""
    target_groups: list[Code] | Code = msgspec.field(default_factory=list)
    children_allowed: Code = ""
    max_children: Code = ""
    accessible: Code = ""


# --- values typed in forms ----------------------------------------------------------------


def typed_date(text: str) -> date | None:
    """A date typed in a form (ISO); empty or not a date is None."""
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


_KRONOR = re.compile(r"\A[0-9]{1,12}(?:[.,][0-9]{1,2})?\Z")


def ore_of_kronor(kronor: str) -> int:
    """Typed kronor as öre; anything else (``inf``, ``1e30``, words) is -1, which the service
    refuses as a negative price."""
    compact = kronor.replace(" ", "").replace("\xa0", "") or "0"
    if not _KRONOR.match(compact):
        return -1
    return int(Decimal(compact.replace(",", ".")) * 100)


def count_or_none(text: str) -> int | None:
    """A count typed in a form; empty means "not stated", and anything else not a count is
    refused by the service's range check."""
    text = text.strip()
    if not text:
        return None
    count = whole_number(text, maximum=999)
    return -1 if count is None else count
