"""Forms and API payloads of case plans, the minors' path and the region view (msgspec)."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Annotated

import msgspec

from fristad.schemas import Code, Count, DbId, Name

Contact = Annotated[str, msgspec.Meta(max_length=500)]
Owner = Annotated[
    str,
    msgspec.Meta(
        max_length=40,
        description="org:<id> (an organisation on the case) or authority:<code>",
        examples=["authority:prosecutor"],
    ),
]

# --- forms and request bodies (the same Structs: the API takes what the form takes) ---------


class SeedIn(msgspec.Struct):
    situation: Code = ""


class ActionChangeIn(msgspec.Struct):
    """Only the fields given change; outcome "" clears it."""

    state: Code | None = None
    outcome: Code | None = None
    due_on: dt.date | None = None
    owner: Owner | None = None


class SocialServicesIn(msgspec.Struct):
    municipality: Code = ""
    notified_on: dt.date | None = None


class GuardianIn(msgspec.Struct):
    guardian_name: Name = ""
    guardian_contact: Contact = ""


class GuardianConsentIn(msgspec.Struct):
    given_by: Code = ""


# --- answers ---------------------------------------------------------------------------------


class PlanActionOut(msgspec.Struct):
    id: DbId
    beneficiary_id: DbId
    code: str
    situation: str
    owner_organisation_id: int | None
    owner_organisation_name: str | None
    owner_authority: str | None
    due_on: dt.date | None
    state: str
    outcome: str | None
    overdue: bool
    next_states: list[str]


class MinorPathOut(msgspec.Struct):
    started_at: datetime
    social_services_municipality: str | None
    social_services_notified_at: datetime | None
    social_services_notified_by: str | None
    has_guardian: bool
    consent_given_by: str | None
    consent_recorded_at: datetime | None


class CasePlanOut(msgspec.Struct):
    beneficiary_id: DbId
    code: str
    actions: list[PlanActionOut]
    minor_path: MinorPathOut | None


class PlanNoticeOut(msgspec.Struct):
    id: DbId
    beneficiary_id: DbId
    beneficiary_code: str
    action_code: str
    due_on: dt.date
    created_at: datetime


class RegionCaseOut(msgspec.Struct):
    beneficiary_id: DbId
    code: str
    status: str
    is_minor: bool
    open_actions: Count
    overdue_actions: Count


class AcuteRequestOut(msgspec.Struct):
    support_request_id: DbId
    beneficiary_code: str
    category: str
    state: str
    decide_by: datetime | None


class WaitingHoldOut(msgspec.Struct):
    beneficiary_code: str
    shelter_name: str
    expires_at: datetime


class FreeBedsOut(msgspec.Struct):
    shelter_name: str
    municipality: str
    free: Count


class RegionServiceOut(msgspec.Struct):
    name: str
    provider_name: str
    kind: str
    available: int | None


class RegionOut(msgspec.Struct):
    region: str
    cases: list[RegionCaseOut]
    acute_requests: list[AcuteRequestOut]
    holds_waiting: list[WaitingHoldOut]
    free_beds: list[FreeBedsOut]
    services: list[RegionServiceOut]
