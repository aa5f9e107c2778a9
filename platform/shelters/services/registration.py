"""Registering shelters and their bed categories (an operator's administrators, or the demo)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from accounts.tables import Organisation
from beneficiaries.domain import EXPLOITATION_TYPES
from fristad import crypto
from fristad.database import write_transaction
from fristad.errors import InvalidInput, NotFound
from fristad.i18n import gettext as _
from fristad.i18n import money
from fristad.regions import municipalities
from shelters import events
from shelters.domain import (
    MAX_CAPACITY,
    MAX_CHILDREN,
    MAX_PRICE_PER_NIGHT,
    SECURITY_LEVELS,
    TARGET_GROUPS,
    Counts,
    codes_in,
)
from shelters.services._common import locked_category, now, record_counts, shelter_row
from shelters.tables import BedCategory, Shelter


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
    # Exploitation types the staff have experience with (beneficiaries' codes); [] = not stated.
    experience: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class NewCategory:
    name: str
    capacity: int
    target_groups: list[str] = field(default_factory=list)
    children_allowed: bool = False
    accessible: bool = False
    out_of_service: int = 0
    occupied_outside: int = 0
    max_children: int | None = None  # children one placement may bring; None = not stated


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
    elif data.price_per_night > MAX_PRICE_PER_NIGHT:
        errors["price_per_night"] = _("The price may be at most %(max)s a night.") % {
            "max": money(MAX_PRICE_PER_NIGHT)
        }
    if not codes_in(data.experience, EXPLOITATION_TYPES):
        errors["experience"] = _("Choose forms of exploitation from the list.")
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
            experience=" ".join(sorted(set(data.experience))),
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
    shelter = await shelter_row(shelter_id)
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
    if data.max_children is not None and not 0 <= data.max_children <= MAX_CHILDREN:
        errors["max_children"] = _("Enter how many children (0–20), or leave it empty.")
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        category = BedCategory(
            shelter=shelter_id,
            name=data.name.strip(),
            target_groups=" ".join(data.target_groups),
            children_allowed=data.children_allowed,
            max_children=data.max_children,
            accessible=data.accessible,
            capacity=counts.capacity,
            out_of_service=counts.out_of_service,
            external=counts.external,
            free=counts.free,
            confirmed_at=confirmed_at or now(),
        )
        await category.save()
        created = await locked_category(int(category.id))
        await record_counts(created, "created", actor)
        await audit.record(
            "shelter.category_created",
            actor=actor,
            object_type="bed_category",
            object_id=created.id,
        )
    await events.publish(shelter_id)
    return created.id
