"""Consent: what the person agreed to (store, share with a shelter, the funder, an organisation,
IOM), recorded and withdrawn by the owning organisation. Sharing is gated by it (reach)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from accounts import audit
from accounts.domain import Actor
from accounts.tables import Organisation
from beneficiaries.codes import language_code
from beneficiaries.domain import CONSENT_SCOPES, start_of
from beneficiaries.schemas import ConsentForm
from beneficiaries.services.models import ConsentEntry
from beneficiaries.services.reach import in_reach, is_member_organisation, now, require_owner
from beneficiaries.tables import Consent, Share
from fristad.database import write_transaction
from fristad.errors import InvalidInput, NotFound
from fristad.i18n import gettext as _

# Consents that name the organisation the person agreed to share with.
NAMED_SCOPES = frozenset({"share_organisation", "share_provider"})

# What higher apps do when a consent is withdrawn (pathways stops a return plan), called inside
# the withdrawal's transaction with the person's id and the scope: the composition root hands
# them over, since beneficiaries may not import those apps.
ConsentWithdrawn = Callable[[Actor, int, str], Awaitable[None]]
_on_withdrawn: list[ConsentWithdrawn] = []


def on_consent_withdrawn(handler: ConsentWithdrawn) -> None:
    """Run ``handler`` whenever a consent is withdrawn (registered once, by fristad.app)."""
    if handler not in _on_withdrawn:
        _on_withdrawn.append(handler)


async def _is_provider(organisation_id: int) -> bool:
    return bool(
        await Organisation.exists().where(
            (Organisation.id == organisation_id)
            & (Organisation.is_provider == True)  # noqa: E712
            & (Organisation.active == True)  # noqa: E712
        )
    )


async def record_consent(actor: Actor, beneficiary_id: int, form: ConsentForm) -> int:
    """Record a consent the person gave (owning organisation); returns its id."""
    _row, access = await in_reach(actor, beneficiary_id, "beneficiary.write")
    require_owner(access)
    errors = {}
    if form.scope not in CONSENT_SCOPES:
        errors["scope"] = _("Choose what the person consented to.")
    if form.scope == "share_organisation" and not (
        form.organisation_id and await is_member_organisation(form.organisation_id)
    ):
        errors["organisation_id"] = _("Choose the organisation.")
    if form.scope == "share_provider" and not (
        form.organisation_id and await _is_provider(form.organisation_id)
    ):
        errors["organisation_id"] = _("Choose the service provider.")
    language = language_code(form.language) if form.language.strip() else None
    if form.language.strip() and language is None:
        errors["language"] = _("Choose a language from the list.")
    given = form.given_at or now().date()
    if given > now().date():
        errors["given_at"] = _("The date cannot be in the future.")
    if form.expires_at is not None and form.expires_at <= given:
        errors["expires_at"] = _("The consent must end after it was given.")
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        consent = Consent(
            beneficiary=beneficiary_id,
            scope=form.scope,
            organisation=form.organisation_id if form.scope in NAMED_SCOPES else None,
            given_at=start_of(given),
            expires_at=start_of(form.expires_at) if form.expires_at else None,
            recorded_by=actor.user_id,
            language=language,
            interpreter_present=form.interpreter_present,
        )
        await consent.save()
        await audit.record(
            "consent.recorded",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            detail={"scope": form.scope, "consent_id": int(consent.id)},
        )
    return int(consent.id)


async def withdraw_consent(actor: Actor, beneficiary_id: int, consent_id: int) -> None:
    """The person withdrew a consent: sharing that relied on it stops from now on."""
    _row, access = await in_reach(actor, beneficiary_id, "beneficiary.write")
    require_owner(access)
    async with write_transaction():
        withdrawn = (
            await Consent.update({Consent.withdrawn_at: now()})
            .where(
                (Consent.id == consent_id)
                & (Consent.beneficiary == beneficiary_id)
                & Consent.withdrawn_at.is_null()
            )
            .returning(Consent.id, Consent.scope, Consent.organisation)
        )
        if not withdrawn:
            raise NotFound
        if withdrawn[0]["scope"] == "share_organisation":
            # Shares end; a transfer not yet accepted is called off (an accepted one moved
            # the case, and the consent to share no longer governs it).
            await Share.update({Share.status: "revoked", Share.answered_at: now()}).where(
                (Share.beneficiary == beneficiary_id)
                & (Share.organisation == withdrawn[0]["organisation"])
                & (
                    ((Share.kind == "share") & Share.status.is_in(["pending", "accepted"]))
                    | ((Share.kind == "transfer") & (Share.status == "pending"))
                )
            )
        await audit.record(
            "consent.withdrawn",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            detail={"scope": withdrawn[0]["scope"], "consent_id": consent_id},
        )
        for handler in _on_withdrawn:
            await handler(actor, beneficiary_id, withdrawn[0]["scope"])


async def consents_of(actor: Actor, beneficiary_id: int) -> list[ConsentEntry]:
    """Every consent recorded for the person, newest first (owning organisation)."""
    _row, access = await in_reach(actor, beneficiary_id)
    require_owner(access)
    return await recorded_consents(beneficiary_id)


async def recorded_consents(beneficiary_id: int) -> list[ConsentEntry]:
    """``consents_of`` without the reach check, for a caller that made it."""
    rows = (
        await Consent.select(
            Consent.id,
            Consent.scope,
            Consent.given_at,
            Consent.expires_at,
            Consent.withdrawn_at,
            Consent.organisation.name,
            Consent.language,
            Consent.interpreter_present,
        )
        .where(Consent.beneficiary == beneficiary_id)
        .order_by(Consent.given_at, ascending=False)
    )
    return [
        ConsentEntry(
            id=row["id"],
            scope=row["scope"],
            given_at=row["given_at"],
            expires_at=row["expires_at"],
            withdrawn_at=row["withdrawn_at"],
            organisation_name=row["organisation.name"],
            language=row["language"],
            interpreter_present=row["interpreter_present"],
        )
        for row in rows
    ]


async def provider_organisations() -> list[tuple[int, str]]:
    """Service providers a person may consent to share their minimal profile with."""
    rows = (
        await Organisation.select(Organisation.id, Organisation.name)
        .where(
            (Organisation.is_provider == True)  # noqa: E712
            & (Organisation.active == True)  # noqa: E712
        )
        .order_by(Organisation.name)
    )
    return [(row["id"], row["name"]) for row in rows]


async def member_organisations(actor: Actor) -> list[tuple[int, str]]:
    """Other member organisations a case could be shared with or transferred to."""
    rows = (
        await Organisation.select(Organisation.id, Organisation.name)
        .where(
            (Organisation.is_member_ngo == True)  # noqa: E712
            & (Organisation.active == True)  # noqa: E712
            & (Organisation.id != (actor.organisation_id or 0))
        )
        .order_by(Organisation.name)
    )
    return [(row["id"], row["name"]) for row in rows]
