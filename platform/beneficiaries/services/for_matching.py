"""Coded case facts for matching: help now for one person, and the cases a freed bed or a
service's freed capacity may fit."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from piccolo.custom_types import Combinable

from accounts.domain import Actor
from beneficiaries.domain import split_codes
from beneficiaries.services.models import CaseFacts
from beneficiaries.services.reach import (
    has_valid_consent,
    in_reach,
    valid_consent_filter,
    without_valid_consent,
)
from beneficiaries.tables import Beneficiary, Consent
from fristad.errors import NotFound

_COLUMNS = (
    Beneficiary.id,
    Beneficiary.code,
    Beneficiary.organisation,
    Beneficiary.caseworker,
    Beneficiary.status,
    Beneficiary.gender,
    Beneficiary.age_band,
    Beneficiary.is_minor,
    Beneficiary.children_count,
    Beneficiary.languages,
    Beneficiary.shelter_requirements,
    Beneficiary.protected_identity,
    Beneficiary.avoid_regions,
    Beneficiary.region,
    Beneficiary.municipality,
    Beneficiary.interpreter_language,
    Beneficiary.needs,
    Beneficiary.exploitation_types,
    Beneficiary.created_at,
)


def _facts(row: dict[str, Any], consents_to_shelter: bool) -> CaseFacts:
    return CaseFacts(
        id=row["id"],
        code=row["code"],
        organisation_id=row["organisation"],
        caseworker_id=row["caseworker"],
        status=row["status"],
        gender=row["gender"],
        age_band=row["age_band"],
        is_minor=row["is_minor"],
        children_count=row["children_count"],
        languages=split_codes(row["languages"]),
        shelter_requirements=split_codes(row["shelter_requirements"]),
        protected_identity=row["protected_identity"],
        avoid_regions=split_codes(row["avoid_regions"]),
        region=row["region"],
        municipality=row["municipality"],
        interpreter_language=row["interpreter_language"],
        needs=split_codes(row["needs"]),
        exploitation_types=split_codes(row["exploitation_types"]),
        consents_to_shelter=consents_to_shelter,
        waiting_since=row["created_at"],
    )


async def matching_facts(actor: Actor | None, beneficiary_id: int) -> CaseFacts:
    """The case's coded facts: for an actor who may act for the person (their organisation's
    case, or one shared with it), or for the system (``None``: the hold guard, jobs)."""
    if actor is not None:
        await in_reach(actor, beneficiary_id, "beneficiary.write")
    row = await Beneficiary.select(*_COLUMNS).where(Beneficiary.id == beneficiary_id).first()
    if row is None:
        raise NotFound
    return _facts(row, await has_valid_consent(beneficiary_id, "share_shelter"))


async def cases_waiting_for_shelter() -> list[CaseFacts]:
    """Open cases that need a shelter and consented to share with one (for reverse matching)."""
    consented = Consent.select(Consent.beneficiary).where(valid_consent_filter("share_shelter"))
    rows = await Beneficiary.select(*_COLUMNS).where(
        (Beneficiary.status == "open")
        & Beneficiary.needs.like("%shelter%")
        & Beneficiary.id.is_in(consented)
        & Beneficiary.anonymised_at.is_null()
    )
    return [_facts(row, True) for row in rows if "shelter" in split_codes(row["needs"])]


async def cases_with_needs(needs: Collection[str]) -> list[CaseFacts]:
    """Open cases with any of ``needs`` (for reverse matching of services, which asks the
    consent to each provider itself)."""
    if not needs:
        return []
    wanted = set(needs)
    first, *others = sorted(wanted)
    condition: Combinable = Beneficiary.needs.like(f"%{first}%")
    for need in others:
        condition = condition | Beneficiary.needs.like(f"%{need}%")
    rows = await Beneficiary.select(*_COLUMNS).where(
        (Beneficiary.status == "open") & condition & Beneficiary.anonymised_at.is_null()
    )
    # The LIKE finds candidates; the codes themselves decide.
    rows = [row for row in rows if wanted & set(split_codes(row["needs"]))]
    no_shelter = await without_valid_consent([row["id"] for row in rows], "share_shelter")
    return [_facts(row, row["id"] not in no_shelter) for row in rows]


async def caseworker_of(beneficiary_id: int) -> int | None:
    """The caseworker responsible for a case (for a notice that carries no personal data)."""
    row = (
        await Beneficiary.select(Beneficiary.caseworker)
        .where(Beneficiary.id == beneficiary_id)
        .first()
    )
    return row["caseworker"] if row else None
