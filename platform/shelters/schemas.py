"""Forms and API payloads of shelters (msgspec)."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

# --- forms ---------------------------------------------------------------------------------


class AdjustForm(msgspec.Struct):
    what: str = "free"
    delta: int = 0
    version: int = 0
    # The pressed button of the operator's row, e.g. "free:-1": one form per category whose
    # buttons say the change (lighter than a form per button on a phone).
    change: str = ""

    def what_and_delta(self) -> tuple[str, int]:
        if not self.change:
            return self.what, self.delta
        what, _, delta = self.change.partition(":")
        return what, int(delta) if delta in ("1", "-1") else 0


class NumbersForm(msgspec.Struct):
    """A category's numbers as the operator wants them, from the version they were based on: a
    change made offline, sent when the connection returns, or the operator's choice after one
    met a conflict."""

    free: int = 0
    out_of_service: int = 0
    version: int = 0


class HoldForm(msgspec.Struct):
    code: str = ""
    # Generated into the form: a double-submitted form finds the first hold.
    idempotency_key: str = ""


class AcceptForm(msgspec.Struct):
    expected_discharge: str = ""


class ReasonForm(msgspec.Struct):
    reason: str = ""


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
    id: int
    free: int = msgspec.field()
    out_of_service: int = 0
    # The version last read; when given and the category changed since, the answer is 409.
    version: int | None = None


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
    category_id: int
    beneficiary_id: int
    # Repeating a request with the same key returns the first hold instead of holding again.
    idempotency_key: str | None = None


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
    reason: str


class ShelterForm(msgspec.Struct):
    name: str = ""
    address: str = ""
    municipality: str = ""
    target_groups: list[str] | str = msgspec.field(default_factory=list)
    languages: str = ""
    accessible: str = ""
    security_level: str = "standard"
    price_kronor: str = "0"
    referral_contact: str = ""
    experience: list[str] | str = msgspec.field(default_factory=list)


class CategoryForm(msgspec.Struct):
    name: str = ""
    capacity: str = ""
    target_groups: list[str] | str = msgspec.field(default_factory=list)
    children_allowed: str = ""
    max_children: str = ""
    accessible: str = ""
