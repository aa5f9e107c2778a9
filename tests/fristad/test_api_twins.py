"""Every page action has an API twin: each unsafe page route of the app (from the app itself, so
a new one must be placed here) maps to the operationIds in OpenAPI that do what it does, or is
exempt with the reason. TODO marks a twin still missing; the list should only shrink."""

from __future__ import annotations

from litestar import Litestar

from tests.fristad.test_authorisation_matrix import UNSAFE, calls

TWINS: dict[str, tuple[str, ...]] = {
    "POST /beneficiaries": ("createBeneficiary",),
    "POST /beneficiaries/{beneficiary_id:int}": ("updateBeneficiary",),
    "POST /beneficiaries/{beneficiary_id:int}/status": ("changeBeneficiaryStatus",),
    "POST /beneficiaries/{beneficiary_id:int}/consents": ("recordConsent",),
    "POST /beneficiaries/{beneficiary_id:int}/consents/{consent_id:int}/withdraw": (
        "withdrawConsent",
    ),
    "POST /beneficiaries/{beneficiary_id:int}/notes": ("addNote",),
    "POST /beneficiaries/{beneficiary_id:int}/shares": ("shareCase",),
    "POST /beneficiaries/shares/{share_id:int}/{answer:str}": ("answerShare",),
    "POST /beneficiaries/{beneficiary_id:int}/help-now/hold": ("holdMatch",),
    "POST /beneficiaries/{beneficiary_id:int}/help-now/reserve": ("reserveServiceMatch",),
    "POST /shelters/categories/{category_id:int}/hold": ("createHold",),
    "POST /shelters/holds/{hold_id:int}/release": ("releaseHold",),
    "POST /shelters/{shelter_id:int}/address": ("revealShelterAddress",),
    "POST /shelters/operate": ("registerShelter",),
    "POST /shelters/operate/{shelter_id:int}/categories": ("addCategory",),
    "POST /shelters/operate/categories/{category_id:int}/adjust": ("setAvailability",),
    "POST /shelters/operate/categories/{category_id:int}/numbers": ("setAvailability",),
    "POST /shelters/operate/categories/{category_id:int}/confirm": ("confirmAvailability",),
    "POST /shelters/operate/holds/{hold_id:int}/accept": ("acceptHold",),
    "POST /shelters/operate/holds/{hold_id:int}/decline": ("declineHold",),
    "POST /shelters/operate/placements/{placement_id:int}/discharge": ("dischargePlacement",),
    "POST /grants/requests/new": ("createSupportRequest",),
    "POST /grants/requests/{support_request_id:int}/{action:str}": (
        "submitSupportRequest",
        "startReview",
        "requestInfo",
        "decideSupportRequest",
        "confirmDecision",
        "recordPayment",
        "answerInfoRequest",
        "sendReport",
        "reviewReport",
        "takeSupportRequest",
    ),
    "POST /grants/requests/{support_request_id:int}/reversals/{payment_id:int}": (
        "reversePayment",
    ),
    "POST /grants/requests/{support_request_id:int}/attachments": ("uploadAttachment",),
    "POST /organisation/members/invite": ("inviteMember",),
    "POST /organisation/invitations/{invitation_id:int}/revoke": ("revokeInvitation",),
    "POST /organisation/members/{membership_id:int}/role": ("changeRole",),
    "POST /organisation/members/{membership_id:int}/deactivate": ("deactivateMember",),
    "POST /grants/requests/{support_request_id:int}/edit": ("changeSupportRequest",),
    "POST /grants/programmes": ("createProgramme",),
    "POST /grants/budgets/{budget_id:int}/adjust": ("adjustBudget",),
    "POST /grants/budgets/{budget_id:int}/confirm": ("confirmBudgetAdjustment",),
    "POST /grants/budgets/{budget_id:int}/refuse": ("refuseBudgetAdjustment",),
    "POST /providers/services/{service_id:int}/reserve": ("reserveService",),
    "POST /providers/reservations/{reservation_id:int}/release": ("releaseReservation",),
    "POST /providers/operate/services": ("registerService",),
    "POST /providers/operate/services/{service_id:int}/capacity": ("setServiceCapacity",),
    "POST /providers/operate/services/{service_id:int}/details": ("updateService",),
    "POST /providers/operate/services/{service_id:int}/confirm": ("confirmServiceCapacity",),
    "POST /providers/operate/reservations/{reservation_id:int}/accept": ("acceptReservation",),
    "POST /providers/operate/reservations/{reservation_id:int}/decline": ("declineReservation",),
    "POST /figures/exports": ("requestFiguresExport",),
    "POST /pathways/returns": ("referToReturnProgramme",),
    "POST /pathways/returns/{plan_id:int}/accept": ("acceptReturnReferral",),
    "POST /pathways/returns/{plan_id:int}/decline": ("declineReturnReferral",),
    "POST /pathways/returns/{plan_id:int}/depart": ("recordReturnDeparture",),
    "POST /pathways/returns/{plan_id:int}/tasks/{task_id:int}": ("moveReturnTask",),
    "POST /pathways/returns/{plan_id:int}/cost": ("draftReturnCost",),
    "POST /beneficiaries/{beneficiary_id:int}/plan/seed": ("seedCasePlan",),
    "POST /pathways/plans/actions/{action_id:int}": ("changePlanAction",),
    "POST /beneficiaries/{beneficiary_id:int}/plan/minor/social-services": (
        "recordSocialServicesNotified",
    ),
    "POST /beneficiaries/{beneficiary_id:int}/plan/minor/guardian": ("recordGuardian",),
    "POST /beneficiaries/{beneficiary_id:int}/plan/minor/consent": ("recordGuardianConsent",),
}
# Why a page action has no twin. A person's own credentials and session are handled signed in,
# never by a token (a token cannot create tokens or change passwords).
EXEMPT: dict[str, str] = {
    "POST /sign-in": "a person signs in; the API uses bearer tokens",
    "POST /sign-in/two-factor": "a person signs in",
    "POST /sign-in/two-factor/setup": "a person signs in",
    "POST /sign-out": "ends a browser session",
    "POST /password/forgot": "a person's own credentials",
    "POST /password/reset/{token:str}": "a person's own credentials",
    "POST /invitations/{token:str}": "the invited person accepts by the mailed link",
    "POST /language": "the browser's language choice",
    "POST /account/language": "the signed-in person's language preference",
    "POST /account/context": "a session's organisation; a token belongs to one membership",
    "POST /account/password": "a person's own credentials",
    "POST /account/two-factor": "a person's own credentials",
    "POST /account/two-factor/disable": "a person's own credentials",
    "POST /account/two-factor/recovery-codes": "a person's own credentials",
    "POST /account/tokens": "a token cannot create tokens",
    "POST /account/tokens/{token_id:int}/revoke": "tokens are managed signed in",
    "POST /beneficiaries/{beneficiary_id:int}/identity": "identity never with a token (policy)",
    # Actions whose policy rule no token scope grants (signed in, with a second factor, only).
    "POST /beneficiaries/{beneficiary_id:int}/erase": "erasure, never with a token (policy)",
    "POST /beneficiaries/{beneficiary_id:int}/export": "the full export holds the identity",
    "POST /admin/organisations": "system administration (organisation.create)",
    "POST /admin/users/{user_id:int}/disable": "system administration (user.manage)",
    "POST /admin/users/{user_id:int}/enable": "system administration (user.manage)",
    "POST /grants/requests/totals": "the form's running totals while typing; changes nothing",
}


def _page_actions(app: Litestar) -> set[str]:
    return {
        str(call)
        for call in calls(app)
        if call.method in UNSAFE and not call.template.startswith(("/api/", "/schema"))
    }


def _operation_ids(app: Litestar) -> set[str]:
    schema = app.openapi_schema.to_schema()
    return {
        operation["operationId"]
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/")
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }


def test_every_page_action_has_an_api_twin_or_a_reason(app: Litestar) -> None:
    actions = _page_actions(app)
    unplaced = actions - TWINS.keys() - EXEMPT.keys()
    assert not unplaced, f"give these page actions an API twin (TWINS) or a reason: {unplaced}"
    assert not (TWINS.keys() | EXEMPT.keys()) - actions, "no such page action any more"
    assert not TWINS.keys() & EXEMPT.keys()


def test_every_twin_named_is_an_operation_of_the_openapi_schema(app: Litestar) -> None:
    missing = {twin for twins in TWINS.values() for twin in twins} - _operation_ids(app)
    assert not missing, f"no API operation with these operationIds: {missing}"


def test_every_api_operation_has_an_operation_id_and_documents_its_problems(app: Litestar) -> None:
    schema = app.openapi_schema.to_schema()
    for path, item in schema["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in item.items():
            assert operation.get("operationId"), f"{method} {path} has no operationId"
            documented = set(operation["responses"])
            assert {"400", "401", "403", "404", "422"} <= documented, f"{method} {path}"
            problem = operation["responses"]["404"]["content"]
            assert "application/problem+json" in problem, f"{method} {path}"


def test_the_remaining_todo_twins_are_counted() -> None:
    """The count the lead tracks; it only goes down."""
    assert sum(reason.startswith("TODO") for reason in EXEMPT.values()) <= 3
