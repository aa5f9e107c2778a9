"""A case's status: open → placed/returned → closed (and reopened), with its history."""

from __future__ import annotations

from collections.abc import Collection

from accounts import audit
from accounts.domain import Actor
from beneficiaries.domain import CLOSED_REASONS, STATUS_TRANSITIONS
from beneficiaries.services.closing import after_ending, end_confirmed
from beneficiaries.services.models import BeneficiaryRecord, StatusEntry
from beneficiaries.services.reach import in_reach, now, record_of, require_owner
from beneficiaries.tables import Beneficiary, StatusChange
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput, NotFound
from fristad.i18n import gettext as _


async def change_status(
    actor: Actor | None,
    beneficiary_id: int,
    to_status: str,
    reason: str | None = None,
    *,
    end: Collection[str] = (),
) -> BeneficiaryRecord:
    """Move a case through open → placed/returned → closed (and reopen); returns the record.

    Closing or returning home ends what is still open for the person (beds held, the place,
    support requests) in the same transaction when ``end`` names every item of it (their keys);
    otherwise it is refused with the list (CaseHasOpenItems, see ``closing``).
    ``actor`` None: a higher app records an event it owns (shelters admitting someone).
    """
    if actor is not None:
        row, access = await in_reach(actor, beneficiary_id, "beneficiary.write")
        require_owner(access)
    else:
        found = await Beneficiary.select().where(Beneficiary.id == beneficiary_id).first()
        if found is None:
            raise NotFound
        row = found
    if to_status not in STATUS_TRANSITIONS.get(row["status"], set()):
        raise Conflict(_("A case cannot go from this status to that one."))
    if to_status == "closed" and reason not in CLOSED_REASONS:
        raise InvalidInput({"reason": _("Choose why the case is closed.")})
    async with write_transaction():
        changed = (
            await Beneficiary.update(
                {
                    Beneficiary.status: to_status,
                    Beneficiary.closed_reason: reason if to_status == "closed" else None,
                    Beneficiary.closed_at: now() if to_status == "closed" else None,
                    Beneficiary.updated_at: now(),
                }
            )
            .where((Beneficiary.id == beneficiary_id) & (Beneficiary.status == row["status"]))
            .returning(Beneficiary.id)
        )
        if not changed:  # someone else changed it meanwhile (double-submitted form)
            raise Conflict(_("The case was changed meanwhile. Reload the page."))
        # After the write that locked the case row: nothing new can start for the person now.
        ended = await end_confirmed(actor, beneficiary_id, to_status, end) if actor else []
        await StatusChange.insert(
            StatusChange(
                beneficiary=beneficiary_id,
                from_status=row["status"],
                to_status=to_status,
                reason=reason,
                changed_by=actor.user_id if actor else None,
                changed_at=now(),
            )
        )
        await audit.record(
            "beneficiary.status_changed",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            detail={
                "from": row["status"],
                "to": to_status,
                "reason": reason,
                **({"ended": [item.key for item in ended]} if ended else {}),
            },
        )
        record = await record_of(beneficiary_id)
    await after_ending(beneficiary_id, ended)
    return record


async def status_history(actor: Actor, beneficiary_id: int) -> list[StatusEntry]:
    """Every status the case has had, oldest first (whoever may read the record)."""
    await in_reach(actor, beneficiary_id)
    return await status_changes(beneficiary_id)


async def status_changes(beneficiary_id: int) -> list[StatusEntry]:
    """``status_history`` without the reach check, for a caller that made it."""
    rows = (
        await StatusChange.select(
            StatusChange.from_status,
            StatusChange.to_status,
            StatusChange.reason,
            StatusChange.changed_at,
        )
        .where(StatusChange.beneficiary == beneficiary_id)
        .order_by(StatusChange.changed_at)
    )
    return [
        StatusEntry(
            from_status=row["from_status"],
            to_status=row["to_status"],
            reason=row["reason"],
            changed_at=row["changed_at"],
        )
        for row in rows
    ]
