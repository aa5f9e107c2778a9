"""Shelters' in-app notices and e-mails: no personal data (a shelter, a category, a deadline, a
link), each mail in its recipient's language.

In-app notices are written in the transaction of the event they tell of; mails are queued after
its commit. A mail that cannot be queued is logged by its key and the error's type, never the
address, and the event stands: the notice in the app tells the same.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple

from accounts.tables import Membership, User
from fristad import i18n
from fristad.i18n import gettext as _
from fristad.queue import QueueNotOpenError, mail_in_language
from fristad.settings import Settings, get_settings
from shelters.policy import OPERATOR_ROLES
from shelters.tables import Notice, Shelter

if TYPE_CHECKING:
    from shelters.services.models import BedHold

log = logging.getLogger("fristad.shelters")


class _Recipient(NamedTuple):
    user_id: int
    email: str
    locale: str


# --- in-app notices ------------------------------------------------------------------------


async def notice(
    user_ids: Sequence[int | None], kind: str, shelter_id: int, hold_id: int | None = None
) -> None:
    """A notice of ``kind`` (domain.NOTICES) to each of the users, once."""
    moment = datetime.now(UTC)
    notices = [
        Notice(user=user_id, kind=kind, shelter=shelter_id, hold=hold_id, created_at=moment)
        for user_id in dict.fromkeys(user_ids)
        if user_id is not None
    ]
    if notices:
        await Notice.insert(*notices)


async def notice_staff(
    shelter_id: int, kind: str, hold_id: int | None = None, *, also: Sequence[int | None] = ()
) -> None:
    """A notice to the staff of the shelter's operator (and to the users ``also``)."""
    shelter = await Shelter.select(Shelter.operator).where(Shelter.id == shelter_id).first()
    staff = [] if shelter is None else await _operator_staff(shelter["operator"])
    await notice([*also, *(person.user_id for person in staff)], kind, shelter_id, hold_id)


# --- e-mails -------------------------------------------------------------------------------


async def hold_created(hold: BedHold, settings: Settings) -> None:
    """Ask the operator's staff to answer a new hold before its deadline."""
    link = f"{settings.public_url}/shelters/operate/{hold.shelter_id}"

    def write() -> tuple[str, str]:
        return _("A bed has been held at {shelter}").format(shelter=hold.shelter_name), _text(
            _(
                "A caseworker has held a bed in “{category}” at {shelter}. Please accept "
                "or decline the hold in Fristad before {deadline}."
            ).format(
                category=hold.category_name,
                shelter=hold.shelter_name,
                deadline=i18n.datetime_(hold.expires_at, "short"),
            ),
            link,
        )

    for staff in await _operator_staff(hold.operator_id):
        await _send(staff, f"hold-created:{hold.id}:{staff.user_id}", write)


async def hold_expired(hold: BedHold) -> None:
    """Tell the operator's staff that a hold went unanswered and its bed is free again."""

    def write() -> tuple[str, str]:
        return _("A hold at {shelter} has expired").format(shelter=hold.shelter_name), _text(
            _("The hold was not answered in time; the bed is free again on the board.")
        )

    for staff in await _operator_staff(hold.operator_id):
        await _send(staff, f"hold-expired-operator:{hold.id}:{staff.user_id}", write)


async def tell_holder(hold: BedHold, outcome: str) -> None:
    """Tell the caseworker who held the bed that the hold was accepted, declined or expired."""
    if hold.created_by is None:
        return
    user = (
        await User.select(User.id, User.email, User.locale, User.active)
        .where(User.id == hold.created_by)
        .first()
    )
    if user is None or not user["active"]:
        return
    settings = get_settings()

    def write() -> tuple[str, str]:
        texts = {
            "accepted": _("{shelter} has accepted your hold. The person has a place."),
            "declined": _("{shelter} has declined your hold. The bed is released."),
            "expired": _("Your hold at {shelter} has expired and the bed is released."),
        }
        return _("Your bed hold: {shelter}").format(shelter=hold.shelter_name), _text(
            texts[outcome].format(shelter=hold.shelter_name),
            f"{settings.public_url}/shelters/holds",
        )

    recipient = _Recipient(user["id"], user["email"], user["locale"])
    await _send(recipient, f"hold-{outcome}:{hold.id}", write)


async def availability_stale(
    shelter_id: int, name: str, operator_id: int, reminded_at: datetime, settings: Settings
) -> None:
    """Remind the operator's staff to confirm a shelter's numbers (once per lapse: the key
    carries the moment of the reminder)."""
    stamp = int(reminded_at.timestamp())

    def write() -> tuple[str, str]:
        return _("Please confirm the free beds at {shelter}").format(shelter=name), _text(
            _(
                "The availability of {shelter} has not been confirmed for {hours} "
                "hours, so caseworkers see it as uncertain. One click on “Still "
                "correct” is enough if nothing has changed."
            ).format(shelter=name, hours=settings.stale_hours),
            f"{settings.public_url}/shelters/operate/{shelter_id}",
        )

    for staff in await _operator_staff(operator_id):
        await _send(staff, f"shelter-stale:{shelter_id}:{stamp}:{staff.user_id}", write)


def _text(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


async def _send(recipient: _Recipient, key: str, write: Callable[[], tuple[str, str]]) -> None:
    """Queue a mail to ``recipient`` written in their language; one ``key`` sends once."""
    try:
        await mail_in_language(recipient.locale, to=recipient.email, key=key, write=write)
    except QueueNotOpenError as error:
        log.warning("mail %s not queued: %s", key, type(error).__name__)


async def _operator_staff(operator_id: int) -> list[_Recipient]:
    """The active staff and administrators of a shelter operator."""
    rows = (
        await Membership.select(Membership.user.id, Membership.user.email, Membership.user.locale)
        .where(
            (Membership.organisation == operator_id)
            & Membership.role.is_in([str(role) for role in OPERATOR_ROLES])
            & (Membership.active == True)  # noqa: E712
            & (Membership.user.active == True)  # noqa: E712
        )
        .distinct()
    )
    return [_Recipient(row["user.id"], row["user.email"], row["user.locale"]) for row in rows]
