"""Holding a bed for a case: one conditional write takes it, so no bed is held twice.

Kept on its own: matching wraps ``hold_bed`` with its eligibility rules, so nothing can be held
that matching would exclude.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from beneficiaries import services as beneficiaries
from fristad.database import write_transaction
from fristad.errors import Conflict, PermissionDenied
from fristad.i18n import gettext as _
from fristad.queue import QueueNotOpenError, enqueue
from fristad.settings import Settings, get_settings
from shelters import events, notify
from shelters.domain import CASE_ENDED, HoldGuard
from shelters.services._common import NoBed, hold_row, is_constraint_error, move_bed, now
from shelters.services.models import BedHold
from shelters.tables import Hold, Placement

log = logging.getLogger("fristad.shelters")


_guard: HoldGuard | None = None


def guard_holds_with(guard: HoldGuard) -> None:
    """The composition root hands over matching's rules: every hold asks them (shelters may not
    import matching, which sits above it)."""
    global _guard
    _guard = guard


async def _refusal(category_id: int, beneficiary_id: int) -> str | None:
    if _guard is None:
        # Fail closed: without the rules nobody can tell whether the bed fits the person.
        return _("Beds cannot be held now: the matching rules are not loaded.")
    return await _guard.refusal(category_id, beneficiary_id)


@dataclass(frozen=True)
class HoldResult:
    hold: BedHold
    created: bool  # False: the same request (idempotency key) had made this hold already


async def own_case_id(actor: Actor, code: str) -> int:
    """The id of a case of the actor's organisation by its pseudonymous code."""
    return await beneficiaries.case_id_by_code(actor, code)


async def hold_bed(
    actor: Actor,
    category_id: int,
    beneficiary_id: int,
    *,
    idempotency_key: str | None = None,
    settings: Settings | None = None,
) -> HoldResult:
    """Hold a bed of a category for one of the actor's organisation's cases until the expiry.

    The bed is taken by a single conditional UPDATE; a refusal (no bed free, the person has a
    bed held or a place already) is a Conflict. A repeated request with the same idempotency key
    returns the first hold and takes nothing more.
    """
    settings = settings or get_settings()
    require(actor, "hold.create")
    await beneficiaries.case_for(actor, beneficiary_id)
    if not await beneficiaries.has_valid_consent(beneficiary_id, "share_shelter"):
        raise PermissionDenied(
            _("The person has not consented to sharing their details with a shelter.")
        )
    key = (idempotency_key or "").strip()[:80] or None
    if (
        key is not None
        and (found := await _hold_by_key(actor, key, category_id, beneficiary_id)) is not None
    ):
        return HoldResult(found, created=False)
    created_at = now()
    expires_at = created_at + timedelta(hours=settings.hold_hours)
    try:
        async with write_transaction():
            # The case row first: a case closing meanwhile is refused here or ends this hold,
            # and a repeated request waits here for the first and then finds its hold.
            await beneficiaries.lock_case(beneficiary_id, refuse=CASE_ENDED)
            # Checked again under the write lock: the same request may have run meanwhile.
            if (
                key is not None
                and (found := await _hold_by_key(actor, key, category_id, beneficiary_id))
                is not None
            ):
                return HoldResult(found, created=False)
            await _refuse_second_booking(beneficiary_id)
            # Under the write lock, so the facts the rules read cannot change before the hold.
            if (refusal := await _refusal(category_id, beneficiary_id)) is not None:
                raise Conflict(refusal)
            category = await move_bed(
                category_id, from_="free", to="held", kind="hold", actor=actor
            )
            hold = Hold(
                category=category_id,
                shelter=category.shelter_id,
                beneficiary=beneficiary_id,
                organisation=actor.organisation_id,
                created_by=actor.user_id,
                created_at=created_at,
                expires_at=expires_at,
                idempotency_key=key,
            )
            await hold.save()
            await notify.notice_staff(category.shelter_id, "hold_created", hold.id)
            await audit.record(
                "hold.created",
                actor=actor,
                object_type="hold",
                object_id=hold.id,
                detail={"category_id": category_id, "beneficiary_id": beneficiary_id},
            )
            made = await hold_row(int(hold.id))
            await _schedule_expiry(made)
            await notify.hold_created(made, settings)
    except NoBed:
        if _guard is not None:
            await _guard.no_bed(category_id, beneficiary_id)
        raise
    except Exception as error:
        if not is_constraint_error(error):
            raise
        # A concurrent request won a race the UNIQUE indexes settle (PostgreSQL).
        if (
            key is not None
            and (found := await _hold_by_key(actor, key, category_id, beneficiary_id)) is not None
        ):
            return HoldResult(found, created=False)
        raise Conflict(_("The person has a bed held or a place already.")) from None
    await events.publish(made.shelter_id)
    return HoldResult(made, created=True)


async def _refuse_second_booking(beneficiary_id: int) -> None:
    if await Hold.exists().where((Hold.beneficiary == beneficiary_id) & (Hold.status == "pending")):
        raise Conflict(_("The person has a bed held already. Release it before holding another."))
    if await Placement.exists().where(
        (Placement.beneficiary == beneficiary_id) & Placement.discharged_at.is_null()
    ):
        raise Conflict(_("The person has a place in a shelter already."))


async def _hold_by_key(
    actor: Actor, key: str, category_id: int, beneficiary_id: int
) -> BedHold | None:
    """The hold an earlier request with this key made; a key reused for another bed or person
    is refused rather than answered with the wrong hold."""
    found = (
        await Hold.select(Hold.id, Hold.category, Hold.beneficiary)
        .where((Hold.organisation == actor.organisation_id) & (Hold.idempotency_key == key))
        .first()
    )
    if found is None:
        return None
    if (found["category"], found["beneficiary"]) != (category_id, beneficiary_id):
        raise Conflict(_("This form has been sent already. Reload the page and try again."))
    return await hold_row(found["id"])


async def _schedule_expiry(hold: BedHold) -> None:
    """The expiry job at the deadline; should it be lost, the sweep expires the hold."""
    try:
        await enqueue(
            "expire_hold", hold.id, job_id=f"hold-expiry:{hold.id}", defer_until=hold.expires_at
        )
    except QueueNotOpenError as error:
        log.warning(
            "expiry of hold %s not scheduled (%s); the sweep will expire it", hold.id, error
        )
