"""Beneficiary use cases: records, identity, notes, consent, sharing, status, export, retention.

Who sees what (DESIGN.md, privacy rules), decided here for the pages and the API alike:
- the owning organisation's caseworkers, coordinators and admins: the whole record, identity
  (revealed on request, audited) and notes;
- an organisation the case was shared with (accepted): the record without identity and notes;
- a coordinator: also the shared cases of their region, and identity only with a stated reason;
- an officer: cases whose person consented to share with the funder; identity only with a reason;
- shelter staff and everyone else: nothing here (shelters ask for the minimal profile of their
  own holds and placements through ``minimal_profile``).
A record out of reach is a NotFound, never a 403 that tells it exists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from piccolo.columns.combination import Or, Where
from piccolo.query.functions.aggregate import Count
from piccolo.query.methods.select import Select

from accounts import audit
from accounts.domain import Actor, Role
from accounts.policy import require
from beneficiaries import policy as _policy  # noqa: F401 - registers beneficiaries' actions
from beneficiaries.domain import (
    CLOSED_REASONS,
    CONSENT_SCOPES,
    EXPLOITATION_TYPES,
    GENDERS,
    IDENTIFIED_BY,
    MIGRATION_STATUSES,
    NEEDS,
    PROTECTED_IDENTITY,
    SHELTER_REQUIREMENTS,
    STATUS_TRANSITIONS,
    TRAFFICKING_STATUSES,
    MinimalProfile,
    age_band,
    age_on,
    birth_date_of,
    is_country,
    is_language,
    is_municipality,
    is_region,
    join_codes,
    new_code,
    normalise_code,
    normalise_identity_number,
    split_codes,
)
from beneficiaries.schemas import BeneficiaryForm, ConsentForm, IdentityForm
from beneficiaries.tables import Beneficiary, CaseNote, Consent, Share, StatusChange
from fristad import crypto
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from fristad.i18n import gettext as _

PAGE_SIZE = 25
CASE_ROLES = (Role.CASEWORKER, Role.COORDINATOR, Role.ORG_ADMIN)


def now() -> datetime:
    return datetime.now(UTC)


class Access(StrEnum):
    OWNER = "owner"  # the owning organisation
    SHARED = "shared"  # shared with the actor's organisation, or a coordinator of the region
    FUNDER = "funder"  # an officer, with the person's consent to share with the funder


# --- reach ---------------------------------------------------------------------------------


def _valid_consent_filter(scope: str) -> Where | Any:
    current = now()
    return (
        (Consent.scope == scope)
        & Consent.withdrawn_at.is_null()
        & (Consent.given_at <= current)
        & (Consent.expires_at.is_null() | (Consent.expires_at > current))
    )


def _reach(actor: Actor, query: Select[Any]) -> Select[Any]:
    """Restrict a Beneficiary query to the records the actor may see at all."""
    if actor.organisation_id is None or actor.role is None:
        return query.where(Beneficiary.id == -1)
    # Shared with the actor's organisation, for as long as the person's consent holds.
    consented = Consent.select(Consent.beneficiary).where(
        _valid_consent_filter("share_organisation")
        & (Consent.organisation == actor.organisation_id)
    )
    shared_with_me = Share.select(Share.beneficiary).where(
        (Share.organisation == actor.organisation_id)
        & (Share.status == "accepted")
        & Share.beneficiary.is_in(consented)
    )
    if actor.role == Role.OFFICER:
        if not (actor.membership and actor.membership.is_authority):
            return query.where(Beneficiary.id == -1)
        funder = Consent.select(Consent.beneficiary).where(_valid_consent_filter("share_funder"))
        return query.where(Beneficiary.id.is_in(funder))
    if actor.role == Role.COORDINATOR:
        # A coordinator supports the shared cases of their own region.
        return query.where(
            Or(
                Beneficiary.organisation == actor.organisation_id,
                Beneficiary.id.is_in(shared_with_me) & (Beneficiary.region == actor.region),
            )
        )
    if actor.role in CASE_ROLES:
        return query.where(
            Or(
                Beneficiary.organisation == actor.organisation_id,
                Beneficiary.id.is_in(shared_with_me),
            )
        )
    return query.where(Beneficiary.id == -1)


async def _access(actor: Actor, row: dict[str, Any]) -> Access | None:
    if actor.organisation_id is None or actor.role is None:
        return None
    if actor.role == Role.OFFICER:
        if not (actor.membership and actor.membership.is_authority):
            return None
        if await has_valid_consent(row["id"], "share_funder"):
            return Access.FUNDER
        return None
    if actor.role not in CASE_ROLES:
        return None
    if row["organisation"] == actor.organisation_id:
        return Access.OWNER
    if actor.role == Role.COORDINATOR and row["region"] != actor.region:
        return None
    shared = await Share.exists().where(
        (Share.beneficiary == row["id"])
        & (Share.organisation == actor.organisation_id)
        & (Share.status == "accepted")
    )
    if not shared:
        return None
    consented = await has_valid_consent(row["id"], "share_organisation", actor.organisation_id)
    return Access.SHARED if consented else None


async def _in_reach(
    actor: Actor, beneficiary_id: int, action: str = "beneficiary.read"
) -> tuple[dict[str, Any], Access]:
    """The record and the actor's access to it, after the policy allows ``action``."""
    require(actor, action)
    row = await Beneficiary.select().where(Beneficiary.id == beneficiary_id).first()
    if row is None:
        raise NotFound
    access = await _access(actor, row)
    if access is None:
        raise NotFound
    return row, access


def _require_owner(access: Access) -> None:
    if access != Access.OWNER:
        raise PermissionDenied(_("Only the organisation that owns the case can do this."))


# --- consent -------------------------------------------------------------------------------


async def has_valid_consent(
    beneficiary_id: int, scope: str, organisation_id: int | None = None
) -> bool:
    """Has the person a consent of ``scope`` in force now (for that organisation)?"""
    query = Consent.exists().where(
        (Consent.beneficiary == beneficiary_id) & _valid_consent_filter(scope)
    )
    if organisation_id is not None:
        query = query.where(Consent.organisation == organisation_id)
    return bool(await query)


async def record_consent(actor: Actor, beneficiary_id: int, form: ConsentForm) -> int:
    """Record a consent the person gave (owning organisation)."""
    _row, access = await _in_reach(actor, beneficiary_id, "beneficiary.write")
    _require_owner(access)
    errors = {}
    if form.scope not in CONSENT_SCOPES:
        errors["scope"] = _("Choose what the person consented to.")
    if form.scope == "share_organisation" and not (
        form.organisation_id and await _is_member_organisation(form.organisation_id)
    ):
        errors["organisation_id"] = _("Choose the organisation.")
    given = form.given_at or now().date()
    if given > now().date():
        errors["given_at"] = _("The date cannot be in the future.")
    if form.expires_at is not None and form.expires_at <= given:
        errors["expires_at"] = _("The consent must end after it was given.")
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        consent = Consent(
            beneficiary=beneficiary_id,
            scope=form.scope,
            organisation=form.organisation_id if form.scope == "share_organisation" else None,
            given_at=_start_of(given),
            expires_at=_start_of(form.expires_at) if form.expires_at else None,
            recorded_by=actor.user_id,
        )
        await consent.save()
        await audit.record(
            "consent.recorded",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            detail={"scope": form.scope, "consent_id": int(consent.id)},
        )
    return int(consent.id)


async def withdraw_consent(actor: Actor, beneficiary_id: int, consent_id: int) -> None:
    """The person withdrew a consent: sharing that relied on it stops from now on."""
    _row, access = await _in_reach(actor, beneficiary_id, "beneficiary.write")
    _require_owner(access)
    async with write_transaction():
        withdrawn = (
            await Consent.update({Consent.withdrawn_at: now()})
            .where(
                (Consent.id == consent_id)
                & (Consent.beneficiary == beneficiary_id)
                & Consent.withdrawn_at.is_null()
            )
            .returning(Consent.id, Consent.scope, Consent.organisation)
        )
        if not withdrawn:
            raise NotFound
        if withdrawn[0]["scope"] == "share_organisation":
            # Shares end; a transfer not yet accepted is called off (an accepted one moved
            # the case, and the consent to share no longer governs it).
            await Share.update({Share.status: "revoked", Share.answered_at: now()}).where(
                (Share.beneficiary == beneficiary_id)
                & (Share.organisation == withdrawn[0]["organisation"])
                & (
                    ((Share.kind == "share") & Share.status.is_in(["pending", "accepted"]))
                    | ((Share.kind == "transfer") & (Share.status == "pending"))
                )
            )
        await audit.record(
            "consent.withdrawn",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            detail={"scope": withdrawn[0]["scope"], "consent_id": consent_id},
        )


async def _is_member_organisation(organisation_id: int) -> bool:
    from accounts.tables import Organisation

    return bool(
        await Organisation.exists().where(
            (Organisation.id == organisation_id)
            & (Organisation.is_member_ngo == True)  # noqa: E712
            & (Organisation.active == True)  # noqa: E712
        )
    )


async def member_organisations(actor: Actor) -> list[tuple[int, str]]:
    """Other member organisations a case could be shared with or transferred to."""
    from accounts.tables import Organisation

    rows = (
        await Organisation.select(Organisation.id, Organisation.name)
        .where(
            (Organisation.is_member_ngo == True)  # noqa: E712
            & (Organisation.active == True)  # noqa: E712
            & (Organisation.id != (actor.organisation_id or 0))
        )
        .order_by(Organisation.name)
    )
    return [(row["id"], row["name"]) for row in rows]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


# --- records -------------------------------------------------------------------------------


def validate_record(form: BeneficiaryForm) -> dict[Any, Any]:
    """Check a record; returns the column values, or raises InvalidInput naming the fields."""
    errors: dict[str, str] = {}
    this_year = now().year

    def one_of(field: str, value: str, vocabulary: dict[str, str], message: str) -> None:
        if value not in vocabulary:
            errors[field] = message

    def all_of(field: str, values: list[str], vocabulary: dict[str, str], message: str) -> None:
        if any(value not in vocabulary for value in values):
            errors[field] = message

    one_of("gender", form.gender, GENDERS, _("Choose a gender."))
    if form.birth_year is not None and not this_year - 110 <= form.birth_year <= this_year:
        errors["birth_year"] = _("Enter a year of birth between {first} and {last}.").format(
            first=this_year - 110, last=this_year
        )
    citizenship = form.citizenship.strip().upper()
    if citizenship and not is_country(citizenship):
        errors["citizenship"] = _("Choose a country.")
    if any(not is_language(code) for code in form.languages):
        errors["languages"] = _("Choose languages from the list.")
    if not 0 <= form.children_count <= 20:
        errors["children_count"] = _("Enter the number of accompanying children (0–20).")
    if len(form.children_ages) > form.children_count or any(
        not 0 <= age <= 17 for age in form.children_ages
    ):
        errors["children_ages"] = _("Give one age (0–17) per child, at most one per child.")
    if not form.exploitation_types:
        errors["exploitation_types"] = _("Choose at least one form of exploitation.")
    all_of(
        "exploitation_types",
        form.exploitation_types,
        EXPLOITATION_TYPES,
        _("Choose forms of exploitation from the list."),
    )
    one_of(
        "trafficking_status", form.trafficking_status, TRAFFICKING_STATUSES, _("Choose a status.")
    )
    if form.identified_by:
        one_of("identified_by", form.identified_by, IDENTIFIED_BY, _("Choose who identified it."))
    if not is_region(form.region):
        errors["region"] = _("Choose the police region.")
    elif form.municipality and not is_municipality(form.municipality, form.region):
        errors["municipality"] = _("Choose a municipality in the chosen region.")
    if form.migration_status:
        one_of(
            "migration_status",
            form.migration_status,
            MIGRATION_STATUSES,
            _("Choose a migration status."),
        )
    if len(form.gap) > 4000:
        errors["gap"] = _("Keep the explanation under 4,000 characters.")
    all_of("needs", form.needs, NEEDS, _("Choose needs from the list."))
    all_of(
        "shelter_requirements",
        form.shelter_requirements,
        SHELTER_REQUIREMENTS,
        _("Choose requirements from the list."),
    )
    if "interpreter" in form.needs and not form.interpreter_language:
        errors["interpreter_language"] = _("Choose the language to interpret.")
    if form.interpreter_language and not is_language(form.interpreter_language):
        errors["interpreter_language"] = _("Choose a language from the list.")
    one_of(
        "protected_identity",
        form.protected_identity,
        PROTECTED_IDENTITY,
        _("Choose a level of protection."),
    )
    if any(not is_region(code) for code in form.avoid_regions):
        errors["avoid_regions"] = _("Choose regions from the list.")
    if errors:
        raise InvalidInput(errors)
    # With the year alone the birthday may still be ahead: count the younger age, so nobody
    # who may be a child is taken for an adult.
    age = None if form.birth_year is None else this_year - form.birth_year - 1
    return {
        Beneficiary.gender: form.gender,
        Beneficiary.birth_year: form.birth_year,
        Beneficiary.age_band: age_band(age),
        Beneficiary.is_minor: age is not None and age < 18,
        Beneficiary.citizenship: citizenship or None,
        Beneficiary.languages: join_codes(form.languages),
        Beneficiary.children_count: form.children_count,
        Beneficiary.children_ages: " ".join(str(age) for age in sorted(form.children_ages)),
        Beneficiary.exploitation_types: join_codes(form.exploitation_types),
        Beneficiary.trafficking_status: form.trafficking_status,
        Beneficiary.identified_by: form.identified_by or None,
        Beneficiary.region: form.region,
        Beneficiary.municipality: form.municipality or None,
        Beneficiary.migration_status: form.migration_status or None,
        Beneficiary.gap_encrypted: crypto.encrypt(form.gap.strip()) if form.gap.strip() else None,
        Beneficiary.needs: join_codes(form.needs),
        Beneficiary.shelter_requirements: join_codes(form.shelter_requirements),
        Beneficiary.interpreter_language: form.interpreter_language or None,
        Beneficiary.protected_identity: form.protected_identity,
        Beneficiary.avoid_regions: join_codes(form.avoid_regions),
    }


def validate_identity(form: IdentityForm) -> dict[str, str] | None:
    """The identity to encrypt, or None when nothing was given."""
    errors = {}
    number = ""
    if form.personal_number.strip():
        number = normalise_identity_number(form.personal_number) or ""
        if not number:
            errors["personal_number"] = _(
                "Enter a valid personal identity number or coordination number."
            )
    if form.date_of_birth and form.date_of_birth > now().date():
        errors["date_of_birth"] = _("The date of birth cannot be in the future.")
    if errors:
        raise InvalidInput(errors)
    birth = form.date_of_birth or (birth_date_of(number) if number else None)
    values = {
        "name": form.name.strip()[:200],
        "date_of_birth": birth.isoformat() if birth else "",
        "personal_number": number,
        "contact": form.contact.strip()[:500],
    }
    return values if any(values.values()) else None


def _with_identity_facts(values: dict[Any, Any], identity: dict[str, str] | None) -> None:
    """A known date of birth decides birth year, age band and the minor flag."""
    if identity and identity["date_of_birth"]:
        birth = date.fromisoformat(identity["date_of_birth"])
        age = age_on(birth, now().date())
        values[Beneficiary.birth_year] = birth.year
        values[Beneficiary.age_band] = age_band(age)
        values[Beneficiary.is_minor] = age < 18


async def create_beneficiary(
    actor: Actor, form: BeneficiaryForm, identity_form: IdentityForm | None = None
) -> int:
    """Register a person under a new pseudonymous code (caseworkers of member organisations)."""
    require(actor, "beneficiary.write")
    if (
        actor.membership is None
        or actor.role not in CASE_ROLES
        or not actor.membership.is_member_ngo
    ):
        raise PermissionDenied(_("Only caseworkers of member organisations register people."))
    errors: dict[str, str] = {}
    values: dict[Any, Any] = {}
    identity = None
    try:
        values = validate_record(form)
    except InvalidInput as error:
        errors |= error.errors
    try:
        identity = validate_identity(identity_form or IdentityForm())
    except InvalidInput as error:
        errors |= error.errors
    if errors:
        raise InvalidInput(errors)
    _with_identity_facts(values, identity)
    for _attempt in range(10):
        code = new_code()
        async with write_transaction():
            if await Beneficiary.exists().where(Beneficiary.code == code):
                continue
            row = Beneficiary(
                code=code,
                organisation=actor.organisation_id,
                caseworker=actor.user_id,
                identity_encrypted=crypto.encrypt(json.dumps(identity)) if identity else None,
                created_at=now(),
                updated_at=now(),
                **{column._meta.name: value for column, value in values.items()},
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
            return int(row.id)
    raise Conflict(_("Could not find a free code. Try again."))


async def update_beneficiary(
    actor: Actor,
    beneficiary_id: int,
    form: BeneficiaryForm,
    identity_form: IdentityForm | None = None,
) -> None:
    """Change the record (owning organisation). Identity is replaced only when given."""
    row, access = await _in_reach(actor, beneficiary_id, "beneficiary.write")
    _require_owner(access)
    if row["anonymised_at"] is not None:
        raise Conflict(_("The personal data of this case has been erased."))
    errors: dict[str, str] = {}
    values: dict[Any, Any] = {}
    identity = None
    try:
        values = validate_record(form)
    except InvalidInput as error:
        errors |= error.errors
    if identity_form is not None:
        try:
            identity = validate_identity(identity_form)
        except InvalidInput as error:
            errors |= error.errors
    if errors:
        raise InvalidInput(errors)
    if identity_form is not None:
        values[Beneficiary.identity_encrypted] = (
            crypto.encrypt(json.dumps(identity)) if identity else None
        )
    else:
        identity = _decrypt_identity(row)
    _with_identity_facts(values, identity)
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


def _decrypt_identity(row: dict[str, Any]) -> dict[str, str] | None:
    if not row["identity_encrypted"]:
        return None
    identity: dict[str, str] = json.loads(crypto.decrypt(row["identity_encrypted"]))
    return identity


@dataclass(frozen=True)
class BeneficiaryView:
    """A record as the actor may see it; ``gap`` only for the owner and the funder."""

    record: dict[str, Any]
    access: Access
    gap: str
    has_identity: bool


async def get_beneficiary(actor: Actor, beneficiary_id: int) -> BeneficiaryView:
    """Open a record (audited in the same transaction as the read)."""
    async with write_transaction():
        row, access = await _in_reach(actor, beneficiary_id)
        await audit.record(
            "beneficiary.viewed",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            detail={"access": str(access)},
        )
    record = {key: value for key, value in row.items() if not key.endswith("_encrypted")}
    gap = ""
    if access in (Access.OWNER, Access.FUNDER) and row["gap_encrypted"]:
        gap = crypto.decrypt(row["gap_encrypted"])
    return BeneficiaryView(
        record=record,
        access=access,
        gap=gap,
        has_identity=bool(row["identity_encrypted"]),
    )


async def reveal_identity(
    actor: Actor, beneficiary_id: int, reason: str = ""
) -> dict[str, str] | None:
    """The person's identity: the owner's caseworkers may see it; a coordinator or officer only
    when they state why (break the glass), which the owning organisation sees in the trail."""
    async with write_transaction():
        row, access = await _in_reach(actor, beneficiary_id, "beneficiary.identity")
        if access != Access.OWNER:
            if not actor.has_role(Role.COORDINATOR, Role.OFFICER):
                raise PermissionDenied(_("Your role cannot see the identity of this person."))
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
    return _decrypt_identity(row)


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


def _like_code(column: Any, code: str) -> Any:
    """Whole-word match in a space-separated code list."""
    return (
        (column == code)
        | column.like(f"{code} %")
        | column.like(f"% {code}")
        | column.like(f"% {code} %")
    )


async def list_beneficiaries(actor: Actor, filters: Filters) -> tuple[list[dict[str, Any]], int]:
    """A page of the records in reach (no identity, no free text) and the total count."""
    require(actor, "beneficiary.read")

    def filtered(query: Select[Any]) -> Select[Any]:
        query = _reach(actor, query)
        if filters.code.strip():
            query = query.where(Beneficiary.code.like(normalise_code(filters.code) + "%"))
        if filters.status:
            query = query.where(Beneficiary.status == filters.status)
        if filters.region:
            query = query.where(Beneficiary.region == filters.region)
        if filters.need:
            query = query.where(_like_code(Beneficiary.needs, filters.need))
        if filters.exploitation_type:
            query = query.where(
                _like_code(Beneficiary.exploitation_types, filters.exploitation_type)
            )
        return query

    page = max(filters.page, 1)
    rows = (
        await filtered(Beneficiary.select(*LIST_COLUMNS))
        .order_by(Beneficiary.updated_at, ascending=False)
        .order_by(Beneficiary.id, ascending=False)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    total_row = await filtered(Beneficiary.select(Count(alias="total"))).first()
    return list(rows), int(total_row["total"]) if total_row else 0


# --- notes ---------------------------------------------------------------------------------


async def add_note(actor: Actor, beneficiary_id: int, text: str) -> int:
    _row, access = await _in_reach(actor, beneficiary_id, "beneficiary.write")
    _require_owner(access)
    if not text.strip():
        raise InvalidInput({"text": _("Write the note.")})
    if len(text) > 10_000:
        raise InvalidInput({"text": _("Keep the note under 10,000 characters.")})
    async with write_transaction():
        note = CaseNote(
            beneficiary=beneficiary_id,
            author=actor.user_id,
            created_at=now(),
            text_encrypted=crypto.encrypt(text.strip()),
        )
        await note.save()
        await audit.record(
            "beneficiary.note_added",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            detail={"note_id": int(note.id)},
        )
    return int(note.id)


async def list_notes(actor: Actor, beneficiary_id: int) -> list[dict[str, Any]]:
    """The case notes, newest first (owning organisation only; audited)."""
    async with write_transaction():
        _row, access = await _in_reach(actor, beneficiary_id, "beneficiary.identity")
        _require_owner(access)
        rows = (
            await CaseNote.select(
                CaseNote.id, CaseNote.created_at, CaseNote.text_encrypted, CaseNote.author.name
            )
            .where(CaseNote.beneficiary == beneficiary_id)
            .order_by(CaseNote.created_at, ascending=False)
        )
        await audit.record(
            "beneficiary.notes_viewed",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            detail={"count": len(rows)},
        )
    return [
        {
            "id": row["id"],
            "created_at": row["created_at"],
            "author": row["author.name"],
            "text": crypto.decrypt(row["text_encrypted"]),
        }
        for row in rows
    ]


# --- status --------------------------------------------------------------------------------


async def change_status(
    actor: Actor | None,
    beneficiary_id: int,
    to_status: str,
    reason: str | None = None,
) -> None:
    """Move a case through open → placed/returned → closed (and reopen).

    ``actor`` None: a higher app records an event it owns (shelters admitting someone).
    """
    if actor is not None:
        row, access = await _in_reach(actor, beneficiary_id, "beneficiary.write")
        _require_owner(access)
    else:
        found = await Beneficiary.select().where(Beneficiary.id == beneficiary_id).first()
        if found is None:
            raise NotFound
        row = found
    if to_status not in STATUS_TRANSITIONS.get(row["status"], set()):
        raise Conflict(_("A case cannot go from this status to that one."))
    if to_status == "closed" and reason not in CLOSED_REASONS:
        raise InvalidInput({"reason": _("Choose why the case is closed.")})
    async with write_transaction():
        changed = (
            await Beneficiary.update(
                {
                    Beneficiary.status: to_status,
                    Beneficiary.closed_reason: reason if to_status == "closed" else None,
                    Beneficiary.closed_at: now() if to_status == "closed" else None,
                    Beneficiary.updated_at: now(),
                }
            )
            .where((Beneficiary.id == beneficiary_id) & (Beneficiary.status == row["status"]))
            .returning(Beneficiary.id)
        )
        if not changed:  # someone else changed it meanwhile (double-submitted form)
            raise Conflict(_("The case was changed meanwhile. Reload the page."))
        await StatusChange.insert(
            StatusChange(
                beneficiary=beneficiary_id,
                from_status=row["status"],
                to_status=to_status,
                reason=reason,
                changed_by=actor.user_id if actor else None,
                changed_at=now(),
            )
        )
        await audit.record(
            "beneficiary.status_changed",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            detail={"from": row["status"], "to": to_status, "reason": reason},
        )


async def status_history(actor: Actor, beneficiary_id: int) -> list[dict[str, Any]]:
    await _in_reach(actor, beneficiary_id)
    return list(
        await StatusChange.select()
        .where(StatusChange.beneficiary == beneficiary_id)
        .order_by(StatusChange.changed_at)
    )


# --- sharing -------------------------------------------------------------------------------


async def share_case(
    actor: Actor, beneficiary_id: int, organisation_id: int, kind: str = "share"
) -> int:
    """Offer the case to another organisation (share, or transfer ownership); it must accept.

    Needs the person's consent to share with that very organisation.
    """
    _row, access = await _in_reach(actor, beneficiary_id, "beneficiary.write")
    _require_owner(access)
    if kind not in ("share", "transfer"):
        raise InvalidInput({"kind": _("Choose share or transfer.")})
    if organisation_id == actor.organisation_id:
        raise InvalidInput({"organisation_id": _("Choose another organisation.")})
    if not await has_valid_consent(beneficiary_id, "share_organisation", organisation_id):
        raise PermissionDenied(_("The person has not consented to sharing with this organisation."))
    if not await _is_member_organisation(organisation_id):
        raise InvalidInput({"organisation_id": _("Choose a member organisation.")})
    async with write_transaction():
        if await Share.exists().where(
            (Share.beneficiary == beneficiary_id)
            & (Share.organisation == organisation_id)
            & Share.status.is_in(["pending", "accepted"])
        ):
            raise Conflict(_("The case is shared with this organisation already."))
        share = Share(
            beneficiary=beneficiary_id,
            organisation=organisation_id,
            kind=kind,
            created_by=actor.user_id,
            created_at=now(),
        )
        await share.save()
        await audit.record(
            f"beneficiary.{kind}_offered",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            detail={"share_id": int(share.id), "organisation_id": organisation_id},
        )
    return int(share.id)


async def answer_share(actor: Actor, share_id: int, accept: bool) -> None:
    """The receiving organisation accepts or declines; a transfer moves ownership."""
    require(actor, "beneficiary.write")
    share = await Share.select().where(Share.id == share_id).first()
    if share is None or share["organisation"] != actor.organisation_id:
        raise NotFound
    if actor.role not in CASE_ROLES:
        raise PermissionDenied(_("Only caseworkers answer shared cases."))
    async with write_transaction():
        if accept and not await has_valid_consent(
            share["beneficiary"], "share_organisation", actor.organisation_id
        ):
            raise Conflict(_("The person's consent to share with you is no longer valid."))
        answered = (
            await Share.update(
                {
                    Share.status: "accepted" if accept else "declined",
                    Share.answered_by: actor.user_id,
                    Share.answered_at: now(),
                }
            )
            .where((Share.id == share_id) & (Share.status == "pending"))
            .returning(Share.id)
        )
        if not answered:
            raise Conflict(_("This has been answered already."))
        if accept and share["kind"] == "transfer":
            moved = (
                await Beneficiary.update(
                    {
                        Beneficiary.organisation: actor.organisation_id,
                        Beneficiary.caseworker: actor.user_id,
                        Beneficiary.updated_at: now(),
                    }
                )
                .where(
                    (Beneficiary.id == share["beneficiary"])
                    & (Beneficiary.organisation != actor.organisation_id)
                    & Beneficiary.anonymised_at.is_null()
                )
                .returning(Beneficiary.id)
            )
            if not moved:
                raise Conflict(_("The case can no longer be transferred."))
        await audit.record(
            f"beneficiary.{share['kind']}_{'accepted' if accept else 'declined'}",
            actor=actor,
            object_type="beneficiary",
            object_id=share["beneficiary"],
            detail={"share_id": share_id},
        )


async def incoming_shares(actor: Actor) -> list[dict[str, Any]]:
    if actor.organisation_id is None or actor.role not in CASE_ROLES:
        return []
    return list(
        await Share.select(
            Share.id,
            Share.kind,
            Share.created_at,
            Share.beneficiary.code,
            Share.beneficiary.organisation.name.as_alias("from_organisation"),  # type: ignore[union-attr]
        )
        .where((Share.organisation == actor.organisation_id) & (Share.status == "pending"))
        .order_by(Share.created_at)
    )


async def shares_of(actor: Actor, beneficiary_id: int) -> list[dict[str, Any]]:
    _row, access = await _in_reach(actor, beneficiary_id)
    _require_owner(access)
    return list(
        await Share.select(
            Share.id, Share.kind, Share.status, Share.created_at, Share.organisation.name
        )
        .where(Share.beneficiary == beneficiary_id)
        .order_by(Share.created_at)
    )


async def consents_of(actor: Actor, beneficiary_id: int) -> list[dict[str, Any]]:
    _row, access = await _in_reach(actor, beneficiary_id)
    _require_owner(access)
    return list(
        await Consent.select(
            Consent.id,
            Consent.scope,
            Consent.given_at,
            Consent.expires_at,
            Consent.withdrawn_at,
            Consent.organisation.name,
        )
        .where(Consent.beneficiary == beneficiary_id)
        .order_by(Consent.given_at, ascending=False)
    )


async def trail(actor: Actor, beneficiary_id: int) -> list[dict[str, Any]]:
    """The audit events of this record: who looked and what changed (owning organisation)."""
    _row, access = await _in_reach(actor, beneficiary_id)
    _require_owner(access)
    return await audit.events_of("beneficiary", beneficiary_id)


# --- for other apps ------------------------------------------------------------------------


async def case_for(actor: Actor, beneficiary_id: int) -> dict[str, Any]:
    """The record (no identity) when the actor's organisation owns it; for grants and shelters
    acting on behalf of their own cases."""
    row, access = await _in_reach(actor, beneficiary_id)
    _require_owner(access)
    return {key: value for key, value in row.items() if not key.endswith("_encrypted")}


async def case_id_by_code(actor: Actor, code: str) -> int:
    """The id of one of the actor's organisation's own cases, found by its pseudonymous code."""
    require(actor, "beneficiary.write")
    row = (
        await Beneficiary.select(Beneficiary.id)
        .where(
            (Beneficiary.code == normalise_code(code))
            & (Beneficiary.organisation == (actor.organisation_id or 0))
        )
        .first()
    )
    if row is None:
        raise InvalidInput({"code": _("No case of your organisation has this code.")})
    return int(row["id"])


async def end_placement(beneficiary_id: int) -> None:
    """A placement ended (shelters calls this): a case still marked placed is open again.

    A case moved on meanwhile (returned home, closed) keeps its status.
    """
    row = (
        await Beneficiary.select(Beneficiary.status).where(Beneficiary.id == beneficiary_id).first()
    )
    if row is not None and row["status"] == "placed":
        await change_status(None, beneficiary_id, "open")


async def gap_of(beneficiary_id: int) -> str:
    """The gap explanation, for an app that has authorised the actor already."""
    row = (
        await Beneficiary.select(Beneficiary.gap_encrypted)
        .where(Beneficiary.id == beneficiary_id)
        .first()
    )
    if row is None:
        raise NotFound
    return crypto.decrypt(row["gap_encrypted"]) if row["gap_encrypted"] else ""


async def minimal_profile(beneficiary_id: int) -> MinimalProfile:
    """What a shelter may know; the calling app authorises (its own holds and placements)
    and records the read in the audit log."""
    row = (
        await Beneficiary.select(
            Beneficiary.id,
            Beneficiary.code,
            Beneficiary.gender,
            Beneficiary.age_band,
            Beneficiary.is_minor,
            Beneficiary.children_count,
            Beneficiary.children_ages,
            Beneficiary.languages,
            Beneficiary.shelter_requirements,
            Beneficiary.protected_identity,
        )
        .where(Beneficiary.id == beneficiary_id)
        .first()
    )
    if row is None:
        raise NotFound
    return MinimalProfile(
        beneficiary_id=row["id"],
        code=row["code"],
        gender=row["gender"],
        age_band=row["age_band"],
        is_minor=row["is_minor"],
        children_count=row["children_count"],
        children_ages=[int(age) for age in split_codes(row["children_ages"])],
        languages=split_codes(row["languages"]),
        shelter_requirements=split_codes(row["shelter_requirements"]),
        protected_identity=row["protected_identity"] != "none",
    )


# --- subject access, erasure, retention, keys ----------------------------------------------


async def export_subject_data(actor: Actor, beneficiary_id: int) -> dict[str, Any]:
    """Everything stored about the person (a subject-access request), decrypted; audited."""
    async with write_transaction():
        row, access = await _in_reach(actor, beneficiary_id, "beneficiary.identity")
        _require_owner(access)
        notes = await CaseNote.select().where(CaseNote.beneficiary == beneficiary_id)
        consents = await Consent.select().where(Consent.beneficiary == beneficiary_id)
        statuses = await StatusChange.select().where(StatusChange.beneficiary == beneficiary_id)
        shares = await Share.select().where(Share.beneficiary == beneficiary_id)
        await audit.record(
            "beneficiary.exported",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
        )
    record = {key: value for key, value in row.items() if not key.endswith("_encrypted")}
    record["identity"] = _decrypt_identity(row)
    record["gap"] = crypto.decrypt(row["gap_encrypted"]) if row["gap_encrypted"] else ""
    return {
        "record": record,
        "notes": [
            {"created_at": note["created_at"], "text": crypto.decrypt(note["text_encrypted"])}
            for note in notes
        ],
        "consents": list(consents),
        "status_history": list(statuses),
        "shares": list(shares),
    }


async def _anonymise(beneficiary_id: int, *, only_if: Any = None) -> bool:
    """Erase what identifies the person; keep the coded fields statistics are made of.

    ``only_if``: a further condition that must still hold at the moment of writing.
    """
    condition = Beneficiary.id == beneficiary_id
    if only_if is not None:
        condition = condition & only_if
    erased = (
        await Beneficiary.update(
            {
                Beneficiary.identity_encrypted: None,
                Beneficiary.gap_encrypted: None,
                Beneficiary.caseworker: None,
                Beneficiary.birth_year: None,
                Beneficiary.children_ages: "",
                Beneficiary.municipality: None,
                Beneficiary.interpreter_language: None,
                Beneficiary.avoid_regions: "",
                Beneficiary.anonymised_at: now(),
            }
        )
        .where(condition)
        .returning(Beneficiary.id)
    )
    if erased:
        await CaseNote.delete().where(CaseNote.beneficiary == beneficiary_id)
    return bool(erased)


async def erase(actor: Actor, beneficiary_id: int) -> None:
    """Erase the person's data now (the person asked, or it should never have been stored)."""
    row, access = await _in_reach(actor, beneficiary_id, "beneficiary.erase")
    _require_owner(access)
    async with write_transaction():
        await _anonymise(beneficiary_id)
        if row["status"] != "closed":
            await Beneficiary.update(
                {
                    Beneficiary.status: "closed",
                    Beneficiary.closed_reason: "other",
                    Beneficiary.closed_at: now(),
                }
            ).where(Beneficiary.id == beneficiary_id)
        await audit.record(
            "beneficiary.erased", actor=actor, object_type="beneficiary", object_id=beneficiary_id
        )


async def run_retention(months: int, *, today: datetime | None = None) -> list[str]:
    """Anonymise cases closed more than ``months`` ago; returns their codes. Idempotent."""
    cutoff = _months_before(today or now(), months)
    still_due = (
        (Beneficiary.status == "closed")
        & (Beneficiary.closed_at < cutoff)
        & Beneficiary.anonymised_at.is_null()
    )
    due = await Beneficiary.select(Beneficiary.id, Beneficiary.code).where(still_due)
    erased = []
    for row in due:
        async with write_transaction():
            # Re-checked in the write: a case reopened meanwhile keeps its data.
            if not await _anonymise(row["id"], only_if=still_due):
                continue
            await audit.record(
                "beneficiary.retention_erased",
                object_type="beneficiary",
                object_id=row["id"],
                detail={"months": months},
            )
        erased.append(row["code"])
    return erased


def _months_before(moment: datetime, months: int) -> datetime:
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, 28)
    return moment.replace(year=year, month=month + 1, day=day)


async def rotate_keys() -> int:
    """Re-encrypt every encrypted field under the newest key; returns how many were rewritten."""
    rewritten = 0
    for table, column in (
        (Beneficiary, Beneficiary.identity_encrypted),
        (Beneficiary, Beneficiary.gap_encrypted),
        (CaseNote, CaseNote.text_encrypted),
    ):
        rows = await table.select(table.id, column).where(column.is_not_null())
        for row in rows:
            async with write_transaction():
                await table.update({column: crypto.rotate(row[column._meta.name])}).where(
                    table.id == row["id"]
                )
            rewritten += 1
    return rewritten


async def statistics() -> dict[str, int]:
    """Counts by status (all cases, anonymised or not): what retention must leave unchanged."""
    rows = await Beneficiary.select(Beneficiary.status, Count(alias="count")).group_by(
        Beneficiary.status
    )
    return {row["status"]: int(row["count"]) for row in rows}
