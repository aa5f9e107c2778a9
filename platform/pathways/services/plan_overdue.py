"""Overdue case-plan actions: a notice in the app and an e-mail to the organisation that must
act, once per lapse, without personal data (the action's name, its due day and a link).

An action owned by an authority outside Fristad is followed up by the organisation that owns
the case, so it is told instead. Once per lapse: the notice is UNIQUE (action, due day) and the
mail's key carries the same, so running the job twice, or two workers at once, tells once; a
due day moved and passed again is a new lapse.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from accounts.domain import Actor
from accounts.policy import require
from accounts.tables import Membership
from beneficiaries.domain import label
from fristad import i18n
from fristad.database import write_transaction
from fristad.i18n import gettext as _
from fristad.queue import QueueNotOpenError, mail_in_language
from fristad.settings import Settings, get_settings
from pathways import plans
from pathways.policy import PLAN_ROLES
from pathways.tables import CasePlanAction, CasePlanNotice

log = logging.getLogger("fristad.pathways")
BATCH = 500


@dataclass(frozen=True)
class PlanNotice:
    """An overdue action told to the actor's organisation: the case's code, the action, when it
    was due (the case's code is pseudonymous: no personal data)."""

    id: int
    beneficiary_id: int
    beneficiary_code: str
    action_code: str
    due_on: dt.date
    created_at: datetime


async def notify_overdue(on: dt.date | None = None, settings: Settings | None = None) -> int:
    """Tell the owners of the actions whose due day has passed; returns how many lapses it
    told of (none the second time)."""
    on = on or datetime.now(UTC).date()
    settings = settings or get_settings()
    told = 0
    after = 0
    # In batches by id: the lapses told already stay overdue, so a plain LIMIT would keep
    # answering them and never reach the newer ones.
    while rows := await _overdue_after(after, on):
        after = rows[-1]["id"]
        for row in rows:
            told += await _tell(row, settings)
    return told


async def _overdue_after(after: int, on: dt.date) -> list[dict[str, Any]]:
    return list(
        await CasePlanAction.select(
            CasePlanAction.id,
            CasePlanAction.code,
            CasePlanAction.due_on,
            CasePlanAction.owner_organisation,
            CasePlanAction.beneficiary.organisation.as_alias("case_organisation"),
        )
        .where(
            (CasePlanAction.id > after)
            & CasePlanAction.state.is_in(list(plans.OPEN_STATES))
            & (CasePlanAction.due_on < on)
            & CasePlanAction.beneficiary.anonymised_at.is_null()
            & CasePlanAction.beneficiary.status.is_in(["open", "placed"])
        )
        .order_by(CasePlanAction.id)
        .limit(BATCH)
    )


async def _tell(row: dict[str, Any], settings: Settings) -> int:
    """The notice and mails of one lapse, in one transaction; 0 when told already."""
    organisation_id = row["owner_organisation"] or row["case_organisation"]
    async with write_transaction():
        inserted = (
            await CasePlanNotice.insert(
                CasePlanNotice(
                    action=row["id"],
                    organisation=organisation_id,
                    due_on=row["due_on"],
                    created_at=datetime.now(UTC),
                )
            )
            .on_conflict(target=(CasePlanNotice.action, CasePlanNotice.due_on), action="DO NOTHING")
            .returning(CasePlanNotice.id)
        )
        if not inserted:
            return 0  # told of this lapse already
        await _mail_staff(organisation_id, row["id"], row["code"], row["due_on"], settings)
    return 1


async def _mail_staff(
    organisation_id: int, action_id: int, code: str, due: dt.date, settings: Settings
) -> None:
    """A mail to each case holder of the organisation, in their language (queued with the
    notice: the outbox row commits with it)."""
    staff = (
        await Membership.select(Membership.user.id, Membership.user.email, Membership.user.locale)
        .where(
            (Membership.organisation == organisation_id)
            & Membership.role.is_in([str(role) for role in PLAN_ROLES])
            & (Membership.active == True)  # noqa: E712
            & (Membership.user.active == True)  # noqa: E712
        )
        .distinct()
    )

    def write() -> tuple[str, str]:
        action = label(plans.ACTIONS, code)
        text = _(
            "An action of a case plan your organisation is responsible for is overdue: "
            "“{action}”, due {due}. Open Fristad to see the case and move the action on."
        ).format(action=action, due=i18n.date_(due))
        return _("Overdue in a case plan: {action}").format(action=action), "\n\n".join(
            [text, f"{settings.public_url}/pathways/plans/notices"]
        )

    for person in staff:
        key = f"plan-overdue:{action_id}:{due.isoformat()}:{person['user.id']}"
        try:
            await mail_in_language(
                person["user.locale"], to=person["user.email"], key=key, write=write
            )
        except QueueNotOpenError as error:
            log.warning("mail %s not queued: %s", key, type(error).__name__)


async def plan_notices(actor: Actor) -> list[PlanNotice]:
    """The overdue notices of the actor's organisation whose action is still open, newest
    first."""
    require(actor, "case_plan.read")
    rows = (
        await CasePlanNotice.select(
            CasePlanNotice.id,
            CasePlanNotice.action.beneficiary.as_alias("beneficiary_id"),
            CasePlanNotice.action._.beneficiary._.code.as_alias("beneficiary_code"),
            CasePlanNotice.action.code.as_alias("action_code"),
            CasePlanNotice.action.due_on.as_alias("due_now"),
            CasePlanNotice.due_on,
            CasePlanNotice.created_at,
        )
        .where(
            (CasePlanNotice.organisation == (actor.organisation_id or 0))
            & CasePlanNotice.action.state.is_in(list(plans.OPEN_STATES))
        )
        .order_by(CasePlanNotice.id, ascending=False)
        .limit(200)
    )
    return [
        PlanNotice(
            id=row["id"],
            beneficiary_id=row["beneficiary_id"],
            beneficiary_code=row["beneficiary_code"],
            action_code=row["action_code"],
            due_on=row["due_on"],
            created_at=row["created_at"],
        )
        for row in rows
        # A lapse whose due day has been moved since is over: the new day may lapse anew.
        if row["due_now"] == row["due_on"]
    ]
