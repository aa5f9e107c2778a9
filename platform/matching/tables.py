"""Matching's own tables: the funding links, unmet demand, and the alerts of reverse matching.

Matches themselves are computed, never stored. What is stored is what matching must remember:
which support request pays for a hold made from a match (and what came of it), the searches that
found nothing (no identity: for statistics), and which caseworker was told of which freed bed or
service capacity.
"""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.table import Table

from accounts.tables import User
from beneficiaries.tables import Beneficiary
from grants.tables import SupportRequest
from providers.tables import Reservation, Service
from shelters.tables import BedCategory, Hold


class FundingLink(Table, tablename="funding_link"):
    """A hold made from a match and the support request opened for it, for the same person.

    The placement is the hold's (shelters' Placement.hold); the decision and payments are the
    request's. ``outcome`` says what became of the link: open while it runs; settled once the
    stay is paid by the nights actually stayed and the rest released; released when the request
    was refused and the bed given back; lapsed when the hold expired or was declined.
    """

    id: Serial
    hold = ForeignKey(references=Hold)
    support_request = ForeignKey(references=SupportRequest)
    beneficiary = ForeignKey(references=Beneficiary, index=True)
    nights = Integer()
    price_per_night = Integer()  # öre, the shelter's price when the hold was made
    created_by = ForeignKey(references=User, null=True)
    created_at = Timestamptz()
    outcome = Varchar(length=10, default="open", index=True)
    paid_amount = Integer(default=0)  # öre paid for the nights stayed, at settlement
    released_amount = Integer(default=0)  # öre given back to the budget, at settlement
    closed_at = Timestamptz(null=True, default=None)
    # In the migration: UNIQUE (hold), UNIQUE (support_request).


class ServiceFundingLink(Table, tablename="service_funding_link"):
    """A service reservation made from a match and the support request opened for it.

    The bed link's twin: the provider's acceptance is the reservation's, the decision and
    payments are the request's. ``outcome``: open while it runs; confirmed once the provider has
    accepted and the request is approved; released when the request was refused and the units
    given back; lapsed when the reservation was declined, released or expired unused.
    """

    id: Serial
    reservation = ForeignKey(references=Reservation)
    support_request = ForeignKey(references=SupportRequest)
    beneficiary = ForeignKey(references=Beneficiary, index=True)
    units = Integer()
    unit_price = Integer()  # öre per price_unit, the provider's price when it was reserved
    price_unit = Varchar(length=10)  # hour | place | case
    expected_cost = Integer()  # öre: hours × rate, or the price per place or case
    created_by = ForeignKey(references=User, null=True)
    created_at = Timestamptz()
    outcome = Varchar(length=10, default="open", index=True)
    closed_at = Timestamptz(null=True, default=None)
    # In the migration: UNIQUE (reservation), UNIQUE (support_request).


class UnmetDemand(Table, tablename="unmet_demand"):
    """A search for help with no eligible offer, or a hold refused for lack of a bed.

    Coded facts only (no identity, no case id): statistics count these.
    """

    id: Serial
    at = Timestamptz(index=True)
    kind = Varchar(length=10)  # no_offer | no_bed
    help = Varchar(length=20, default="shelter")  # the category of help looked for
    region = Varchar(length=20, default="")
    age_band = Varchar(length=10, default="unknown")
    gender = Varchar(length=20, default="unknown")
    target_group = Varchar(length=20, default="")
    # A person with protected identity: statistics count the row in totals only.
    protected = Boolean(default=False)


class BedAlert(Table, tablename="bed_alert"):
    """A caseworker told that a freed bed fits one of their cases (once per bed event and case)."""

    id: Serial
    event = Integer(index=True)  # shelters' AvailabilityChange id of the freed bed
    category = ForeignKey(references=BedCategory, index=True)
    beneficiary = ForeignKey(references=Beneficiary, index=True)
    user = ForeignKey(references=User)
    created_at = Timestamptz(index=True)
    # In the migration: UNIQUE (event, beneficiary).


class ServiceAlert(Table, tablename="service_alert"):
    """A caseworker told that a service whose capacity rose fits one of their cases (once per
    rise and case); ``consent_needed``: the person had not consented to sharing with the
    provider, so the caseworker was told to ask first."""

    id: Serial
    event = Integer(index=True)  # providers' CapacityChange id of the rise
    service = ForeignKey(references=Service, index=True)
    beneficiary = ForeignKey(references=Beneficiary, index=True)
    user = ForeignKey(references=User)
    consent_needed = Boolean(default=False)
    created_at = Timestamptz(index=True)
    # In the migration: UNIQUE (event, beneficiary).


class MatchingCursor(Table, tablename="matching_cursor"):
    """How far reverse matching has read another app's history (one row per reader: "reverse"
    for shelters' availability, "reverse_services" for providers' capacity)."""

    id: Serial
    name = Varchar(length=30)  # UNIQUE in the migration
    position = Integer(default=0)
