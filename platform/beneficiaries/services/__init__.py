"""Beneficiary use cases: records, identity, notes, consent, sharing, status, export, retention.

Callers write ``from beneficiaries import services; services.get_beneficiary(...)``; each use
case lives in its own module (reach decides who sees what, see ``reach``).
"""

from beneficiaries.services.closing import (
    CaseEnding,
    CaseHasOpenItems,
    OpenItem,
    end_open_items_with,
    lock_case,
    still_open,
)
from beneficiaries.services.consent import (
    consents_of,
    member_organisations,
    on_consent_withdrawn,
    provider_organisations,
    record_consent,
    withdraw_consent,
)
from beneficiaries.services.for_apps import (
    case_for,
    case_id_by_code,
    case_on,
    end_placement,
    gap_of,
    minimal_profile,
    organisations_on_case,
)
from beneficiaries.services.for_matching import (
    cases_waiting_for_shelter,
    cases_with_needs,
    caseworker_of,
    matching_facts,
)
from beneficiaries.services.models import (
    Access,
    BeneficiaryRecord,
    BeneficiaryView,
    CaseCounts,
    CaseFacts,
    ConsentEntry,
    Filters,
    IncomingShare,
    ListRow,
    Note,
    ShareEntry,
    StatusEntry,
    SubjectData,
    TrailEvent,
)
from beneficiaries.services.notes import add_note, list_notes
from beneficiaries.services.reach import (
    funded_cases_with,
    has_valid_consent,
    without_valid_consent,
)
from beneficiaries.services.record_page import RecordPage, record_page
from beneficiaries.services.records import (
    PAGE_SIZE,
    create_beneficiary,
    get_beneficiary,
    list_beneficiaries,
    list_records,
    reveal_identity,
    trail,
    update_beneficiary,
)
from beneficiaries.services.registered import (
    announce_registration,
    on_anonymised,
    on_registration,
)
from beneficiaries.services.sharing import answer_share, incoming_shares, share_case, shares_of
from beneficiaries.services.situation import (
    CaseSituation,
    SituationItem,
    situation_of,
    situation_with,
)
from beneficiaries.services.status import change_status, status_history
from beneficiaries.services.subject import (
    erase,
    export_subject_data,
    rotate_keys,
    run_retention,
    statistics,
)

__all__ = [
    "PAGE_SIZE",
    "Access",
    "BeneficiaryRecord",
    "BeneficiaryView",
    "CaseCounts",
    "CaseEnding",
    "CaseFacts",
    "CaseHasOpenItems",
    "CaseSituation",
    "ConsentEntry",
    "Filters",
    "IncomingShare",
    "ListRow",
    "Note",
    "OpenItem",
    "RecordPage",
    "ShareEntry",
    "SituationItem",
    "StatusEntry",
    "SubjectData",
    "TrailEvent",
    "add_note",
    "announce_registration",
    "answer_share",
    "case_for",
    "case_id_by_code",
    "case_on",
    "cases_waiting_for_shelter",
    "cases_with_needs",
    "caseworker_of",
    "change_status",
    "consents_of",
    "create_beneficiary",
    "end_open_items_with",
    "end_placement",
    "erase",
    "export_subject_data",
    "funded_cases_with",
    "gap_of",
    "get_beneficiary",
    "has_valid_consent",
    "incoming_shares",
    "list_beneficiaries",
    "list_notes",
    "list_records",
    "lock_case",
    "matching_facts",
    "member_organisations",
    "minimal_profile",
    "on_anonymised",
    "on_consent_withdrawn",
    "on_registration",
    "organisations_on_case",
    "provider_organisations",
    "record_consent",
    "record_page",
    "reveal_identity",
    "rotate_keys",
    "run_retention",
    "share_case",
    "shares_of",
    "situation_of",
    "situation_with",
    "statistics",
    "status_history",
    "still_open",
    "trail",
    "update_beneficiary",
    "withdraw_consent",
    "without_valid_consent",
]
