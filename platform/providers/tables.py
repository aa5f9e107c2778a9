"""Providers tables: services with their live capacity, and reservations of it.

A service's ``available`` is stored, not computed on read: a reservation takes its units from it
in the same conditional UPDATE that adds them to ``reserved``, and gives them back when it is
declined, released or expires. CHECK constraints (in the migration) keep
``0 <= available <= maximum`` and ``reserved >= 0``, so no race can show capacity that is not
there. Every rise of ``available`` is written to CapacityChange in the same transaction, so
reverse matching can tell the cases it fits. Multi-valued codes are space-separated.
"""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from accounts.tables import Organisation, User
from beneficiaries.tables import Beneficiary


class Service(Table, tablename="provider_service"):
    id: Serial
    provider = ForeignKey(references=Organisation, index=True)
    name = Varchar(length=200)
    kind = Varchar(length=20, index=True)  # providers.domain.SERVICE_KINDS
    description = Text(default="")
    # Legal aid: the matters it takes (LEGAL_MATTERS codes).
    matters = Text(default="")
    # Rehabilitation: residential or not, its length and how intake works.
    residential = Boolean(default=False)
    length_months = Integer(null=True, default=None)
    intake = Varchar(length=200, default="")
    regions = Text(default="")  # police region codes served in person
    remote = Boolean(default=False)  # also given remotely (anywhere in Sweden)
    languages = Text(default="")  # ISO 639 codes
    target_groups = Text(default="")  # "" = anyone
    takes_minors = Boolean(default=False)
    price = Integer(default=0)  # öre per price_unit
    price_unit = Varchar(length=10, default="case")  # hour | place | case
    # A function's mailbox or phone number for referrals, never a person's.
    referral_contact = Text(default="")
    # Capacity (HSDS service_capacity): unit, available now, maximum, when confirmed.
    capacity_unit = Varchar(length=10, default="cases")  # hours | places | cases
    maximum = Integer(default=0)
    available = Integer(default=0)
    reserved = Integer(default=0)  # units of pending reservations
    # Raised by every change: a provider's edit names the version it saw (optimistic locking).
    version = Integer(default=1)
    confirmed_at = Timestamptz()
    active = Boolean(default=True)
    created_at = Timestamptz()


class Reservation(Table, tablename="service_reservation"):
    id: Serial
    service = ForeignKey(references=Service, index=True)
    provider = ForeignKey(references=Organisation, index=True)
    beneficiary = ForeignKey(references=Beneficiary, index=True)
    organisation = ForeignKey(references=Organisation, index=True)  # the caseworker's
    created_by = ForeignKey(references=User, null=True)
    created_at = Timestamptz()
    expires_at = Timestamptz(index=True)
    units = Integer(default=1)
    matter = Varchar(length=30, null=True, default=None)  # legal aid: LEGAL_MATTERS code
    # pending -> accepted | declined | released | expired
    status = Varchar(length=12, default="pending", index=True)
    answered_by = ForeignKey(references=User, null=True)
    answered_at = Timestamptz(null=True, default=None)
    decline_reason = Varchar(length=30, null=True, default=None)
    # The hard rule (providers.domain.EXCLUSIONS) by which the service, as its provider has
    # changed it since, no longer fits the person; None while it fits.
    misfit = Varchar(length=20, null=True, default=None)
    # The client's key for this request: a retried request finds its reservation.
    idempotency_key = Varchar(length=80, null=True, default=None)
    # In the migration: one pending reservation per person and service, UNIQUE (organisation,
    # idempotency_key), known statuses, units > 0.


class CapacityChange(Table, tablename="service_capacity_change"):
    """A rise of a service's available capacity, with what was available after it: the history
    reverse matching reads from a cursor (only rises are kept; a fall is no news to anyone)."""

    id: Serial
    service = ForeignKey(references=Service, index=True)
    at = Timestamptz(index=True)
    # created | set (the provider's staff) | declined | released | expired (units given back)
    kind = Varchar(length=10)
    actor_user_id = Integer(null=True, default=None)
    available = Integer()
    # In the migration: known kinds, available > 0.
