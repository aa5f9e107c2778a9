"""Forms and API payloads of the return programme (msgspec)."""

from __future__ import annotations

from datetime import date

import msgspec

from fristad.schemas import Amount, Code, DbId, Name


class ReferralForm(msgspec.Struct, kw_only=True):
    code: Name = ""
    authority_id: DbId | None = None
    country: Code = ""
    language: Code = ""
    interpreter_present: str = ""


class ReferralApiIn(msgspec.Struct, kw_only=True):
    beneficiary_id: DbId
    authority_id: DbId
    country: Code
    language: Code = "en"
    interpreter_present: bool = False


class AcceptForm(msgspec.Struct, kw_only=True):
    partner_id: DbId | None = None


class AcceptIn(msgspec.Struct, kw_only=True):
    partner_id: DbId


class TaskForm(msgspec.Struct, kw_only=True):
    action: Code = ""
    outcome: Code = ""
    due_on: date | None = None


class TaskIn(msgspec.Struct, kw_only=True):
    action: Code
    outcome: Code | None = None
    due_on: date | None = None


class CostForm(msgspec.Struct, kw_only=True):
    programme_id: DbId | None = None
    travel: str = ""
    escort: str = ""
    reintegration: str = ""


class CostIn(msgspec.Struct, kw_only=True):
    """The return's cost in öre: travel, escort, reintegration grant."""

    programme_id: DbId
    travel: Amount = 0
    escort: Amount = 0
    reintegration: Amount = 0


class CostRequestOut(msgspec.Struct, kw_only=True):
    support_request_id: int
