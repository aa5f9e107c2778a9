"""Grants tables: programmes, budgets, support requests, decisions, the ledger, payments.

Money is integer öre (BigInt). A Budget row keeps running totals for the conditional write that
commits funds; the ledger is the record they are derived from, and ``ledger check`` compares them.
Constraints (CHECK, UNIQUE) are added in the second grants migration with
``fristad.database.add_check`` / ``add_unique``, so they hold on both engines.
"""

from __future__ import annotations

from piccolo.columns import (
    BigInt,
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


class Programme(Table):
    id: Serial
    name = Varchar(length=200)
    starts_on = Date()
    ends_on = Date()
    # open, closed
    status = Varchar(length=20, default="open")
    # Approvals above this amount (öre) need a second officer's confirmation.
    four_eyes_threshold = BigInt(default=0)
    created_at = Timestamptz()
    # The authority (an organisation) that runs it: only its officers see, review and decide its
    # requests, budgets and payments. Null only for a programme a system admin created.
    authority_id = Integer(null=True, default=None, index=True)
    # The decision letter: how its reference (diarienummer) is written ({year}, {seq}), the last
    # number given, and the authority's own text on how to appeal (empty: the standard text).
    reference_format = Varchar(length=60, default="{year}-{seq:05d}")
    reference_seq = Integer(default=0)
    appeal_info = Text(default="")


class Budget(Table):
    """One category of a programme. ``allocated``, ``committed`` and ``paid`` mirror the ledger;
    remaining = allocated − committed, never below zero (CHECK)."""

    id: Serial
    programme = ForeignKey(references=Programme, index=True)
    # legal_aid, shelter, rehabilitation, return, other
    category = Varchar(length=20)
    allocated = BigInt(default=0)
    committed = BigInt(default=0)
    paid = BigInt(default=0)
    # A change of the allocation above the programme's four-eyes threshold waits here, one at a
    # time, until a second officer confirms it (then it becomes a ledger entry) or it is refused.
    pending_amount = BigInt(null=True, default=None)
    pending_reason = Text(null=True, default=None)
    pending_by = ForeignKey(references=User, null=True, default=None)
    pending_at = Timestamptz(null=True, default=None)
    # UNIQUE (programme, category); CHECK 0 <= paid <= committed <= allocated.


class SupportRequest(Table):
    id: Serial
    programme = ForeignKey(references=Programme, index=True)
    organisation = ForeignKey(references=Organisation, index=True)
    beneficiary = ForeignKey(references=Beneficiary, index=True)
    created_by = ForeignKey(references=User)
    category = Varchar(length=20)
    period_start = Date()
    period_end = Date()
    # Free text about a person: encrypted (fristad.crypto).
    justification_encrypted = Text(default="")
    gap_encrypted = Text(default="")
    # normal, acute (acute requests are decided within 24 hours and come first in the queue)
    urgency = Varchar(length=10, default="normal")
    state = Varchar(length=30, default="draft", index=True)
    # Sum of the cost lines, computed by the service, never typed.
    total = BigInt(default=0)
    approved_amount = BigInt(default=0)
    paid_amount = BigInt(default=0)
    # The officer's question and the caseworker's answer (encrypted free text).
    question_encrypted = Text(null=True, default=None)
    answer_encrypted = Text(null=True, default=None)
    # When the officer last asked, and the cost lines then (JSON), so they see what changed.
    info_requested_at = Timestamptz(null=True, default=None)
    lines_asked_about = Text(null=True, default=None)
    submitted_at = Timestamptz(null=True, default=None)
    decide_by = Timestamptz(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    report_due_on = Date(null=True, default=None)
    reported_at = Timestamptz(null=True, default=None)
    reminded_at = Timestamptz(null=True, default=None)
    actual_costs = BigInt(null=True, default=None)
    outcome_encrypted = Text(null=True, default=None)
    # An officer has read the report (the queue of reports to review shows those not yet read).
    report_reviewed_at = Timestamptz(null=True, default=None)
    report_reviewed_by = ForeignKey(references=User, null=True, default=None)
    # The officer who took the request ("assigned to me" in the queue).
    assigned_to = ForeignKey(references=User, null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    # CHECK 0 <= paid_amount <= approved_amount <= total; CHECK state and category known.


class CostLine(Table):
    id: Serial
    request = ForeignKey(references=SupportRequest, index=True)
    position = Integer(default=0)
    description = Varchar(length=200)
    quantity = Integer(default=1)
    unit = Varchar(length=30, default="")
    unit_price = BigInt(default=0)
    total = BigInt(default=0)
    # CHECK quantity > 0, unit_price >= 0, total = quantity * unit_price.


class Decision(Table, tablename="grant_decision"):
    id: Serial
    request = ForeignKey(references=SupportRequest, index=True)
    # approved, partially_approved, rejected
    outcome = Varchar(length=20)
    amount = BigInt(default=0)
    reason = Text()
    decided_by = ForeignKey(references=User)
    decided_at = Timestamptz()
    # Above the programme's threshold: a second, different officer confirms.
    needs_confirmation = Boolean(default=False)
    confirmed_by = ForeignKey(references=User, null=True, default=None)
    confirmed_at = Timestamptz(null=True, default=None)
    # pending (waiting for the second officer), effective, returned (sent back for review)
    status = Varchar(length=20, default="effective")
    # The diarienummer, given when the decision takes effect (UNIQUE).
    reference = Varchar(length=60, null=True, default=None)
    # CHECK confirmed_by <> decided_by; CHECK amount >= 0.


class LedgerEntry(Table):
    """Append-only (an UPDATE is refused by a trigger). ``key`` makes each effect happen once:
    ``commitment:<decision>``, ``release:<request>:<reason>``, ``payment:<payment>``."""

    id: Serial
    budget = ForeignKey(references=Budget, index=True)
    # allocation, adjustment, commitment, release, payment
    kind = Varchar(length=20)
    # Signed öre: allocations/adjustments change the allocated amount, commitments (+) and
    # releases (−) the committed amount, payments (+) the paid amount.
    amount = BigInt()
    key = Varchar(length=80, unique=True)
    request = ForeignKey(references=SupportRequest, null=True, default=None)
    decision = ForeignKey(references=Decision, null=True, default=None)
    reason = Text(default="")
    created_by = ForeignKey(references=User, null=True, default=None)
    # An adjustment above the threshold: the second officer who confirmed it.
    confirmed_by = ForeignKey(references=User, null=True, default=None)
    created_at = Timestamptz()


class Payment(Table, tablename="grant_payment"):
    id: Serial
    request = ForeignKey(references=SupportRequest, index=True)
    paid_on = Date()
    amount = BigInt()
    reference = Varchar(length=100)
    recorded_by = ForeignKey(references=User)
    recorded_at = Timestamptz()
    # CHECK amount > 0.


class Attachment(Table, tablename="grant_attachment"):
    """Metadata; the file itself lives under <var>/attachments/, outside the web root."""

    id: Serial
    request = ForeignKey(references=SupportRequest, index=True)
    filename = Varchar(length=200)
    content_type = Varchar(length=50)
    size = Integer()
    storage_name = Varchar(length=64, unique=True)
    sha256 = Varchar(length=64)
    uploaded_by = ForeignKey(references=User)
    uploaded_at = Timestamptz()


class GrantNotice(Table, tablename="grant_notice"):
    """An in-app notice to an officer: an acute request came in, or a decision waits for a
    second officer. No personal data: a kind and the request's number. Shown once."""

    id: Serial
    user = ForeignKey(references=User, index=True)
    # acute, confirmation
    kind = Varchar(length=20)
    request = ForeignKey(references=SupportRequest)
    created_at = Timestamptz()
    read_at = Timestamptz(null=True, default=None)
