"""Where the person is now, for the top of their page: the place and beds held (shelters'), the
support requests and their state (grants'), and what the caseworker should do next.

Beds and money sit above beneficiaries, so the composition root hands over a ``CaseSituation``
(matching's, which may use them all), as it does for closing; beneficiaries adds what it knows
itself (the consents that help needs) and decides who may see it: the owning organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from accounts.domain import Actor
from beneficiaries.services.reach import has_valid_consent, in_reach, require_owner
from fristad.i18n import gettext as _


@dataclass(frozen=True)
class SituationItem:
    """One line of the overview (translated), a link to act on it, and whether it waits for the
    caseworker."""

    kind: str  # placement | hold | support_request | consent | help
    label: str
    href: str | None = None
    waits_for_you: bool = False


class CaseSituation(Protocol):
    async def situation(self, beneficiary_id: int) -> list[SituationItem]:
        """The person's place, beds held and running support requests."""
        ...


_situation: CaseSituation | None = None


def situation_with(situation: CaseSituation) -> None:
    """The composition root hands over the apps' situation (beneficiaries may not import them)."""
    global _situation
    _situation = situation


async def situation_of(actor: Actor, beneficiary_id: int) -> list[SituationItem]:
    """The overview of an open case for its owning organisation (nothing for others)."""
    row, access = await in_reach(actor, beneficiary_id)
    require_owner(access)
    return await current_situation(beneficiary_id, row["status"], row["anonymised_at"])


async def current_situation(
    beneficiary_id: int, status: str, anonymised_at: datetime | None
) -> list[SituationItem]:
    """``situation_of`` without the reach check, for a caller that made it."""
    if status not in ("open", "placed") or anonymised_at is not None:
        return []
    items = await _situation.situation(beneficiary_id) if _situation is not None else []
    if not await has_valid_consent(beneficiary_id, "share_funder"):
        items.append(
            SituationItem(
                "consent",
                _("No consent to share with the funder: record it before applying for support."),
                "#consent",
                waits_for_you=True,
            )
        )
    if not any(item.kind in ("placement", "hold") for item in items):
        if not await has_valid_consent(beneficiary_id, "share_shelter"):
            label = _("No consent to share with a shelter: record it before holding a bed.")
            items.append(SituationItem("consent", label, "#consent", waits_for_you=True))
        else:
            label = _("No bed held and no place: see the help that fits now.")
            items.append(SituationItem("help", label, f"/beneficiaries/{beneficiary_id}/help-now/"))
    return items
