"""Forms and API bodies of matching (msgspec)."""

from __future__ import annotations

from typing import Annotated

import msgspec

from fristad.schemas import DbId
from matching.services.help_now import DEFAULT_NIGHTS, MAX_NIGHTS

Nights = Annotated[int, msgspec.Meta(ge=1, le=MAX_NIGHTS, description="Nights to apply for")]


class HoldForm(msgspec.Struct, kw_only=True):
    """Hold a matched bed and open its support request (page form and API body)."""

    category_id: DbId
    nights: Nights = DEFAULT_NIGHTS


class ReserveServiceForm(msgspec.Struct, kw_only=True):
    """Reserve a matched service and open its support request (page form and API body)."""

    service_id: DbId
    # Hours for a service counted in hours (default: what matching estimated); else one.
    units: Annotated[int, msgspec.Meta(ge=1, le=200)] | None = None
    # Legal aid: the matter (providers' LEGAL_MATTERS code); empty for none.
    matter: Annotated[str, msgspec.Meta(max_length=30)] = ""
    # Sent again with the same key, the request reserves nothing more.
    idempotency_key: Annotated[str, msgspec.Meta(max_length=80)] = ""


class PointOut(msgspec.Struct, frozen=True):
    code: str
    text: str
    points: int


class MatchOut(msgspec.Struct, frozen=True):
    """An eligible offer: a bed category of a shelter (never its address), with its score."""

    category_id: int
    shelter_id: int
    shelter_name: str
    category_name: str
    region: str
    municipality: str
    free: int
    score: int
    points: list[PointOut]
    unknowns: list[PointOut]
    call_first: bool
    expected_cost: int | None
    fits_budget: bool | None


class ExcludedOut(msgspec.Struct, frozen=True):
    category_id: int
    shelter_name: str
    category_name: str
    reason: str


class ExcludedGroupOut(msgspec.Struct, frozen=True):
    rule: str
    heading: str
    offers: list[ExcludedOut]


class BudgetOut(msgspec.Struct, frozen=True):
    programme_id: int
    programme_name: str
    category: str
    remaining: int


class MatchesOut(msgspec.Struct, frozen=True):
    """Help now for one person: eligible offers ranked, excluded ones grouped by rule."""

    beneficiary_id: int
    nights: int
    considered: int
    budget: BudgetOut | None
    eligible: list[MatchOut]
    excluded: list[ExcludedGroupOut]
    full_categories: int  # categories with no bed free now (counted, not listed)


class FundedHoldOut(msgspec.Struct, frozen=True):
    hold_id: int
    support_request_id: int
    nights: int
    expected_cost: int


class FundedReservationOut(msgspec.Struct, frozen=True):
    reservation_id: int
    support_request_id: int
    units: int
    expected_cost: int
