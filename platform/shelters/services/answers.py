"""After a hold: the shelter accepts or declines it, the caseworker releases it, or it expires;
and the lists of holds each side sees.

A hold moves on by one conditional write from a status the state machine (domain.HOLD_TRANSITIONS)
lets move there, so of two answers at once one finds the hold answered already; its bed moves in
the same transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from beneficiaries import services as beneficiaries
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput, NotFound
from fristad.i18n import gettext as _
from shelters import events, notify
from shelters.domain import CASE_ENDED, DECLINE_REASONS, statuses_moving_to
from shelters.services._common import (
    hold_row,
    is_constraint_error,
    move_bed,
    now,
    operated_shelter,
    operates,
    profile_for_shelter,
)
from shelters.services.models import HOLD_COLUMNS, BedHold, CaseHold, IncomingHold
from shelters.tables import Hold, Placement


async def accept_hold(
    actor: Actor, hold_id: int, *, expected_discharge: date | None = None
) -> BedHold:
    """The shelter takes the person in: the held bed becomes an occupied one (a placement)."""
    hold = await _hold_for_operator(actor, hold_id)
    require(actor, "hold.answer", hold.operator_id)
    try:
        async with write_transaction():
            # The case row first, as a closing case takes it: closing ends this hold or waits.
            await beneficiaries.lock_case(hold.beneficiary_id, refuse=CASE_ENDED)
            if not await close_hold(hold_id, "accepted", {Hold.answered_by: actor.user_id}):
                raise _answered_already()
            await move_bed(hold.category_id, from_="held", to="occupied", kind="admit", actor=actor)
            placement = Placement(
                hold=hold_id,
                category=hold.category_id,
                shelter=hold.shelter_id,
                beneficiary=hold.beneficiary_id,
                organisation=hold.organisation_id,
                placed_by=hold.created_by,
                admitted_by=actor.user_id,
                admitted_at=now(),
                expected_discharge=expected_discharge,
            )
            await placement.save()
            await beneficiaries.change_status(None, hold.beneficiary_id, "placed")
            await notify.notice([hold.created_by], "hold_accepted", hold.shelter_id, hold_id)
            await audit.record(
                "hold.accepted",
                actor=actor,
                object_type="hold",
                object_id=hold_id,
                detail={"placement_id": placement.id},
            )
            await notify.tell_holder(hold, "accepted")
    except Exception as error:
        if not is_constraint_error(error):
            raise
        raise Conflict(_("The person has a place in a shelter already.")) from None
    await events.publish(hold.shelter_id)
    return await hold_row(hold_id)


async def decline_hold(actor: Actor, hold_id: int, reason: str) -> BedHold:
    """The shelter cannot take the person in; the bed is free again at once."""
    hold = await _hold_for_operator(actor, hold_id)
    require(actor, "hold.answer", hold.operator_id)
    if reason not in DECLINE_REASONS:
        raise InvalidInput({"reason": _("Choose why the shelter declines.")})
    async with write_transaction():
        if not await close_hold(
            hold_id, "declined", {Hold.answered_by: actor.user_id, Hold.decline_reason: reason}
        ):
            raise _answered_already()
        await move_bed(hold.category_id, from_="held", to="free", kind="decline", actor=actor)
        await notify.notice([hold.created_by], "hold_declined", hold.shelter_id, hold_id)
        await audit.record(
            "hold.declined",
            actor=actor,
            object_type="hold",
            object_id=hold_id,
            detail={"reason": reason},
        )
        await notify.tell_holder(hold, "declined")
    await events.publish(hold.shelter_id)
    return await hold_row(hold_id)


async def release_hold(actor: Actor, hold_id: int) -> BedHold:
    """The caseworker no longer needs the bed; it is free again at once."""
    hold = await hold_row(hold_id)
    if hold.organisation_id != actor.organisation_id:
        raise NotFound
    require(actor, "hold.release", hold.organisation_id)
    async with write_transaction():
        if not await close_hold(hold_id, "released", {Hold.answered_by: actor.user_id}):
            raise _answered_already()
        await move_bed(hold.category_id, from_="held", to="free", kind="release", actor=actor)
        await audit.record("hold.released", actor=actor, object_type="hold", object_id=hold_id)
    await events.publish(hold.shelter_id)
    return await hold_row(hold_id)


async def release_unfunded_hold(hold_id: int) -> bool:
    """Give back the bed of a pending hold whose support request was refused (matching calls
    this); True when it was released now, False when the hold had moved on already."""
    try:
        hold = await hold_row(hold_id)
    except NotFound:
        return False
    async with write_transaction():
        if not await close_hold(hold_id, "released", {}):
            return False
        await move_bed(hold.category_id, from_="held", to="free", kind="release", actor=None)
        await notify.notice_staff(hold.shelter_id, "hold_expired", hold_id)
        await audit.record(
            "hold.released", object_type="hold", object_id=hold_id, detail={"why": "unfunded"}
        )
    await events.publish(hold.shelter_id)
    return True


async def expire_hold(hold_id: int) -> bool:
    """Expire a hold past its deadline (the job at the deadline, or the sweep). Idempotent:
    a hold answered, released or expired already is left alone. True when it expired now."""
    try:
        hold = await hold_row(hold_id)
    except NotFound:
        return False
    async with write_transaction():
        if not await close_hold(hold_id, "expired", {}):
            return False
        await move_bed(hold.category_id, from_="held", to="free", kind="expire", actor=None)
        await notify.notice_staff(hold.shelter_id, "hold_expired", hold_id, also=[hold.created_by])
        await audit.record("hold.expired", object_type="hold", object_id=hold_id)
        await notify.tell_holder(hold, "expired")
        await notify.hold_expired(hold)
    await events.publish(hold.shelter_id)
    return True


async def expire_due_holds() -> int:
    """The sweep: expire every pending hold past its deadline; returns how many expired."""
    due = (
        await Hold.select(Hold.id)
        .where((Hold.status == "pending") & (Hold.expires_at <= now()))
        .order_by(Hold.expires_at)
    )
    expired = 0
    for row in due:
        expired += await expire_hold(row["id"])
    return expired


async def _hold_for_operator(actor: Actor, hold_id: int) -> BedHold:
    hold = await hold_row(hold_id)
    if not operates(actor, hold.operator_id):
        raise NotFound
    return hold


async def close_hold(hold_id: int, to_status: str, values: dict[Any, Any]) -> bool:
    """Move a hold on to ``to_status`` by one conditional write: only from a status the state
    machine allows, and an answer only before the deadline, the expiry only after it."""
    condition = (Hold.id == hold_id) & Hold.status.is_in(statuses_moving_to(to_status))
    if to_status != "expired":
        condition = condition & (Hold.expires_at > now())
    else:
        condition = condition & (Hold.expires_at <= now())
    claimed = (
        await Hold.update({Hold.status: to_status, Hold.answered_at: now(), **values})
        .where(condition)
        .returning(Hold.id)
    )
    return bool(claimed)


def _answered_already() -> Conflict:
    return Conflict(_("The hold has been answered, released or has expired meanwhile."))


# --- the lists -----------------------------------------------------------------------------


async def incoming_holds(actor: Actor, shelter_id: int) -> list[IncomingHold]:
    """Pending holds on the shelter with the minimal profile of each person (audited reads)."""
    shelter = await operated_shelter(actor, shelter_id)
    require(actor, "hold.answer", shelter["operator"])
    rows = (
        await Hold.select(*HOLD_COLUMNS)
        .where((Hold.shelter == shelter_id) & (Hold.status == "pending"))
        .order_by(Hold.expires_at)
    )
    result = []
    for row in rows:
        hold = BedHold(**row)
        profile = await profile_for_shelter(actor, hold.beneficiary_id, {"hold_id": hold.id})
        result.append(IncomingHold(hold, profile))
    return result


async def holds_of_organisation(actor: Actor) -> list[CaseHold]:
    """The holds of the actor's organisation's cases (newest first), each with its case's code
    and whether the person stays there now."""
    require(actor, "hold.list")
    rows = (
        await Hold.select(*HOLD_COLUMNS, Hold.beneficiary.code.as_alias("beneficiary_code"))
        .where(Hold.organisation == actor.organisation_id)
        .order_by(Hold.id, ascending=False)
        .limit(100)
    )
    staying = {
        row["hold"]
        for row in await Placement.select(Placement.hold).where(
            Placement.hold.is_in([row["id"] for row in rows] or [-1])
            & Placement.discharged_at.is_null()
        )
    }
    return [CaseHold(**row, placed=row["id"] in staying) for row in rows]


async def hold_for_api(actor: Actor, hold_id: int) -> BedHold:
    """One hold, for the organisation that holds it or the shelter's staff; NotFound otherwise."""
    require(actor, "hold.read")
    hold = await hold_row(hold_id)
    if hold.organisation_id != actor.organisation_id and not operates(actor, hold.operator_id):
        raise NotFound
    return hold
