"""Shelter use cases: availability, the live board, holds, placements, expiry and reminders.

No double booking: a bed is taken by one conditional write (``UPDATE … SET free = free - 1 …
WHERE free > 0 RETURNING``) inside ``write_transaction()``; the CHECK constraints on
``bed_category`` and the partial UNIQUE indexes on holds and placements are the backstop, on
SQLite and PostgreSQL alike. Every count change writes a history row and an audit event in the
same transaction; board events, jobs and e-mails go out only after the commit.

Who sees what: the board (region, municipality, free beds, freshness) is for caseworkers,
coordinators and officers; a shelter's staff see their own shelters, the holds on them with the
person's minimal profile (audited), and the address; the placing caseworker sees the address of
a confirmed placement (audited). Objects out of reach are a NotFound.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from piccolo.engine.postgres import PostgresEngine
from redis.exceptions import RedisError

from accounts import audit
from accounts.domain import Actor, Role
from accounts.policy import require
from accounts.tables import Membership, Organisation, User
from beneficiaries import services as beneficiaries
from beneficiaries.domain import MinimalProfile
from fristad import crypto, i18n
from fristad.database import engine, write_transaction
from fristad.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from fristad.i18n import gettext as _
from fristad.mail import Mail
from fristad.queue import QueueNotOpenError, enqueue, send_mail_later
from fristad.regions import POLICE_REGIONS, municipalities
from fristad.settings import Settings, get_settings
from shelters import events
from shelters import policy as _policy  # noqa: F401 - registers the shelters' actions
from shelters.domain import (
    DECLINE_REASONS,
    DISCHARGE_REASONS,
    MAX_CAPACITY,
    SECURITY_LEVELS,
    TARGET_GROUPS,
    Counts,
    codes_in,
    external_for,
    is_stale,
)
from shelters.tables import AvailabilityChange, BedCategory, Hold, Notice, Placement, Shelter

log = logging.getLogger("fristad.shelters")
OPERATOR_ROLES = (Role.SHELTER_STAFF, Role.ORG_ADMIN)


def now() -> datetime:
    return datetime.now(UTC)


def _is_constraint_error(error: BaseException) -> bool:
    """A UNIQUE or CHECK constraint refused the write (sqlite3 or asyncpg)."""
    if isinstance(error, sqlite3.IntegrityError):
        return True
    try:
        from asyncpg.exceptions import IntegrityConstraintViolationError
    except ImportError:  # pragma: no cover - asyncpg comes with piccolo[postgres]
        return False
    return isinstance(error, IntegrityConstraintViolationError)


def _no_bed() -> Conflict:
    return Conflict(_("No bed is free in this category any more. Choose another or try later."))


# --- shelters and categories ---------------------------------------------------------------


@dataclass(frozen=True)
class NewShelter:
    name: str
    address: str
    municipality: str
    target_groups: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    accessible: bool = False
    security_level: str = "standard"
    price_per_night: int = 0
    referral_contact: str = ""


@dataclass(frozen=True)
class NewCategory:
    name: str
    capacity: int
    target_groups: list[str] = field(default_factory=list)
    children_allowed: bool = False
    accessible: bool = False
    out_of_service: int = 0
    occupied_outside: int = 0


async def create_shelter(actor: Actor | None, operator_id: int, data: NewShelter) -> int:
    """Register a shelter of an operator organisation (its admins, system admins, the demo)."""
    if actor is not None:
        require(actor, "shelter.manage", operator_id)
    operator = (
        await Organisation.select(Organisation.is_shelter_operator)
        .where(Organisation.id == operator_id)
        .first()
    )
    if operator is None:
        raise NotFound
    errors: dict[str, str] = {}
    if not operator["is_shelter_operator"]:
        errors[""] = _("The organisation is not registered as a shelter operator.")
    if not data.name.strip():
        errors["name"] = _("Enter the shelter's name.")
    if not data.address.strip():
        errors["address"] = _("Enter the street address (it stays secret).")
    place = municipalities().get(data.municipality)
    if place is None:
        errors["municipality"] = _("Choose a municipality.")
    if not data.target_groups or not codes_in(data.target_groups, TARGET_GROUPS):
        errors["target_groups"] = _("Choose who the shelter takes in.")
    if data.security_level not in SECURITY_LEVELS:
        errors["security_level"] = _("Choose a security level.")
    if data.price_per_night < 0:
        errors["price_per_night"] = _("The price cannot be negative.")
    if errors:
        raise InvalidInput(errors)
    assert place is not None
    async with write_transaction():
        shelter = Shelter(
            operator=operator_id,
            name=data.name.strip(),
            address_encrypted=crypto.encrypt(data.address.strip()),
            municipality=place.code,
            region=place.region,
            target_groups=" ".join(data.target_groups),
            languages=" ".join(data.languages),
            accessible=data.accessible,
            security_level=data.security_level,
            price_per_night=data.price_per_night,
            referral_contact=data.referral_contact.strip(),
            created_at=now(),
        )
        await shelter.save()
        await audit.record(
            "shelter.created", actor=actor, object_type="shelter", object_id=shelter.id
        )
    return int(shelter.id)


async def add_category(
    actor: Actor | None, shelter_id: int, data: NewCategory, *, confirmed_at: datetime | None = None
) -> int:
    """Add a bed category to a shelter; its beds are free unless out of service or occupied by
    residents from outside the programme."""
    shelter = await _shelter(shelter_id)
    if actor is not None:
        if not actor.is_admin and shelter["operator"] != actor.organisation_id:
            raise NotFound
        require(actor, "shelter.manage", shelter["operator"])
    counts = Counts(data.capacity, data.out_of_service, 0, 0, data.occupied_outside)
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = _("Name the category, e.g. “women's unit”.")
    if not 0 < data.capacity <= MAX_CAPACITY:
        errors["capacity"] = _("Enter the number of beds (1–500).")
    elif not counts.is_valid():
        errors["out_of_service"] = _("More beds are out of service or occupied than there are.")
    if not data.target_groups or not codes_in(data.target_groups, TARGET_GROUPS):
        errors["target_groups"] = _("Choose who the category takes in.")
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        category = BedCategory(
            shelter=shelter_id,
            name=data.name.strip(),
            target_groups=" ".join(data.target_groups),
            children_allowed=data.children_allowed,
            accessible=data.accessible,
            capacity=counts.capacity,
            out_of_service=counts.out_of_service,
            external=counts.external,
            free=counts.free,
            confirmed_at=confirmed_at or now(),
        )
        await category.save()
        row = await _locked_category(int(category.id))
        await _history(row, "created", actor)
        await audit.record(
            "shelter.category_created", actor=actor, object_type="bed_category", object_id=row["id"]
        )
    await events.publish(shelter_id)
    return int(category.id)


async def _shelter(shelter_id: int) -> dict[str, Any]:
    row = await Shelter.select().where(Shelter.id == shelter_id).first()
    if row is None:
        raise NotFound
    return dict(row)


async def _history(row: dict[str, Any], kind: str, actor: Actor | int | None) -> None:
    """One history row with the category's counts after a change (for occupancy statistics)."""
    user_id = actor.user_id if isinstance(actor, Actor) else actor
    await AvailabilityChange.insert(
        AvailabilityChange(
            category=row["id"],
            shelter=row["shelter"],
            at=now(),
            kind=kind,
            actor_user_id=user_id,
            capacity=row["capacity"],
            out_of_service=row["out_of_service"],
            occupied=row["occupied"],
            held=row["held"],
            external=row["external"],
            free=row["free"],
        )
    )


async def history(actor: Actor, shelter_id: int, since: datetime) -> list[dict[str, Any]]:
    """The shelter's availability changes since ``since``, oldest first (operator statistics)."""
    shelter = await _operated_shelter(actor, shelter_id)
    return list(
        await AvailabilityChange.select()
        .where((AvailabilityChange.shelter == shelter["id"]) & (AvailabilityChange.at >= since))
        .order_by(AvailabilityChange.at)
    )


# --- operators: their shelters, +/- and "still correct" -----------------------------------


def _operates(actor: Actor, operator_id: int) -> bool:
    return actor.organisation_id == operator_id and actor.has_role(*OPERATOR_ROLES)


async def _operated_shelter(actor: Actor, shelter_id: int) -> dict[str, Any]:
    """The shelter when the actor works for its operator; NotFound otherwise."""
    shelter = await Shelter.select().where(Shelter.id == shelter_id).first()
    if shelter is None or not _operates(actor, shelter["operator"]):
        raise NotFound
    return dict(shelter)


async def operated_shelters(actor: Actor) -> list[dict[str, Any]]:
    """The shelters of the actor's organisation (its staff and admins), with staleness."""
    if actor.organisation_id is None or not actor.has_role(*OPERATOR_ROLES):
        return []
    rows = (
        await Shelter.select(
            Shelter.id, Shelter.name, Shelter.municipality, Shelter.region, Shelter.active
        )
        .where(Shelter.operator == actor.organisation_id)
        .order_by(Shelter.name)
    )
    settings = get_settings()
    result = []
    for row in rows:
        categories = await _categories(row["id"])
        result.append(
            {
                **row,
                "free": sum(category["free"] for category in categories),
                "stale": _shelter_stale(categories, settings),
                "pending_holds": await Hold.count().where(
                    (Hold.shelter == row["id"]) & (Hold.status == "pending")
                ),
            }
        )
    return result


async def _categories(shelter_id: int) -> list[dict[str, Any]]:
    return list(
        await BedCategory.select()
        .where((BedCategory.shelter == shelter_id) & (BedCategory.active == True))  # noqa: E712
        .order_by(BedCategory.id)
    )


def _shelter_stale(categories: list[dict[str, Any]], settings: Settings) -> bool:
    moment = now()
    return not categories or any(
        is_stale(category["confirmed_at"], moment, settings.stale_hours) for category in categories
    )


@dataclass(frozen=True)
class OperatorView:
    shelter: dict[str, Any]
    address: str
    categories: list[dict[str, Any]]
    stale: bool


async def operator_view(actor: Actor, shelter_id: int) -> OperatorView:
    """A shelter as its own staff see it, with the address (the read is audited)."""
    shelter = await _operated_shelter(actor, shelter_id)
    require(actor, "shelter.update", shelter["operator"])
    categories = await _categories(shelter_id)
    address = await _read_address(actor, shelter, why="operator")
    return OperatorView(
        shelter=shelter,
        address=address,
        categories=categories,
        stale=_shelter_stale(categories, get_settings()),
    )


async def operator_category(actor: Actor, category_id: int) -> dict[str, Any]:
    category = await BedCategory.select().where(BedCategory.id == category_id).first()
    if category is None:
        raise NotFound
    await _operated_shelter(actor, category["shelter"])
    return dict(category)


class StaleEdit(Conflict):
    """The category changed since the operator looked; nothing was written. ``category`` holds
    the fresh numbers to show with the notice."""

    def __init__(self, category: dict[str, Any]) -> None:
        super().__init__(
            _("Someone else changed these numbers a moment ago. Here are the current ones.")
        )
        self.category = category


ADJUSTABLE = ("free", "out_of_service")


async def adjust(
    actor: Actor, category_id: int, what: str, delta: int, *, version: int
) -> dict[str, Any]:
    """One +/− click of an operator: one more or one fewer free bed (a resident from outside the
    programme left or came) or bed out of service. ``version`` is what the operator saw: if the
    category changed since, nothing is written and StaleEdit carries the fresh numbers."""
    if what not in ADJUSTABLE or delta not in (1, -1):
        raise InvalidInput({"": _("Unknown change.")})
    category = await operator_category(actor, category_id)
    shelter = await _shelter(category["shelter"])
    require(actor, "shelter.update", shelter["operator"])
    async with write_transaction():
        current = await _locked_category(category_id)
        if current["version"] != version:
            raise StaleEdit(current)
        counts = _counts(current)
        if what == "free":
            external, out_of_service = counts.external - delta, counts.out_of_service
        else:
            external, out_of_service = counts.external, counts.out_of_service + delta
        changed = Counts(counts.capacity, out_of_service, counts.occupied, counts.held, external)
        if not changed.is_valid():
            raise Conflict(_adjust_refusal(what, delta))
        row = await _write_counts(current, changed, confirmed=True)
        await _history(row, f"{what}{'+' if delta > 0 else '-'}", actor)
        await audit.record(
            "shelter.availability_changed",
            actor=actor,
            object_type="bed_category",
            object_id=category_id,
            detail={"what": what, "delta": delta, "free": row["free"]},
        )
    await events.publish(row["shelter"])
    return row


def _adjust_refusal(what: str, delta: int) -> str:
    if what == "free" and delta > 0:
        return _(
            "Every occupied bed is a Fristad placement or hold: discharge the resident or answer "
            "the hold instead."
        )
    if what == "out_of_service" and delta < 0:
        return _("No bed is out of service.")
    return _("No bed is free.")


async def confirm(actor: Actor, category_id: int) -> dict[str, Any]:
    """ "Still correct": the operator vouches for the category's numbers as they are now."""
    category = await operator_category(actor, category_id)
    shelter = await _shelter(category["shelter"])
    require(actor, "shelter.update", shelter["operator"])
    async with write_transaction():
        rows = (
            await BedCategory.update({BedCategory.confirmed_at: now()})
            .where(BedCategory.id == category_id)
            .returning(*BedCategory.all_columns())
        )
        await Shelter.update({Shelter.reminded_at: None}).where(Shelter.id == shelter["id"])
        await audit.record(
            "shelter.availability_confirmed",
            actor=actor,
            object_type="bed_category",
            object_id=category_id,
        )
    await events.publish(shelter["id"])
    return dict(rows[0])


@dataclass(frozen=True)
class CategoryNumbers:
    category_id: int
    free: int
    out_of_service: int
    version: int | None = None


async def set_availability(
    actor: Actor, shelter_id: int, numbers: list[CategoryNumbers]
) -> list[dict[str, Any]]:
    """Set free and out-of-service beds of a shelter's categories at once (an operator's own
    system through the API). Fristad's holds and placements stay as they are: the rest of the
    occupancy is recorded as residents from outside the programme. All or nothing."""
    shelter = await _operated_shelter(actor, shelter_id)
    require(actor, "shelter.update", shelter["operator"])
    async with write_transaction():
        for entry in numbers:
            current = await _locked_category(entry.category_id)
            if current["shelter"] != shelter_id or not current["active"]:
                raise NotFound
            if entry.version is not None and entry.version != current["version"]:
                raise StaleEdit(current)
            counts = _counts(current)
            external = external_for(counts, free=entry.free, out_of_service=entry.out_of_service)
            if external is None:
                raise InvalidInput(
                    {
                        f"categories.{entry.category_id}": _(
                            "These numbers do not fit the category's capacity with the beds "
                            "Fristad has placed or held there."
                        )
                    }
                )
            changed = Counts(
                counts.capacity, entry.out_of_service, counts.occupied, counts.held, external
            )
            row = await _write_counts(current, changed, confirmed=True)
            await _history(row, "set", actor)
        await Shelter.update({Shelter.reminded_at: None}).where(Shelter.id == shelter_id)
        await audit.record(
            "shelter.availability_set",
            actor=actor,
            object_type="shelter",
            object_id=shelter_id,
            detail={"categories": [entry.category_id for entry in numbers]},
        )
    await events.publish(shelter_id)
    return await _categories(shelter_id)


async def _locked_category(category_id: int) -> dict[str, Any]:
    """The category, locked for this transaction (FOR UPDATE on PostgreSQL; SQLite's
    BEGIN IMMEDIATE holds the write lock already)."""
    query = BedCategory.select().where(BedCategory.id == category_id)
    if isinstance(engine(), PostgresEngine):
        query = query.lock_rows("UPDATE")
    row = await query.first()
    if row is None:
        raise NotFound
    return dict(row)


def _counts(row: dict[str, Any]) -> Counts:
    return Counts(
        row["capacity"], row["out_of_service"], row["occupied"], row["held"], row["external"]
    )


async def _write_counts(
    current: dict[str, Any], counts: Counts, *, confirmed: bool
) -> dict[str, Any]:
    values: dict[Any, Any] = {
        BedCategory.out_of_service: counts.out_of_service,
        BedCategory.occupied: counts.occupied,
        BedCategory.held: counts.held,
        BedCategory.external: counts.external,
        BedCategory.free: counts.free,
        BedCategory.version: current["version"] + 1,
    }
    if confirmed:
        values[BedCategory.confirmed_at] = now()
    rows = (
        await BedCategory.update(values)
        .where((BedCategory.id == current["id"]) & (BedCategory.version == current["version"]))
        .returning(*BedCategory.all_columns())
    )
    if not rows:  # only reachable without a lock: the row moved on under us
        raise StaleEdit(await _locked_category(current["id"]))
    return dict(rows[0])


# --- the board -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardFilters:
    region: str = ""
    target_group: str = ""
    children: bool = False
    accessible: bool = False
    language: str = ""


@dataclass(frozen=True)
class BoardCategory:
    id: int
    name: str
    target_groups: list[str]
    children_allowed: bool
    accessible: bool
    capacity: int
    free: int
    confirmed_at: datetime
    stale: bool


@dataclass(frozen=True)
class BoardShelter:
    """What the board shows of a shelter: never the street address."""

    id: int
    name: str
    region: str
    municipality: str
    target_groups: list[str]
    languages: list[str]
    accessible: bool
    security_level: str
    price_per_night: int
    referral_contact: str
    categories: list[BoardCategory]
    stale: bool
    confirmed_at: datetime | None

    @property
    def free(self) -> int:
        return sum(category.free for category in self.categories)

    def free_for(self, group: str) -> int:
        return sum(c.free for c in self.categories if group in c.target_groups)


async def board(actor: Actor, filters: BoardFilters) -> list[BoardShelter]:
    """Active shelters with free beds per category and freshness, by region then name."""
    require(actor, "shelter.board")
    return await availability(filters)


async def board_shelter(
    actor: Actor, shelter_id: int, filters: BoardFilters
) -> BoardShelter | None:
    """One shelter's board row (for live updates), or None when the filters leave it out."""
    require(actor, "shelter.board")
    found = await availability(filters, shelter_id=shelter_id)
    return found[0] if found else None


async def availability(
    filters: BoardFilters, *, shelter_id: int | None = None
) -> list[BoardShelter]:
    """The availability behind the board (no authorisation: callers authorise; matching uses
    this too). Categories that do not fit the filters are left out of a shelter's numbers."""
    settings = get_settings()
    query = Shelter.select(
        Shelter.id,
        Shelter.name,
        Shelter.region,
        Shelter.municipality,
        Shelter.target_groups,
        Shelter.languages,
        Shelter.accessible,
        Shelter.security_level,
        Shelter.price_per_night,
        Shelter.referral_contact,
    ).where(Shelter.active == True)  # noqa: E712
    if shelter_id is not None:
        query = query.where(Shelter.id == shelter_id)
    if filters.region:
        query = query.where(Shelter.region == filters.region)
    if filters.language:
        query = query.where(
            (Shelter.languages == filters.language)
            | Shelter.languages.like(f"{filters.language} %")
            | Shelter.languages.like(f"% {filters.language}")
            | Shelter.languages.like(f"% {filters.language} %")
        )
    shelters = await query
    if not shelters:
        return []
    category_rows = (
        await BedCategory.select()
        .where(
            BedCategory.shelter.is_in([row["id"] for row in shelters])
            & (BedCategory.active == True)  # noqa: E712
        )
        .order_by(BedCategory.id)
    )
    by_shelter: dict[int, list[dict[str, Any]]] = {}
    for row in category_rows:
        by_shelter.setdefault(row["shelter"], []).append(row)
    moment = now()
    result = []
    for row in shelters:
        all_categories = by_shelter.get(row["id"], [])
        categories = [
            BoardCategory(
                id=category["id"],
                name=category["name"],
                target_groups=category["target_groups"].split(),
                children_allowed=category["children_allowed"],
                accessible=category["accessible"] or row["accessible"],
                capacity=category["capacity"],
                free=category["free"],
                confirmed_at=category["confirmed_at"],
                stale=is_stale(category["confirmed_at"], moment, settings.stale_hours),
            )
            for category in all_categories
            if _fits(category, row, filters)
        ]
        if not categories and (filters.target_group or filters.children or filters.accessible):
            continue
        confirmations = [category["confirmed_at"] for category in all_categories]
        result.append(
            BoardShelter(
                id=row["id"],
                name=row["name"],
                region=row["region"],
                municipality=row["municipality"],
                target_groups=row["target_groups"].split(),
                languages=row["languages"].split(),
                accessible=row["accessible"],
                security_level=row["security_level"],
                price_per_night=row["price_per_night"],
                referral_contact=row["referral_contact"],
                categories=categories,
                stale=_shelter_stale(all_categories, settings),
                confirmed_at=min(confirmations) if confirmations else None,
            )
        )
    regions = list(POLICE_REGIONS)
    result.sort(key=lambda s: (regions.index(s.region) if s.region in regions else 99, s.name))
    return result


def _fits(category: dict[str, Any], shelter: dict[str, Any], filters: BoardFilters) -> bool:
    if filters.target_group and filters.target_group not in category["target_groups"].split():
        return False
    if filters.children and not category["children_allowed"]:
        return False
    return not (filters.accessible and not (category["accessible"] or shelter["accessible"]))


# --- holds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoldResult:
    hold: dict[str, Any]
    created: bool  # False: the same request (idempotency key) had made this hold already


async def hold_bed(
    actor: Actor,
    category_id: int,
    beneficiary_id: int,
    *,
    idempotency_key: str | None = None,
    settings: Settings | None = None,
) -> HoldResult:
    """Hold a bed of a category for one of the actor's organisation's cases until the expiry.

    The bed is taken by a single conditional UPDATE; a refusal (no bed free, the person has a
    bed held or a place already) is a Conflict. A repeated request with the same idempotency key
    returns the first hold and takes nothing more.
    """
    settings = settings or get_settings()
    require(actor, "hold.create")
    await beneficiaries.case_for(actor, beneficiary_id)
    if not await beneficiaries.has_valid_consent(beneficiary_id, "share_shelter"):
        raise PermissionDenied(
            _("The person has not consented to sharing their details with a shelter.")
        )
    key = (idempotency_key or "").strip()[:80] or None
    if (
        key is not None
        and (found := await _hold_by_key(actor, key, category_id, beneficiary_id)) is not None
    ):
        return HoldResult(found, created=False)
    created_at = now()
    expires_at = created_at + timedelta(hours=settings.hold_hours)
    try:
        async with write_transaction():
            # Checked again under the write lock: the same request may have run meanwhile.
            if (
                key is not None
                and (found := await _hold_by_key(actor, key, category_id, beneficiary_id))
                is not None
            ):
                return HoldResult(found, created=False)
            await _refuse_second_booking(beneficiary_id)
            taken = (
                await BedCategory.update(
                    {
                        BedCategory.free: BedCategory.free - 1,
                        BedCategory.held: BedCategory.held + 1,
                        BedCategory.version: BedCategory.version + 1,
                    }
                )
                .where(
                    (BedCategory.id == category_id)
                    & (BedCategory.free > 0)
                    & (BedCategory.active == True)  # noqa: E712
                )
                .returning(*BedCategory.all_columns())
            )
            if not taken:
                if not await BedCategory.exists().where(BedCategory.id == category_id):
                    raise NotFound
                raise _no_bed()
            category = dict(taken[0])
            hold = Hold(
                category=category_id,
                shelter=category["shelter"],
                beneficiary=beneficiary_id,
                organisation=actor.organisation_id,
                created_by=actor.user_id,
                created_at=created_at,
                expires_at=expires_at,
                idempotency_key=key,
            )
            await hold.save()
            await _notify_in_app(
                await _staff_ids(category["shelter"]), "hold_created", category["shelter"], hold.id
            )
            await _history(category, "hold", actor)
            await audit.record(
                "hold.created",
                actor=actor,
                object_type="hold",
                object_id=hold.id,
                detail={"category_id": category_id, "beneficiary_id": beneficiary_id},
            )
    except Exception as error:
        if not _is_constraint_error(error):
            raise
        # A concurrent request won a race the UNIQUE indexes settle (PostgreSQL).
        if (
            key is not None
            and (found := await _hold_by_key(actor, key, category_id, beneficiary_id)) is not None
        ):
            return HoldResult(found, created=False)
        raise Conflict(_("The person has a bed held or a place already.")) from None
    row = await _hold_row(int(hold.id))
    await _schedule_expiry(row)
    await _notify_operator_of_hold(row, settings)
    await events.publish(row["shelter"])
    return HoldResult(row, created=True)


async def _refuse_second_booking(beneficiary_id: int) -> None:
    if await Hold.exists().where((Hold.beneficiary == beneficiary_id) & (Hold.status == "pending")):
        raise Conflict(_("The person has a bed held already. Release it before holding another."))
    if await Placement.exists().where(
        (Placement.beneficiary == beneficiary_id) & Placement.discharged_at.is_null()
    ):
        raise Conflict(_("The person has a place in a shelter already."))


async def _hold_by_key(
    actor: Actor, key: str, category_id: int, beneficiary_id: int
) -> dict[str, Any] | None:
    """The hold an earlier request with this key made; a key reused for another bed or person
    is refused rather than answered with the wrong hold."""
    found = (
        await Hold.select(Hold.id, Hold.category, Hold.beneficiary)
        .where((Hold.organisation == actor.organisation_id) & (Hold.idempotency_key == key))
        .first()
    )
    if found is None:
        return None
    if (found["category"], found["beneficiary"]) != (category_id, beneficiary_id):
        raise Conflict(_("This form has been sent already. Reload the page and try again."))
    return await _hold_row(found["id"])


HOLD_COLUMNS = (
    *Hold.all_columns(),
    Hold.shelter.name.as_alias("shelter_name"),
    Hold.shelter.operator.as_alias("operator"),
    Hold.shelter.region.as_alias("region"),
    Hold.shelter.municipality.as_alias("municipality"),
    Hold.category.name.as_alias("category_name"),
)


async def _hold_row(hold_id: int) -> dict[str, Any]:
    row = await Hold.select(*HOLD_COLUMNS).where(Hold.id == hold_id).first()
    if row is None:
        raise NotFound
    return dict(row)


async def _schedule_expiry(hold: dict[str, Any]) -> None:
    """The expiry job at the deadline; should it be lost, the sweep expires the hold."""
    try:
        await enqueue(
            "expire_hold",
            hold["id"],
            job_id=f"hold-expiry:{hold['id']}",
            defer_until=hold["expires_at"],
        )
    except (QueueNotOpenError, RedisError, OSError) as error:
        log.warning(
            "expiry of hold %s not scheduled (%s); the sweep will expire it", hold["id"], error
        )


async def _hold_for_operator(actor: Actor, hold_id: int) -> dict[str, Any]:
    hold = await _hold_row(hold_id)
    if not _operates(actor, hold["operator"]):
        raise NotFound
    return hold


async def _hold_for_holder(actor: Actor, hold_id: int) -> dict[str, Any]:
    hold = await _hold_row(hold_id)
    if hold["organisation"] != actor.organisation_id:
        raise NotFound
    return hold


async def _close_hold(hold_id: int, to_status: str, values: dict[Any, Any]) -> bool:
    """Move a pending hold on (one conditional write: a second answer finds it answered)."""
    condition = (Hold.id == hold_id) & (Hold.status == "pending")
    if to_status != "expired":
        condition = condition & (Hold.expires_at > now())
    else:
        condition = condition & (Hold.expires_at <= now())
    claimed = (
        await Hold.update({Hold.status: to_status, Hold.answered_at: now(), **values})
        .where(condition)
        .returning(Hold.id)
    )
    return bool(claimed)


async def _give_bed_back(hold: dict[str, Any], kind: str, actor: Actor | None) -> None:
    rows = (
        await BedCategory.update(
            {
                BedCategory.held: BedCategory.held - 1,
                BedCategory.free: BedCategory.free + 1,
                BedCategory.version: BedCategory.version + 1,
            }
        )
        .where(BedCategory.id == hold["category"])
        .returning(*BedCategory.all_columns())
    )
    await _history(dict(rows[0]), kind, actor)


def _answered_already() -> Conflict:
    return Conflict(_("The hold has been answered, released or has expired meanwhile."))


async def accept_hold(
    actor: Actor, hold_id: int, *, expected_discharge: date | None = None
) -> dict[str, Any]:
    """The shelter takes the person in: the held bed becomes an occupied one (a placement)."""
    hold = await _hold_for_operator(actor, hold_id)
    require(actor, "hold.answer", hold["operator"])
    try:
        async with write_transaction():
            if not await _close_hold(hold_id, "accepted", {Hold.answered_by: actor.user_id}):
                raise _answered_already()
            rows = (
                await BedCategory.update(
                    {
                        BedCategory.held: BedCategory.held - 1,
                        BedCategory.occupied: BedCategory.occupied + 1,
                        BedCategory.version: BedCategory.version + 1,
                    }
                )
                .where(BedCategory.id == hold["category"])
                .returning(*BedCategory.all_columns())
            )
            placement = Placement(
                hold=hold_id,
                category=hold["category"],
                shelter=hold["shelter"],
                beneficiary=hold["beneficiary"],
                organisation=hold["organisation"],
                placed_by=hold["created_by"],
                admitted_by=actor.user_id,
                admitted_at=now(),
                expected_discharge=expected_discharge,
            )
            await placement.save()
            await beneficiaries.change_status(None, hold["beneficiary"], "placed")
            await _notify_in_app([hold["created_by"]], "hold_accepted", hold["shelter"], hold_id)
            await _history(dict(rows[0]), "admit", actor)
            await audit.record(
                "hold.accepted",
                actor=actor,
                object_type="hold",
                object_id=hold_id,
                detail={"placement_id": placement.id},
            )
    except Exception as error:
        if not _is_constraint_error(error):
            raise
        raise Conflict(_("The person has a place in a shelter already.")) from None
    await _notify_holder(hold, "accepted")
    await events.publish(hold["shelter"])
    return await _hold_row(hold_id)


async def decline_hold(actor: Actor, hold_id: int, reason: str) -> dict[str, Any]:
    """The shelter cannot take the person in; the bed is free again at once."""
    hold = await _hold_for_operator(actor, hold_id)
    require(actor, "hold.answer", hold["operator"])
    if reason not in DECLINE_REASONS:
        raise InvalidInput({"reason": _("Choose why the shelter declines.")})
    async with write_transaction():
        if not await _close_hold(
            hold_id, "declined", {Hold.answered_by: actor.user_id, Hold.decline_reason: reason}
        ):
            raise _answered_already()
        await _give_bed_back(hold, "decline", actor)
        await _notify_in_app([hold["created_by"]], "hold_declined", hold["shelter"], hold_id)
        await audit.record(
            "hold.declined",
            actor=actor,
            object_type="hold",
            object_id=hold_id,
            detail={"reason": reason},
        )
    await _notify_holder(hold, "declined")
    await events.publish(hold["shelter"])
    return await _hold_row(hold_id)


async def release_hold(actor: Actor, hold_id: int) -> dict[str, Any]:
    """The caseworker no longer needs the bed; it is free again at once."""
    hold = await _hold_for_holder(actor, hold_id)
    require(actor, "hold.release", hold["organisation"])
    async with write_transaction():
        if not await _close_hold(hold_id, "released", {Hold.answered_by: actor.user_id}):
            raise _answered_already()
        await _give_bed_back(hold, "release", actor)
        await audit.record("hold.released", actor=actor, object_type="hold", object_id=hold_id)
    await events.publish(hold["shelter"])
    return await _hold_row(hold_id)


async def expire_hold(hold_id: int) -> bool:
    """Expire a hold past its deadline (the job at the deadline, or the sweep). Idempotent:
    a hold answered, released or expired already is left alone. True when it expired now."""
    hold = await Hold.select(*HOLD_COLUMNS).where(Hold.id == hold_id).first()
    if hold is None:
        return False
    async with write_transaction():
        if not await _close_hold(hold_id, "expired", {}):
            return False
        await _give_bed_back(hold, "expire", None)
        await _notify_in_app(
            [hold["created_by"], *await _staff_ids(hold["shelter"])],
            "hold_expired",
            hold["shelter"],
            hold_id,
        )
        await audit.record("hold.expired", object_type="hold", object_id=hold_id)
    await _notify_holder(hold, "expired")
    await _notify_operator_of_expiry(hold)
    await events.publish(hold["shelter"])
    return True


async def expire_due_holds() -> int:
    """The sweep: expire every pending hold past its deadline; returns how many expired."""
    due = (
        await Hold.select(Hold.id)
        .where((Hold.status == "pending") & (Hold.expires_at <= now()))
        .order_by(Hold.expires_at)
    )
    expired = 0
    for row in due:
        expired += await expire_hold(row["id"])
    return expired


@dataclass(frozen=True)
class IncomingHold:
    hold: dict[str, Any]
    profile: MinimalProfile


async def incoming_holds(actor: Actor, shelter_id: int) -> list[IncomingHold]:
    """Pending holds on the shelter with the minimal profile of each person (audited reads)."""
    shelter = await _operated_shelter(actor, shelter_id)
    require(actor, "hold.answer", shelter["operator"])
    rows = (
        await Hold.select(*HOLD_COLUMNS)
        .where((Hold.shelter == shelter_id) & (Hold.status == "pending"))
        .order_by(Hold.expires_at)
    )
    result = []
    for row in rows:
        result.append(IncomingHold(dict(row), await _profile_for_shelter(actor, row, "hold")))
    return result


async def _profile_for_shelter(actor: Actor, row: dict[str, Any], kind: str) -> MinimalProfile:
    async with write_transaction():
        await audit.record(
            "beneficiary.minimal_profile_read",
            actor=actor,
            object_type="beneficiary",
            object_id=row["beneficiary"],
            detail={kind + "_id": row["id"]},
        )
    return await beneficiaries.minimal_profile(row["beneficiary"])


async def holds_of_organisation(actor: Actor) -> list[dict[str, Any]]:
    """The holds and placements of the actor's organisation's cases (newest first)."""
    require(actor, "hold.create")
    rows = (
        await Hold.select(*HOLD_COLUMNS, Hold.beneficiary.code.as_alias("beneficiary_code"))
        .where(Hold.organisation == actor.organisation_id)
        .order_by(Hold.id, ascending=False)
        .limit(100)
    )
    placements = {
        row["hold"]: row
        for row in await Placement.select().where(
            Placement.hold.is_in([row["id"] for row in rows] or [-1])
        )
    }
    return [{**row, "placement": placements.get(row["id"])} for row in rows]


async def hold_for_api(actor: Actor, hold_id: int) -> dict[str, Any]:
    hold = await _hold_row(hold_id)
    if hold["organisation"] != actor.organisation_id and not _operates(actor, hold["operator"]):
        raise NotFound
    return hold


async def own_case_id(actor: Actor, code: str) -> int:
    """The id of a case of the actor's organisation by its pseudonymous code."""
    return await beneficiaries.case_id_by_code(actor, code)


# --- placements ----------------------------------------------------------------------------


async def placements(actor: Actor, shelter_id: int) -> list[tuple[dict[str, Any], MinimalProfile]]:
    """The shelter's current residents placed through Fristad (minimal profiles, audited)."""
    shelter = await _operated_shelter(actor, shelter_id)
    require(actor, "placement.discharge", shelter["operator"])
    rows = await Placement.select(
        *Placement.all_columns(), Placement.category.name.as_alias("category_name")
    ).where((Placement.shelter == shelter_id) & Placement.discharged_at.is_null())
    return [(dict(row), await _profile_for_shelter(actor, row, "placement")) for row in rows]


async def discharge(actor: Actor, placement_id: int, reason: str) -> dict[str, Any]:
    """The resident leaves: the bed is free at once and the case is open again."""
    placement = (
        await Placement.select(
            *Placement.all_columns(), Placement.shelter.operator.as_alias("operator")
        )
        .where(Placement.id == placement_id)
        .first()
    )
    if placement is None or not _operates(actor, placement["operator"]):
        raise NotFound
    require(actor, "placement.discharge", placement["operator"])
    if reason not in DISCHARGE_REASONS:
        raise InvalidInput({"reason": _("Choose why the stay ended.")})
    async with write_transaction():
        left = (
            await Placement.update(
                {Placement.discharged_at: now(), Placement.discharge_reason: reason}
            )
            .where((Placement.id == placement_id) & Placement.discharged_at.is_null())
            .returning(Placement.id)
        )
        if not left:
            raise Conflict(_("The resident has been discharged already."))
        rows = (
            await BedCategory.update(
                {
                    BedCategory.occupied: BedCategory.occupied - 1,
                    BedCategory.free: BedCategory.free + 1,
                    BedCategory.version: BedCategory.version + 1,
                }
            )
            .where(BedCategory.id == placement["category"])
            .returning(*BedCategory.all_columns())
        )
        await beneficiaries.end_placement(placement["beneficiary"])
        await _history(dict(rows[0]), "discharge", actor)
        await audit.record(
            "placement.discharged",
            actor=actor,
            object_type="placement",
            object_id=placement_id,
            detail={"reason": reason},
        )
    await events.publish(placement["shelter"])
    return dict(placement)


# --- the secret address --------------------------------------------------------------------


async def shelter_address(actor: Actor, shelter_id: int) -> str:
    """The street address: for the operator's staff, and for the caseworker who placed someone
    there while the placement lasts. Every read is audited; anyone else gets a NotFound."""
    shelter = await _shelter(shelter_id)
    if _operates(actor, shelter["operator"]):
        return await _read_address(actor, shelter, why="operator")
    placed = (
        await Placement.select(Placement.id)
        .where(
            (Placement.shelter == shelter_id)
            & (Placement.placed_by == actor.user_id)
            & (Placement.organisation == actor.organisation_id)
            & Placement.discharged_at.is_null()
        )
        .first()
    )
    if placed is None:
        raise NotFound
    return await _read_address(actor, shelter, why=f"placement:{placed['id']}")


async def _read_address(actor: Actor, shelter: dict[str, Any], *, why: str) -> str:
    async with write_transaction():
        await audit.record(
            "shelter.address_read",
            actor=actor,
            object_type="shelter",
            object_id=shelter["id"],
            detail={"basis": why},
        )
    return crypto.decrypt(shelter["address_encrypted"])


# --- notifications (no personal data) ------------------------------------------------------


async def _staff_ids(shelter_id: int) -> list[int]:
    shelter = await Shelter.select(Shelter.operator).where(Shelter.id == shelter_id).first()
    if shelter is None:
        return []
    return [row["user.id"] for row in await _operator_staff(shelter["operator"])]


async def _notify_in_app(
    user_ids: Sequence[int | None], kind: str, shelter_id: int, hold_id: int | None
) -> None:
    """In-app notices, written in the transaction of the event they tell of."""
    moment = now()
    notices = [
        Notice(user=user_id, kind=kind, shelter=shelter_id, hold=hold_id, created_at=moment)
        for user_id in dict.fromkeys(user_ids)
        if user_id is not None
    ]
    if notices:
        await Notice.insert(*notices)


async def take_notices(actor: Actor) -> list[dict[str, Any]]:
    """The actor's unread notices, newest first; shown once, so they are marked read."""
    rows = (
        await Notice.select(
            Notice.id, Notice.kind, Notice.created_at, Notice.shelter.name.as_alias("shelter_name")
        )
        .where((Notice.user == actor.user_id) & Notice.read_at.is_null())
        .order_by(Notice.id, ascending=False)
        .limit(20)
    )
    if rows:
        async with write_transaction():
            await Notice.update({Notice.read_at: now()}).where(
                Notice.id.is_in([row["id"] for row in rows])
            )
    return list(rows)


@contextlib.contextmanager
def _language(locale: str) -> Iterator[None]:
    """Write a mail in its recipient's language, then go back to the request's."""
    previous = i18n.active_locale()
    i18n.activate(locale)
    try:
        yield
    finally:
        i18n.activate(previous)


async def _operator_staff(operator_id: int) -> list[dict[str, Any]]:
    return list(
        await Membership.select(Membership.user.id, Membership.user.email, Membership.user.locale)
        .where(
            (Membership.organisation == operator_id)
            & Membership.role.is_in([str(role) for role in OPERATOR_ROLES])
            & (Membership.active == True)  # noqa: E712
            & (Membership.user.active == True)  # noqa: E712
        )
        .distinct()
    )


async def _mail(address: str, subject: str, lines: list[str], key: str) -> None:
    try:
        await send_mail_later(Mail(to=address, subject=subject, text="\n\n".join(lines)), key=key)
    except (QueueNotOpenError, RedisError, OSError) as error:
        log.warning("mail %s not queued: %s", key, type(error).__name__)


async def _notify_operator_of_hold(hold: dict[str, Any], settings: Settings) -> None:
    link = f"{settings.public_url}/shelters/operate/{hold['shelter']}"
    for staff in await _operator_staff(hold["operator"]):
        with _language(staff["user.locale"]):
            await _mail(
                staff["user.email"],
                _("A bed has been held at {shelter}").format(shelter=hold["shelter_name"]),
                [
                    _(
                        "A caseworker has held a bed in “{category}” at {shelter}. Please accept "
                        "or decline the hold in Fristad before {deadline}."
                    ).format(
                        category=hold["category_name"],
                        shelter=hold["shelter_name"],
                        deadline=i18n.datetime_(hold["expires_at"], "short"),
                    ),
                    link,
                ],
                key=f"hold-created:{hold['id']}:{staff['user.id']}",
            )


async def _notify_operator_of_expiry(hold: dict[str, Any]) -> None:
    for staff in await _operator_staff(hold["operator"]):
        with _language(staff["user.locale"]):
            await _mail(
                staff["user.email"],
                _("A hold at {shelter} has expired").format(shelter=hold["shelter_name"]),
                [_("The hold was not answered in time; the bed is free again on the board.")],
                key=f"hold-expired-operator:{hold['id']}:{staff['user.id']}",
            )


async def _notify_holder(hold: dict[str, Any], outcome: str) -> None:
    if hold["created_by"] is None:
        return
    user = (
        await User.select(User.email, User.locale, User.active)
        .where(User.id == hold["created_by"])
        .first()
    )
    if user is None or not user["active"]:
        return
    settings = get_settings()
    with _language(user["locale"]):
        texts = {
            "accepted": _("{shelter} has accepted your hold. The person has a place."),
            "declined": _("{shelter} has declined your hold. The bed is released."),
            "expired": _("Your hold at {shelter} has expired and the bed is released."),
        }
        await _mail(
            user["email"],
            _("Your bed hold: {shelter}").format(shelter=hold["shelter_name"]),
            [
                texts[outcome].format(shelter=hold["shelter_name"]),
                f"{settings.public_url}/shelters/holds",
            ],
            key=f"hold-{outcome}:{hold['id']}",
        )


async def remind_stale_shelters(settings: Settings | None = None) -> int:
    """E-mail the staff of each shelter whose availability has gone stale, once per lapse
    (``reminded_at`` is cleared when they confirm). Returns how many shelters were reminded."""
    settings = settings or get_settings()
    cutoff = now() - timedelta(hours=settings.stale_hours)
    stale_ids = {
        row["shelter"]
        for row in await BedCategory.select(BedCategory.shelter).where(
            (BedCategory.confirmed_at < cutoff) & (BedCategory.active == True)  # noqa: E712
        )
    }
    reminded = 0
    for shelter_id in sorted(stale_ids):
        async with write_transaction():
            claimed = (
                await Shelter.update({Shelter.reminded_at: now()})
                .where(
                    (Shelter.id == shelter_id)
                    & (Shelter.active == True)  # noqa: E712
                    & Shelter.reminded_at.is_null()
                )
                .returning(Shelter.id, Shelter.name, Shelter.operator, Shelter.reminded_at)
            )
            if claimed:
                await _notify_in_app(await _staff_ids(shelter_id), "stale", shelter_id, None)
        if not claimed:
            continue
        shelter = claimed[0]
        stamp = int(shelter["reminded_at"].timestamp())
        for staff in await _operator_staff(shelter["operator"]):
            with _language(staff["user.locale"]):
                await _mail(
                    staff["user.email"],
                    _("Please confirm the free beds at {shelter}").format(shelter=shelter["name"]),
                    [
                        _(
                            "The availability of {shelter} has not been confirmed for {hours} "
                            "hours, so caseworkers see it as uncertain. One click on “Still "
                            "correct” is enough if nothing has changed."
                        ).format(shelter=shelter["name"], hours=settings.stale_hours),
                        f"{settings.public_url}/shelters/operate/{shelter_id}",
                    ],
                    key=f"shelter-stale:{shelter_id}:{stamp}:{staff['user.id']}",
                )
        reminded += 1
    return reminded


# --- invariants (tests and `fristad check`-style probes) -----------------------------------


async def broken_invariants() -> list[int]:
    """Ids of categories whose counts do not add up, or whose held and occupied counts differ
    from their pending holds and active placements. Empty when all is well."""
    broken = []
    for row in await BedCategory.select():
        counts = _counts(row)
        held = await Hold.count().where((Hold.category == row["id"]) & (Hold.status == "pending"))
        occupied = await Placement.count().where(
            (Placement.category == row["id"]) & Placement.discharged_at.is_null()
        )
        if (
            not counts.is_valid()
            or counts.free != row["free"]
            or row["free"] < 0
            or held != row["held"]
            or occupied != row["occupied"]
        ):
            broken.append(int(row["id"]))
    return broken
