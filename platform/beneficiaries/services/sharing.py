"""Sharing a case with another member organisation, or transferring it: offered by the owner
with the person's consent for that very organisation, accepted or declined by the receiver."""

from __future__ import annotations

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from beneficiaries import policy
from beneficiaries.services.models import IncomingShare, ShareEntry
from beneficiaries.services.reach import (
    has_valid_consent,
    in_reach,
    is_member_organisation,
    now,
    require_owner,
)
from beneficiaries.tables import Beneficiary, Share
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from fristad.i18n import gettext as _


async def share_case(
    actor: Actor, beneficiary_id: int, organisation_id: int, kind: str = "share"
) -> int:
    """Offer the case to another organisation (share, or transfer ownership); it must accept.

    Needs the person's consent to share with that very organisation. Returns the share's id.
    """
    _row, access = await in_reach(actor, beneficiary_id, "beneficiary.write")
    require_owner(access)
    if kind not in ("share", "transfer"):
        raise InvalidInput({"kind": _("Choose share or transfer.")})
    if organisation_id == actor.organisation_id:
        raise InvalidInput({"organisation_id": _("Choose another organisation.")})
    if not await has_valid_consent(beneficiary_id, "share_organisation", organisation_id):
        raise PermissionDenied(_("The person has not consented to sharing with this organisation."))
    if not await is_member_organisation(organisation_id):
        raise InvalidInput({"organisation_id": _("Choose a member organisation.")})
    async with write_transaction():
        if await Share.exists().where(
            (Share.beneficiary == beneficiary_id)
            & (Share.organisation == organisation_id)
            & Share.status.is_in(["pending", "accepted"])
        ):
            raise Conflict(_("The case is shared with this organisation already."))
        share = Share(
            beneficiary=beneficiary_id,
            organisation=organisation_id,
            kind=kind,
            created_by=actor.user_id,
            created_at=now(),
        )
        await share.save()
        await audit.record(
            f"beneficiary.{kind}_offered",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            detail={"share_id": int(share.id), "organisation_id": organisation_id},
        )
    return int(share.id)


async def answer_share(actor: Actor, share_id: int, accept: bool) -> None:
    """The receiving organisation accepts or declines; a transfer moves ownership."""
    require(actor, "beneficiary.write")
    share = await Share.select().where(Share.id == share_id).first()
    if share is None or share["organisation"] != actor.organisation_id:
        raise NotFound
    async with write_transaction():
        if accept and not await has_valid_consent(
            share["beneficiary"], "share_organisation", actor.organisation_id
        ):
            raise Conflict(_("The person's consent to share with you is no longer valid."))
        answered = (
            await Share.update(
                {
                    Share.status: "accepted" if accept else "declined",
                    Share.answered_by: actor.user_id,
                    Share.answered_at: now(),
                }
            )
            .where((Share.id == share_id) & (Share.status == "pending"))
            .returning(Share.id)
        )
        if not answered:
            raise Conflict(_("This has been answered already."))
        if accept and share["kind"] == "transfer":
            moved = (
                await Beneficiary.update(
                    {
                        Beneficiary.organisation: actor.organisation_id,
                        Beneficiary.caseworker: actor.user_id,
                        Beneficiary.updated_at: now(),
                    }
                )
                .where(
                    (Beneficiary.id == share["beneficiary"])
                    & (Beneficiary.organisation != actor.organisation_id)
                    & Beneficiary.anonymised_at.is_null()
                )
                .returning(Beneficiary.id)
            )
            if not moved:
                raise Conflict(_("The case can no longer be transferred."))
        await audit.record(
            f"beneficiary.{share['kind']}_{'accepted' if accept else 'declined'}",
            actor=actor,
            object_type="beneficiary",
            object_id=share["beneficiary"],
            detail={"share_id": share_id},
        )


async def incoming_shares(actor: Actor) -> list[IncomingShare]:
    """Cases other organisations offer to the actor's, waiting for an answer, oldest first."""
    if actor.organisation_id is None or not policy.holds_cases(actor):
        return []
    rows = (
        await Share.select(
            Share.id,
            Share.kind,
            Share.created_at,
            Share.beneficiary.code,
            Share.beneficiary.organisation.name.as_alias("from_organisation"),  # type: ignore[union-attr]
        )
        .where((Share.organisation == actor.organisation_id) & (Share.status == "pending"))
        .order_by(Share.created_at)
    )
    return [
        IncomingShare(
            id=row["id"],
            kind=row["kind"],
            created_at=row["created_at"],
            code=row["beneficiary.code"],
            from_organisation=row["from_organisation"],
        )
        for row in rows
    ]


async def shares_of(actor: Actor, beneficiary_id: int) -> list[ShareEntry]:
    """Every offer of the case to another organisation, oldest first (owning organisation)."""
    _row, access = await in_reach(actor, beneficiary_id)
    require_owner(access)
    return await offered_shares(beneficiary_id)


async def offered_shares(beneficiary_id: int) -> list[ShareEntry]:
    """``shares_of`` without the reach check, for a caller that made it."""
    rows = (
        await Share.select(
            Share.id, Share.kind, Share.status, Share.created_at, Share.organisation.name
        )
        .where(Share.beneficiary == beneficiary_id)
        .order_by(Share.created_at)
    )
    return [
        ShareEntry(
            id=row["id"],
            kind=row["kind"],
            status=row["status"],
            created_at=row["created_at"],
            organisation_name=row["organisation.name"],
        )
        for row in rows
    ]
