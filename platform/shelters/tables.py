"""Shelters tables: shelters, bed categories with their availability, history, holds, placements.

A category's ``free`` is stored, not computed on read, and every transaction that changes a count
changes ``free`` with it; CHECK constraints (in the migration) keep
``free = capacity - out_of_service - occupied - held - external`` and ``0 <= free <= capacity``,
so no bug and no race can show a bed that is not there. Multi-valued codes are space-separated.
"""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from accounts.tables import Organisation, User
from beneficiaries.tables import Beneficiary


class Shelter(Table):
    id: Serial
    operator = ForeignKey(references=Organisation, index=True)
    name = Varchar(length=200)
    # The street address is secret (DESIGN.md): Fernet-encrypted, shown only to the operator and
    # to the placing caseworker of a confirmed placement, and every such read is audited.
    address_encrypted = Text()
    municipality = Varchar(length=4)  # SCB code
    region = Varchar(length=20, index=True)  # police region code
    target_groups = Text(default="")
    languages = Text(default="")  # ISO 639 codes of the staff's languages
    accessible = Boolean(default=False)
    security_level = Varchar(length=20, default="standard")
    price_per_night = Integer(default=0)  # öre
    # Exploitation types (beneficiaries' codes) the staff have experience with; "" = not stated.
    experience = Text(default="")
    # How to reach the referral desk (a phone number or a function mailbox, not a person's).
    referral_contact = Text(default="")
    active = Boolean(default=True)
    created_at = Timestamptz()
    # When the staff were last reminded that the availability is stale (one reminder per lapse).
    reminded_at = Timestamptz(null=True, default=None)


class BedCategory(Table, tablename="bed_category"):
    id: Serial
    shelter = ForeignKey(references=Shelter, index=True)
    name = Varchar(length=100)
    target_groups = Text(default="")
    children_allowed = Boolean(default=False)
    # How many accompanying children one placement may bring; None = not stated.
    max_children = Integer(null=True, default=None)
    accessible = Boolean(default=False)
    capacity = Integer(default=0)
    out_of_service = Integer(default=0)
    occupied = Integer(default=0)  # active placements made through Fristad
    held = Integer(default=0)  # pending holds
    external = Integer(default=0)  # residents who came outside the programme
    free = Integer(default=0)
    # Raised by every change: an operator's edit names the version it saw (optimistic locking).
    version = Integer(default=1)
    confirmed_at = Timestamptz()
    active = Boolean(default=True)


class AvailabilityChange(Table, tablename="availability_change"):
    """The counts of a category after each change, for occupancy over time (statistics)."""

    id: Serial
    category = ForeignKey(references=BedCategory, index=True)
    shelter = ForeignKey(references=Shelter, index=True)
    at = Timestamptz(index=True)
    kind = Varchar(length=20)
    actor_user_id = Integer(null=True, default=None)
    capacity = Integer(default=0)
    out_of_service = Integer(default=0)
    occupied = Integer(default=0)
    held = Integer(default=0)
    external = Integer(default=0)
    free = Integer(default=0)


class Hold(Table):
    id: Serial
    category = ForeignKey(references=BedCategory, index=True)
    shelter = ForeignKey(references=Shelter, index=True)
    beneficiary = ForeignKey(references=Beneficiary, index=True)
    organisation = ForeignKey(references=Organisation, index=True)  # the caseworker's
    created_by = ForeignKey(references=User, null=True)
    created_at = Timestamptz()
    expires_at = Timestamptz(index=True)
    # pending -> accepted | declined | released | expired
    status = Varchar(length=12, default="pending", index=True)
    answered_by = ForeignKey(references=User, null=True)
    answered_at = Timestamptz(null=True, default=None)
    decline_reason = Varchar(length=30, null=True, default=None)
    # The client's key for this request: a retried request finds its hold instead of a second.
    idempotency_key = Varchar(length=80, null=True, default=None)
    # In the migration: one pending hold per beneficiary, UNIQUE (organisation, idempotency_key).


class Placement(Table):
    id: Serial
    hold = ForeignKey(references=Hold, null=True)
    category = ForeignKey(references=BedCategory, index=True)
    shelter = ForeignKey(references=Shelter, index=True)
    beneficiary = ForeignKey(references=Beneficiary, index=True)
    organisation = ForeignKey(references=Organisation)  # the placing caseworker's
    placed_by = ForeignKey(references=User, null=True)  # the caseworker who held the bed
    admitted_by = ForeignKey(references=User, null=True)
    admitted_at = Timestamptz()
    expected_discharge = Date(null=True, default=None)
    discharged_at = Timestamptz(null=True, default=None)
    discharge_reason = Varchar(length=30, null=True, default=None)
    # In the migration: one active placement per beneficiary, one placement per hold.


class Notice(Table, tablename="shelter_notice"):
    """An in-app notice to one user about a hold or the shelter's freshness (no personal data:
    a kind, the shelter and the hold). Shown once on the user's shelters pages."""

    id: Serial
    user = ForeignKey(references=User, index=True)
    kind = Varchar(length=20)
    shelter = ForeignKey(references=Shelter)
    hold = ForeignKey(references=Hold, null=True)
    created_at = Timestamptz()
    read_at = Timestamptz(null=True, default=None)
