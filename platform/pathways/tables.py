"""Pathways tables."""

from __future__ import annotations

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
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


# --- case plans (pathways.plans) ---------------------------------------------------------------


class CasePlanAction(Table, tablename="case_plan_action"):
    """One action of a case's shared plan (codes only, no free text: pathways.plans).

    The owner is an organisation in Fristad, or an authority outside it (a code). In the
    migration: UNIQUE (beneficiary, code), so seeding a template twice adds nothing twice.
    """

    id: Serial
    beneficiary = ForeignKey(references=Beneficiary, index=True)
    code = Varchar(length=40)
    situation = Varchar(length=40)
    owner_organisation = ForeignKey(references=Organisation, null=True, index=True)
    owner_authority = Varchar(length=30, null=True, default=None)
    due_on = Date(null=True, default=None, index=True)
    state = Varchar(length=20, default="open", index=True)
    outcome = Varchar(length=30, null=True, default=None)
    created_by = ForeignKey(references=User, null=True)
    created_at = Timestamptz()
    updated_by = ForeignKey(references=User, null=True)
    updated_at = Timestamptz()


class CasePlanNotice(Table, tablename="case_plan_notice"):
    """An overdue action told to the organisation that must act (no personal data: the action
    and its due day). UNIQUE (action, due_on) in the migration: one notice per lapse, however
    often the job runs; a new due day that lapses again is a new lapse."""

    id: Serial
    action = ForeignKey(references=CasePlanAction, index=True)
    organisation = ForeignKey(references=Organisation, index=True)
    due_on = Date()
    created_at = Timestamptz()
    read_at = Timestamptz(null=True, default=None)


class MinorPath(Table, tablename="minor_path"):
    """The minors' path of a case: social services notified (which municipality, when, by
    whom), the guardian (god man) as an encrypted contact, and who consented with them.
    UNIQUE (beneficiary) in the migration."""

    id: Serial
    beneficiary = ForeignKey(references=Beneficiary, index=True)
    started_at = Timestamptz()
    social_services_municipality = Varchar(length=4, null=True, default=None)  # SCB code
    social_services_notified_at = Timestamptz(null=True, default=None)
    social_services_notified_by = ForeignKey(references=User, null=True)
    # JSON {name, contact} of the god man, Fernet-encrypted like case notes.
    guardian_encrypted = Text(null=True, default=None)
    guardian_recorded_at = Timestamptz(null=True, default=None)
    guardian_recorded_by = ForeignKey(references=User, null=True)
    consent_given_by = Varchar(length=30, null=True, default=None)  # plans.CONSENT_GIVERS
    consent_recorded_at = Timestamptz(null=True, default=None)
    consent_recorded_by = ForeignKey(references=User, null=True)
