"""Reach: which records an actor can see at all, and how (owner, shared, funder).

Who sees what (DESIGN.md, privacy rules), decided here for the pages and the API alike:
- the owning organisation's caseworkers, coordinators and admins: the whole record, identity
  (revealed on request, audited) and notes;
- an organisation the case was shared with (accepted): the record without identity and notes;
- a coordinator: also the shared cases of their region, and identity only with a stated reason;
- an officer: cases whose person consented to share with the funder and that have a support
  request in a programme of the officer's own authority; identity only with a reason;
- shelter staff and everyone else: nothing here (shelters ask for the minimal profile of their
  own holds and placements through ``minimal_profile``).
A record out of reach is a NotFound, never a 403 that tells it exists. Which roles are which is
the policy's (beneficiaries.policy); the helpers shared by the use-case modules live here too.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime
from typing import Any

from piccolo.columns.combination import Or, Where
from piccolo.query.methods.select import Select

from accounts.domain import Actor
from accounts.policy import require
from accounts.tables import Organisation
from beneficiaries import policy
from beneficiaries.domain import Identity
from beneficiaries.services.models import RECORD_COLUMNS, Access, BeneficiaryRecord
from beneficiaries.tables import Beneficiary, Consent, Share
from fristad import crypto
from fristad.errors import NotFound, PermissionDenied
from fristad.i18n import gettext as _


def now() -> datetime:
    return datetime.now(UTC)


# The ids of the cases an authority funds (a select of beneficiary ids), from grants, which this
# app may not import: the composition root hands it over. Without it, officers see no case.
CasesFundedBy = Callable[[int], Select[Any]]
_cases_funded_by: CasesFundedBy | None = None


def funded_cases_with(cases_funded_by: CasesFundedBy) -> None:
    """The composition root says which cases each authority funds (grants' programmes)."""
    global _cases_funded_by
    _cases_funded_by = cases_funded_by


def _funded_by(actor: Actor) -> Where | Any:
    """The actor's authority funds the case (a request in one of its programmes)."""
    if _cases_funded_by is None or actor.organisation_id is None:
        return Beneficiary.id == -1
    return Beneficiary.id.is_in(_cases_funded_by(actor.organisation_id))


def valid_consent_filter(scope: str) -> Where | Any:
    """Consents of ``scope`` in force now: given, not withdrawn, not expired."""
    current = now()
    return (
        (Consent.scope == scope)
        & Consent.withdrawn_at.is_null()
        & (Consent.given_at <= current)
        & (Consent.expires_at.is_null() | (Consent.expires_at > current))
    )


async def has_valid_consent(
    beneficiary_id: int, scope: str, organisation_id: int | None = None
) -> bool:
    """Has the person a consent of ``scope`` in force now (for that organisation)?"""
    query = Consent.exists().where(
        (Consent.beneficiary == beneficiary_id) & valid_consent_filter(scope)
    )
    if organisation_id is not None:
        query = query.where(Consent.organisation == organisation_id)
    return bool(await query)


async def without_valid_consent(
    beneficiary_ids: Collection[int], scope: str, organisation_id: int | None = None
) -> set[int]:
    """Those of the persons who have no consent of ``scope`` in force now (for that
    organisation), in one query."""
    if not beneficiary_ids:
        return set()
    query = Consent.select(Consent.beneficiary).where(
        Consent.beneficiary.is_in(list(beneficiary_ids)) & valid_consent_filter(scope)
    )
    if organisation_id is not None:
        query = query.where(Consent.organisation == organisation_id)
    consented = await query
    return set(beneficiary_ids) - {row["beneficiary"] for row in consented}


def within_reach(actor: Actor, query: Select[Any]) -> Select[Any]:
    """Restrict a Beneficiary query to the records the actor may see at all."""
    if actor.organisation_id is None or actor.role is None:
        return query.where(Beneficiary.id == -1)
    if policy.reads_as_funder(actor):
        funder = Consent.select(Consent.beneficiary).where(valid_consent_filter("share_funder"))
        return query.where(Beneficiary.id.is_in(funder) & _funded_by(actor))
    if not policy.holds_cases(actor):
        return query.where(Beneficiary.id == -1)
    # Shared with the actor's organisation, for as long as the person's consent holds.
    consented = Consent.select(Consent.beneficiary).where(
        valid_consent_filter("share_organisation") & (Consent.organisation == actor.organisation_id)
    )
    shared: Where | Any = Beneficiary.id.is_in(
        Share.select(Share.beneficiary).where(
            (Share.organisation == actor.organisation_id)
            & (Share.status == "accepted")
            & Share.beneficiary.is_in(consented)
        )
    )
    if policy.bound_to_region(actor):
        shared = shared & (Beneficiary.region == actor.region)
    return query.where(Or(Beneficiary.organisation == actor.organisation_id, shared))


async def access_of(actor: Actor, row: Mapping[str, Any]) -> Access | None:
    """How the actor sees this record, or None when it is out of their reach."""
    if actor.organisation_id is None or actor.role is None:
        return None
    if policy.reads_as_funder(actor):
        funded = await Beneficiary.exists().where((Beneficiary.id == row["id"]) & _funded_by(actor))
        if funded and await has_valid_consent(row["id"], "share_funder"):
            return Access.FUNDER
        return None
    if not policy.holds_cases(actor):
        return None
    if row["organisation"] == actor.organisation_id:
        return Access.OWNER
    if policy.bound_to_region(actor) and row["region"] != actor.region:
        return None
    shared = await Share.exists().where(
        (Share.beneficiary == row["id"])
        & (Share.organisation == actor.organisation_id)
        & (Share.status == "accepted")
    )
    if not shared:
        return None
    consented = await has_valid_consent(row["id"], "share_organisation", actor.organisation_id)
    return Access.SHARED if consented else None


async def in_reach(
    actor: Actor, beneficiary_id: int, action: str = "beneficiary.read"
) -> tuple[dict[str, Any], Access]:
    """The record's row and the actor's access to it, after the policy allows ``action``."""
    require(actor, action)
    row = await Beneficiary.select().where(Beneficiary.id == beneficiary_id).first()
    if row is None:
        raise NotFound
    access = await access_of(actor, row)
    if access is None:
        raise NotFound
    return row, access


async def record_of(beneficiary_id: int) -> BeneficiaryRecord:
    """The record as stored now; for a command to return what it just wrote (no reach check)."""
    row = await Beneficiary.select(*RECORD_COLUMNS).where(Beneficiary.id == beneficiary_id).first()
    if row is None:
        raise NotFound
    return BeneficiaryRecord.of(row)


def require_owner(access: Access) -> None:
    if access != Access.OWNER:
        raise PermissionDenied(_("Only the organisation that owns the case can do this."))


def encrypt_identity(identity: Identity | None) -> str | None:
    return crypto.encrypt(json.dumps(dataclasses.asdict(identity))) if identity else None


def decrypt_identity(row: Mapping[str, Any]) -> Identity | None:
    if not row["identity_encrypted"]:
        return None
    return Identity(**json.loads(crypto.decrypt(row["identity_encrypted"])))


def decrypt_gap(row: Mapping[str, Any]) -> str:
    return crypto.decrypt(row["gap_encrypted"]) if row["gap_encrypted"] else ""


async def is_member_organisation(organisation_id: int) -> bool:
    return bool(
        await Organisation.exists().where(
            (Organisation.id == organisation_id)
            & (Organisation.is_member_ngo == True)  # noqa: E712
            & (Organisation.active == True)  # noqa: E712
        )
    )
