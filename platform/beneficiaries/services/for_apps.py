"""What other apps ask of beneficiaries: grants and shelters act on their own cases through
these, and never read beneficiaries' tables for it (names and arguments are their interface)."""

from __future__ import annotations

from accounts.domain import Actor
from accounts.policy import require
from beneficiaries.domain import MinimalProfile, normalise_code, split_codes
from beneficiaries.services.models import Access, BeneficiaryRecord
from beneficiaries.services.reach import decrypt_gap, in_reach, require_owner, valid_consent_filter
from beneficiaries.services.status import change_status
from beneficiaries.tables import Beneficiary, Consent, Share
from fristad.errors import InvalidInput, NotFound
from fristad.i18n import gettext as _


async def case_for(actor: Actor, beneficiary_id: int) -> BeneficiaryRecord:
    """The record (no identity) when the actor's organisation owns it; for grants and shelters
    acting on behalf of their own cases."""
    row, access = await in_reach(actor, beneficiary_id)
    require_owner(access)
    return BeneficiaryRecord.of(row)


async def case_id_by_code(actor: Actor, code: str) -> int:
    """The id of one of the actor's organisation's own cases, found by its pseudonymous code."""
    require(actor, "beneficiary.write")
    row = (
        await Beneficiary.select(Beneficiary.id)
        .where(
            (Beneficiary.code == normalise_code(code))
            & (Beneficiary.organisation == (actor.organisation_id or 0))
        )
        .first()
    )
    if row is None:
        raise InvalidInput({"code": _("No case of your organisation has this code.")})
    return int(row["id"])


async def end_placement(beneficiary_id: int) -> None:
    """A placement ended (shelters calls this): a case still marked placed is open again.

    A case moved on meanwhile (returned home, closed) keeps its status.
    """
    row = (
        await Beneficiary.select(Beneficiary.status).where(Beneficiary.id == beneficiary_id).first()
    )
    if row is not None and row["status"] == "placed":
        await change_status(None, beneficiary_id, "open")


async def gap_of(beneficiary_id: int) -> str:
    """The gap explanation, for an app that has authorised the actor already."""
    row = (
        await Beneficiary.select(Beneficiary.gap_encrypted)
        .where(Beneficiary.id == beneficiary_id)
        .first()
    )
    if row is None:
        raise NotFound
    return decrypt_gap(row)


async def minimal_profile(beneficiary_id: int) -> MinimalProfile:
    """What a shelter may know; the calling app authorises (its own holds and placements)
    and records the read in the audit log."""
    row = (
        await Beneficiary.select(
            Beneficiary.id,
            Beneficiary.code,
            Beneficiary.gender,
            Beneficiary.age_band,
            Beneficiary.is_minor,
            Beneficiary.children_count,
            Beneficiary.children_ages,
            Beneficiary.languages,
            Beneficiary.shelter_requirements,
            Beneficiary.protected_identity,
        )
        .where(Beneficiary.id == beneficiary_id)
        .first()
    )
    if row is None:
        raise NotFound
    return MinimalProfile(
        beneficiary_id=row["id"],
        code=row["code"],
        gender=row["gender"],
        age_band=row["age_band"],
        is_minor=row["is_minor"],
        children_count=row["children_count"],
        children_ages=[int(age) for age in split_codes(row["children_ages"])],
        languages=split_codes(row["languages"]),
        shelter_requirements=split_codes(row["shelter_requirements"]),
        protected_identity=row["protected_identity"] != "none",
    )


async def case_on(actor: Actor, beneficiary_id: int) -> tuple[BeneficiaryRecord, Access]:
    """The record (no identity) when the actor's organisation is on the case: it owns it, or
    the case is shared with it (with the person's consent); for plans kept together."""
    row, access = await in_reach(actor, beneficiary_id)
    if access not in (Access.OWNER, Access.SHARED):
        raise NotFound
    return BeneficiaryRecord.of(row), access


async def organisations_on_case(beneficiary_id: int) -> list[int]:
    """The owning organisation, then those the case is shared with (accepted, consented)."""
    row = (
        await Beneficiary.select(Beneficiary.organisation)
        .where(Beneficiary.id == beneficiary_id)
        .first()
    )
    if row is None:
        raise NotFound
    consented = Consent.select(Consent.organisation).where(
        (Consent.beneficiary == beneficiary_id) & valid_consent_filter("share_organisation")
    )
    shares = await Share.select(Share.organisation).where(
        (Share.beneficiary == beneficiary_id)
        & (Share.status == "accepted")
        & Share.organisation.is_in(consented)
    )
    return list(dict.fromkeys([row["organisation"], *(share["organisation"] for share in shares)]))
