"""Pathways tables."""

from __future__ import annotations

# --- case plans (pathways.plans) ---------------------------------------------------------------
from piccolo.columns import Date, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from accounts.tables import Organisation, User
from beneficiaries.tables import Beneficiary


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
