"""Ending a case (closed, returned home) with what is still open for the person elsewhere.

Beds held, a place in a shelter and support requests belong to shelters and grants, which sit
above beneficiaries: beneficiaries asks a ``CaseEnding`` the composition root hands over
(matching's, which may use them all) what is open, and has it ended in the same transaction as
the status change — only what the caseworker confirmed, otherwise the change is refused with
the list. Holds and support requests lock the case row first (``lock_case``), so whatever is
made while a case is closing either waits and is refused, or is found and listed.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from piccolo.engine.postgres import PostgresEngine

from accounts.domain import Actor
from beneficiaries.services.reach import in_reach, require_owner
from beneficiaries.tables import Beneficiary
from fristad.database import engine
from fristad.errors import Conflict, NotFound
from fristad.i18n import gettext as _

# The statuses that end what is open for the person, and those in which nothing new may start.
ENDING_STATUSES = frozenset({"closed", "returned"})


@dataclass(frozen=True)
class OpenItem:
    """Something still running for the person: a bed held, a place, a support request."""

    key: str  # "hold:12", "placement:3", "support_request:7": what a confirmation names
    kind: str  # hold | placement | support_request
    label: str  # translated, with names: "Bed held at Skyddat boende Norr (single room)"
    can_end: bool = True  # False: it cannot be ended from here (a decision awaiting an officer)
    why_not: str = ""  # translated, when it cannot be ended


class CaseEnding(Protocol):
    """What a higher app does for a case that closes or returns home (see module docstring)."""

    async def open_items(self, beneficiary_id: int, to_status: str) -> list[OpenItem]:
        """What is open for the person that moving to ``to_status`` would end."""
        ...

    async def end_items(self, actor: Actor, beneficiary_id: int, to_status: str) -> list[OpenItem]:
        """End them inside the caller's transaction (each with its audit event)."""
        ...

    async def after_commit(self, beneficiary_id: int, ended: Sequence[OpenItem]) -> None:
        """Effects that must wait for the commit (board events, settling funded stays)."""
        ...


class CaseHasOpenItems(Conflict):
    """The case cannot change status before what is open is ended (``items``)."""

    def __init__(self, items: Sequence[OpenItem]) -> None:
        super().__init__(
            _("Still open for the person: %(items)s.")
            % {"items": "; ".join(item.label for item in items)}
        )
        self.items = tuple(items)


_ending: CaseEnding | None = None


def end_open_items_with(ending: CaseEnding) -> None:
    """The composition root hands over the apps' ending (beneficiaries may not import them)."""
    global _ending
    _ending = ending


def _required_ending() -> CaseEnding:
    if _ending is None:
        # Fail closed: without it nobody can tell what a closed case would leave running.
        raise Conflict(_("Cases cannot be closed now: the other apps are not loaded."))
    return _ending


async def still_open(actor: Actor, beneficiary_id: int, to_status: str) -> list[OpenItem]:
    """What moving the case to ``to_status`` would end, for the owning organisation's
    confirmation page (nothing for statuses that end nothing)."""
    _row, access = await in_reach(actor, beneficiary_id, "beneficiary.write")
    require_owner(access)
    if to_status not in ENDING_STATUSES:
        return []
    return await _required_ending().open_items(beneficiary_id, to_status)


async def end_confirmed(
    actor: Actor, beneficiary_id: int, to_status: str, confirmed: Collection[str]
) -> list[OpenItem]:
    """Inside the status change's transaction, after its write locked the case: end what is
    open when the caseworker confirmed every item of it, else refuse with the list (an item
    made since the confirmation page was shown is refused too, not ended unseen)."""
    if to_status not in ENDING_STATUSES:
        return []
    ending = _required_ending()
    items = await ending.open_items(beneficiary_id, to_status)
    if not items:
        return []
    if any(not item.can_end or item.key not in confirmed for item in items):
        raise CaseHasOpenItems(items)
    return await ending.end_items(actor, beneficiary_id, to_status)


async def after_ending(beneficiary_id: int, ended: Sequence[OpenItem]) -> None:
    if ended and _ending is not None:
        await _ending.after_commit(beneficiary_id, ended)


async def lock_case(beneficiary_id: int, refuse: Collection[str]) -> None:
    """For grants and shelters, inside their write transaction before they start something
    for the person: lock the case row (FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE holds
    the lock already) and refuse when its status is one of ``refuse``. A case closing meanwhile
    either finished (refused here) or waits and then finds what was started."""
    query = Beneficiary.select(Beneficiary.status).where(Beneficiary.id == beneficiary_id)
    if isinstance(engine(), PostgresEngine):
        query = query.lock_rows("UPDATE")
    row = await query.first()
    if row is None:
        raise NotFound
    if row["status"] in refuse:
        if row["status"] == "closed":
            raise Conflict(_("The case is closed. Reopen it first."))
        raise Conflict(_("The person has returned home. Reopen the case first."))
