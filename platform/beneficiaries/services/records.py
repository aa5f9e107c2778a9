"""Case records: register, change, open, list, reveal the identity, read the record's trail."""

from __future__ import annotations

from typing import Any

from piccolo.columns import Column
from piccolo.query.functions.aggregate import Count
from piccolo.query.methods.select import Select

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from beneficiaries.domain import (
    ColumnValues,
    Identity,
    identity_facts,
    new_code,
    normalise_code,
    validate_identity,
    validate_record,
)
from beneficiaries.schemas import BeneficiaryForm, IdentityForm
from beneficiaries.services.models import (
    LIST_COLUMNS,
    RECORD_COLUMNS,
    Access,
    BeneficiaryRecord,
    BeneficiaryView,
    Filters,
    ListRow,
    TrailEvent,
)
from beneficiaries.services.reach import (
    decrypt_gap,
    decrypt_identity,
    encrypt_identity,
    in_reach,
    now,
    record_of,
    require_owner,
    within_reach,
)
from beneficiaries.services.registered import announce_registration
from beneficiaries.tables import Beneficiary, StatusChange
from fristad import crypto
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput, PermissionDenied
from fristad.i18n import gettext as _

PAGE_SIZE = 25


def _checked(
    form: BeneficiaryForm, identity_form: IdentityForm | None
) -> tuple[ColumnValues, Identity | None]:
    """The record's column values and the identity given, or InvalidInput naming every field
    in error (record and identity together, so one submission shows them all)."""
    errors: dict[str, str] = {}
    values: ColumnValues = {}
    identity = None
    today = now().date()
    try:
        values = validate_record(form, today)
    except InvalidInput as error:
        errors |= error.errors
    if identity_form is not None:
        try:
            identity = validate_identity(identity_form, today)
        except InvalidInput as error:
            errors |= error.errors
    if errors:
        raise InvalidInput(errors)
    gap = form.gap.strip()
    values[Beneficiary.gap_encrypted] = crypto.encrypt(gap) if gap else None
    return values, identity


def _name_of(column: Column | str) -> str:
    return column if isinstance(column, str) else column._meta.name


async def create_beneficiary(
    actor: Actor, form: BeneficiaryForm, identity_form: IdentityForm | None = None
) -> BeneficiaryRecord:
    """Register a person under a new pseudonymous code (caseworkers of member organisations)."""
    require(actor, "beneficiary.create")
    values, identity = _checked(form, identity_form or IdentityForm())
    values |= identity_facts(identity, now().date())
    for _attempt in range(10):
        code = new_code()
        async with write_transaction():
            if await Beneficiary.exists().where(Beneficiary.code == code):
                continue
            row = Beneficiary(
                code=code,
                organisation=actor.organisation_id,
                caseworker=actor.user_id,
                identity_encrypted=encrypt_identity(identity),
                created_at=now(),
                updated_at=now(),
                **{_name_of(column): value for column, value in values.items()},
            )
            await row.save()
            await StatusChange.insert(
                StatusChange(
                    beneficiary=row.id, to_status="open", changed_by=actor.user_id, changed_at=now()
                )
            )
            await audit.record(
                "beneficiary.created", actor=actor, object_type="beneficiary", object_id=row.id
            )
            record = await record_of(int(row.id))
            await announce_registration(actor, record)
            return record
    raise Conflict(_("Could not find a free code. Try again."))


async def update_beneficiary(
    actor: Actor,
    beneficiary_id: int,
    form: BeneficiaryForm,
    identity_form: IdentityForm | None = None,
) -> BeneficiaryRecord:
    """Change the record (owning organisation). Identity is replaced only when given."""
    row, access = await in_reach(actor, beneficiary_id, "beneficiary.write")
    require_owner(access)
    if row["anonymised_at"] is not None:
        raise Conflict(_("The personal data of this case has been erased."))
    values, identity = _checked(form, identity_form)
    if identity_form is not None:
        values[Beneficiary.identity_encrypted] = encrypt_identity(identity)
    else:
        identity = decrypt_identity(row)
    values |= identity_facts(identity, now().date())
    values[Beneficiary.updated_at] = now()
    async with write_transaction():
        changed = (
            await Beneficiary.update(values)
            .where((Beneficiary.id == beneficiary_id) & Beneficiary.anonymised_at.is_null())
            .returning(Beneficiary.id)
        )
        if not changed:  # erased meanwhile: never write personal data back
            raise Conflict(_("The personal data of this case has been erased."))
        await audit.record(
            "beneficiary.updated",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            detail={"identity_changed": identity_form is not None},
        )
        return await record_of(beneficiary_id)


async def get_beneficiary(actor: Actor, beneficiary_id: int) -> BeneficiaryView:
    """Open a record (audited in the same transaction as the read)."""
    async with write_transaction():
        row, access = await in_reach(actor, beneficiary_id)
        await audit.record(
            "beneficiary.viewed",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            detail={"access": str(access)},
        )
    return BeneficiaryView(
        record=BeneficiaryRecord.of(row),
        access=access,
        gap=decrypt_gap(row) if access in (Access.OWNER, Access.FUNDER) else "",
        has_identity=bool(row["identity_encrypted"]),
    )


async def reveal_identity(actor: Actor, beneficiary_id: int, reason: str = "") -> Identity | None:
    """The person's identity: the owner's caseworkers may see it; a coordinator or officer only
    when they state why (break the glass), which the owning organisation sees in the trail."""
    async with write_transaction():
        row, access = await in_reach(actor, beneficiary_id, "beneficiary.identity")
        if access != Access.OWNER:
            require(actor, "beneficiary.break_glass")
            if len(reason.strip()) < 10:
                raise InvalidInput({"reason": _("Say why you need to see the identity.")})
        if row["protected_identity"] == "fictitious_identity" and access != Access.OWNER:
            raise PermissionDenied(_("This person's identity is protected."))
        await audit.record(
            "beneficiary.identity_viewed",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            reason=reason.strip()[:500] or None,
            detail={"access": str(access), "break_glass": access != Access.OWNER},
        )
    return decrypt_identity(row)


def _like_code(column: Any, code: str) -> Any:
    """Whole-word match in a space-separated code list."""
    return (
        (column == code)
        | column.like(f"{code} %")
        | column.like(f"% {code}")
        | column.like(f"% {code} %")
    )


def _filtered(actor: Actor, filters: Filters, query: Select[Any]) -> Select[Any]:
    query = within_reach(actor, query)
    if filters.code.strip():
        query = query.where(Beneficiary.code.like(normalise_code(filters.code) + "%"))
    if filters.status:
        query = query.where(Beneficiary.status == filters.status)
    if filters.region:
        query = query.where(Beneficiary.region == filters.region)
    if filters.need:
        query = query.where(_like_code(Beneficiary.needs, filters.need))
    if filters.exploitation_type:
        query = query.where(_like_code(Beneficiary.exploitation_types, filters.exploitation_type))
    return query


async def _page_of(
    actor: Actor, filters: Filters, columns: tuple[Column, ...]
) -> list[dict[str, Any]]:
    """One page of the records in reach that match, newest change first."""
    page = max(filters.page, 1)
    return list(
        await _filtered(actor, filters, Beneficiary.select(*columns))
        .order_by(Beneficiary.updated_at, ascending=False)
        .order_by(Beneficiary.id, ascending=False)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )


async def list_beneficiaries(actor: Actor, filters: Filters) -> tuple[list[ListRow], int]:
    """A page of the records in reach (no identity, no free text) and the total count."""
    require(actor, "beneficiary.read")
    rows = await _page_of(actor, filters, LIST_COLUMNS)
    total = await _filtered(actor, filters, Beneficiary.select(Count(alias="total"))).first()
    return [ListRow.of(row) for row in rows], int(total["total"]) if total else 0


async def list_records(actor: Actor, filters: Filters) -> list[BeneficiaryRecord]:
    """A page of whole records in reach (no identity, no gap), newest change first: the API's
    list. One query, audited once as a read of the records it returns."""
    require(actor, "beneficiary.read")
    async with write_transaction():
        rows = await _page_of(actor, filters, RECORD_COLUMNS)
        await audit.record(
            "beneficiary.listed",
            actor=actor,
            object_type="beneficiary",
            detail={"ids": [row["id"] for row in rows]},
        )
    return [BeneficiaryRecord.of(row) for row in rows]


async def trail(
    actor: Actor, beneficiary_id: int, *, limit: int, before: int | None = None
) -> list[TrailEvent]:
    """The audit events of this record, newest first, ``limit`` at a time (older than the event
    ``before``): who looked and what changed (owning organisation)."""
    _row, access = await in_reach(actor, beneficiary_id)
    require_owner(access)
    return await trail_events(beneficiary_id, limit=limit, before=before)


async def trail_events(
    beneficiary_id: int, *, limit: int, before: int | None = None
) -> list[TrailEvent]:
    """``trail`` without the reach check, for a caller that made it."""
    events = await audit.events_of("beneficiary", beneficiary_id, limit=limit, before=before)
    return [TrailEvent.of(row) for row in events]
