"""Beneficiaries: pseudonymised case records, notes, consent, sharing and status history.

Identity, the gap explanation and case notes are Fernet-encrypted (``*_encrypted`` columns);
everything else is coded (ISO and domain codes), so statistics survive anonymisation.
Multi-valued codes are stored space-separated.
"""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from accounts.tables import Organisation, User


class Beneficiary(Table):
    id: Serial
    # Pseudonymous code, e.g. K7Q-3M2: random, carries no personal information.
    code = Varchar(length=7, unique=True)
    organisation = ForeignKey(references=Organisation, index=True)
    caseworker = ForeignKey(references=User, null=True)
    # JSON {name, date_of_birth, personal_number, contact}, encrypted; None when not recorded.
    identity_encrypted = Text(null=True, default=None)
    gender = Varchar(length=20, default="unknown")
    birth_year = Integer(null=True, default=None)
    age_band = Varchar(length=10, default="unknown")
    is_minor = Boolean(default=False)
    citizenship = Varchar(length=2, null=True, default=None)  # ISO 3166-1 alpha-2
    languages = Text(default="")  # ISO 639-1/-3 codes
    children_count = Integer(default=0)
    children_ages = Text(default="")
    exploitation_types = Text(default="")
    trafficking_status = Varchar(length=20, default="presumed")
    identified_by = Varchar(length=30, null=True, default=None)
    region = Varchar(length=20, index=True)
    municipality = Varchar(length=4, null=True, default=None)  # SCB code
    migration_status = Varchar(length=30, null=True, default=None)
    # Why no authority covers the need; free text, so encrypted.
    gap_encrypted = Text(null=True, default=None)
    needs = Text(default="")
    shelter_requirements = Text(default="")
    interpreter_language = Varchar(length=3, null=True, default=None)
    protected_identity = Varchar(length=30, default="none")
    avoid_regions = Text(default="")
    status = Varchar(length=20, default="open", index=True)
    closed_reason = Varchar(length=30, null=True, default=None)
    closed_at = Timestamptz(null=True, default=None, index=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    # Set when retention erased the personal data; the coded fields stay for statistics.
    anonymised_at = Timestamptz(null=True, default=None)


class StatusChange(Table):
    id: Serial
    beneficiary = ForeignKey(references=Beneficiary, index=True)
    from_status = Varchar(length=20, null=True, default=None)
    to_status = Varchar(length=20)
    reason = Varchar(length=30, null=True, default=None)
    changed_by = ForeignKey(references=User, null=True)
    changed_at = Timestamptz()


class CaseNote(Table):
    id: Serial
    beneficiary = ForeignKey(references=Beneficiary, index=True)
    author = ForeignKey(references=User, null=True)
    created_at = Timestamptz()
    text_encrypted = Text()


class Consent(Table):
    id: Serial
    beneficiary = ForeignKey(references=Beneficiary, index=True)
    # store_data, share_shelter, share_funder, share_organisation, share_iom
    scope = Varchar(length=30)
    # For share_organisation: the organisation the person agreed to share with.
    organisation = ForeignKey(references=Organisation, null=True)
    given_at = Timestamptz()
    expires_at = Timestamptz(null=True, default=None)
    withdrawn_at = Timestamptz(null=True, default=None)
    recorded_by = ForeignKey(references=User, null=True)
    # The language the consent was explained in (ISO 639) and whether an interpreter was there.
    language = Varchar(length=3, null=True, default=None)
    interpreter_present = Boolean(default=False)


class Share(Table):
    """A case shared with (or transferred to) another organisation, which accepts or declines."""

    id: Serial
    beneficiary = ForeignKey(references=Beneficiary, index=True)
    organisation = ForeignKey(references=Organisation, index=True)
    kind = Varchar(length=10, default="share")  # share | transfer
    status = Varchar(length=10, default="pending")  # pending | accepted | declined | revoked
    created_by = ForeignKey(references=User, null=True)
    created_at = Timestamptz()
    answered_by = ForeignKey(references=User, null=True)
    answered_at = Timestamptz(null=True, default=None)
