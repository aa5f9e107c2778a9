"""Grants use cases: programmes and budgets, support requests and their workflow, decisions with
four eyes, the ledger, payments, attachments, follow-up.

Each write runs in ``write_transaction()`` with its audit event and its mails (rows of the job
outbox, relayed to the worker once the transaction has committed). Callers import this package
(``from grants import services``); each use case lives in a module of its own.
"""

from grants.services._common import BudgetExhausted, cases_funded_by
from grants.services.adjustments import (
    adjust_budget,
    confirm_adjustment,
    programme_ledger,
    refuse_adjustment,
)
from grants.services.attachments import add_attachment, open_attachment
from grants.services.case_end import (
    ends_with_case,
    requests_of_case,
    withdraw_requests_of_case,
)
from grants.services.decisions import DecisionResult, confirm, decide, send_back
from grants.services.follow_up import (
    close,
    payments_in_period,
    record_payment,
    release_unspent,
    report,
    review_report,
    send_report_reminders,
)
from grants.services.for_matching import (
    BudgetLeft,
    FundingState,
    budget_left,
    funding_state,
    settle_stay,
)
from grants.services.ledger import LedgerDifference, ledger_check
from grants.services.letter import Letter, decision_letter
from grants.services.models import (
    AttachmentRecord,
    BudgetLine,
    CostLineRecord,
    DecisionRecord,
    ExportedPayment,
    LedgerLine,
    PaymentRecord,
    ProgrammeRecord,
    SupportRequestRecord,
)
from grants.services.officer_work import OfficerNotice, take_notices, take_request
from grants.services.programmes import (
    budget_in_reach,
    create_programme,
    get_programme,
    list_programmes,
    open_programmes,
)
from grants.services.reading import (
    OrganisationHistory,
    RequestView,
    get_request,
    list_requests,
    my_requests,
    organisation_history,
    reports_to_review,
    review_queue,
)
from grants.services.reversals import reverse_payment, reversed_payments
from grants.services.support_requests import (
    answer_info,
    beneficiary_by_code,
    create_request,
    request_info,
    save_draft,
    start_review,
    submit,
    withdraw,
)

__all__ = [
    "AttachmentRecord",
    "BudgetExhausted",
    "BudgetLeft",
    "BudgetLine",
    "CostLineRecord",
    "DecisionRecord",
    "DecisionResult",
    "ExportedPayment",
    "FundingState",
    "LedgerDifference",
    "LedgerLine",
    "Letter",
    "OfficerNotice",
    "OrganisationHistory",
    "PaymentRecord",
    "ProgrammeRecord",
    "RequestView",
    "SupportRequestRecord",
    "add_attachment",
    "adjust_budget",
    "answer_info",
    "beneficiary_by_code",
    "budget_in_reach",
    "budget_left",
    "cases_funded_by",
    "close",
    "confirm",
    "confirm_adjustment",
    "create_programme",
    "create_request",
    "decide",
    "decision_letter",
    "ends_with_case",
    "funding_state",
    "get_programme",
    "get_request",
    "ledger_check",
    "list_programmes",
    "list_requests",
    "my_requests",
    "open_attachment",
    "open_programmes",
    "organisation_history",
    "payments_in_period",
    "programme_ledger",
    "record_payment",
    "refuse_adjustment",
    "release_unspent",
    "report",
    "reports_to_review",
    "request_info",
    "requests_of_case",
    "reverse_payment",
    "reversed_payments",
    "review_queue",
    "review_report",
    "save_draft",
    "send_back",
    "send_report_reminders",
    "settle_stay",
    "start_review",
    "submit",
    "take_notices",
    "take_request",
    "withdraw",
    "withdraw_requests_of_case",
]
