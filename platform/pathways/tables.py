"""Pathways tables."""

from __future__ import annotations

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.table import Table

from accounts.tables import Organisation, User
from beneficiaries.tables import Beneficiary


class ReturnPlan(Table):
    """A referral to the return programme and, once accepted, the person's return plan.

    Holds no personal text: the destination country, codes, dates and who acts (pathways.returns
    has the states). The consent to share with IOM gates the partner's reach (services).
    """

    id: Serial
    beneficiary = ForeignKey(references=Beneficiary, index=True)
    # The organisation that referred the person (owns the case) and who did.
    referrer = ForeignKey(references=Organisation, index=True)
    referred_by = ForeignKey(references=User, null=True)
    # The authority that runs the return programme (Länsstyrelsen) and the partner it brought in.
    authority = ForeignKey(references=Organisation, index=True)
    partner = ForeignKey(references=Organisation, null=True, default=None, index=True)
    state = Varchar(length=20, default="referred")
    # ISO 3166 alpha-2 of the country the person returns to.
    country = Varchar(length=2)
    # The language the plan was made in (ISO 639) and whether an interpreter was there.
    language = Varchar(length=3, default="en")
    interpreter_present = Boolean(default=False)
    travel_date = Date(null=True, default=None)
    # The support request for the cost, once drafted (grants; no foreign key across apps' rooms).
    cost_request_id = Integer(null=True, default=None)
    created_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)
    departed_at = Timestamptz(null=True, default=None)
    stopped_at = Timestamptz(null=True, default=None)
    updated_at = Timestamptz()


class ReturnTask(Table):
    """One task of a return plan: its kind (stage and owner follow from it), due date, state."""

    id: Serial
    plan = ForeignKey(references=ReturnPlan, index=True)
    kind = Varchar(length=30)
    stage = Varchar(length=10)
    owner = ForeignKey(references=Organisation, null=True, default=None)
    due_on = Date(null=True, default=None)
    state = Varchar(length=20, default="open")
    # A follow-up's coded outcome (pathways.returns.FOLLOW_UP_OUTCOMES).
    outcome = Varchar(length=20, null=True, default=None)
    done_at = Timestamptz(null=True, default=None)
    done_by = ForeignKey(references=User, null=True, default=None)
    # In the migration: UNIQUE (plan, kind).
