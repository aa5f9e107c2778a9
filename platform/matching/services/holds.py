"""Holding a bed through matching's rules, and holding it with the support request that pays.

Shelters may not import matching, so the composition root hands shelters ``HOLD_GUARD``: every
hold (page, API, demo) asks it, under the hold's write lock, whether a hard rule excludes the
person from the category, and tells it when a hold found no bed (unmet demand).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from accounts.domain import Actor
from accounts.policy import require
from beneficiaries import services as beneficiaries
from fristad.errors import Conflict, InvalidInput, NotFound
from fristad.i18n import gettext as _
from fristad.settings import Settings, get_settings
from grants.schemas import CostLineIn, RequestIn
from matching.domain import hard_refusal
from matching.services.applying import budget_for, open_linked_request, period_problem
from matching.services.demand import record_unmet
from matching.services.facts import context_for, now, offer_of, person_of
from matching.services.help_now import MAX_NIGHTS
from matching.tables import FundingLink
from shelters import services as shelters


class RulesGuard:
    """matching's rules as shelters' hold guard."""

    async def refusal(self, category_id: int, beneficiary_id: int) -> str | None:
        offers = await shelters.offers(category_id=category_id)
        if not offers:
            return None  # no such category: the hold itself answers 404
        case = await beneficiaries.matching_facts(None, beneficiary_id)
        context = await context_for(beneficiary_id, get_settings())
        reason = hard_refusal(person_of(case), offer_of(offers[0]), context)
        return reason.text if reason else None

    async def no_bed(self, category_id: int, beneficiary_id: int) -> None:
        await record_unmet(await beneficiaries.matching_facts(None, beneficiary_id), "no_bed")


HOLD_GUARD = RulesGuard()


@dataclass(frozen=True)
class FundedHold:
    """A bed held from a match and the draft support request opened to pay for it."""

    link_id: int
    hold_id: int
    support_request_id: int
    nights: int
    expected_cost: int


async def hold_and_apply(
    actor: Actor, beneficiary_id: int, category_id: int, nights: int, settings: Settings
) -> FundedHold:
    """Hold the bed and open a pre-filled shelter request (nights × the shelter's price, the
    programme's shelter category) for the caseworker to check and submit; matching keeps the link.

    The hold commits first (the bed is the scarce thing); if the request cannot be opened the
    hold is released again, so a failure leaves nothing behind.
    """
    require(actor, "match.act")
    if not 1 <= nights <= MAX_NIGHTS:
        raise InvalidInput({"nights": _("Enter between 1 and 365 nights.")})
    offers = await shelters.offers(category_id=category_id)
    if not offers:
        raise NotFound
    offer = offers[0]
    if not offer.price_per_night:
        raise Conflict(_("The shelter has not stated a price per night: apply by hand."))
    budget = await budget_for("shelter")
    start = now().date()
    if problem := period_problem(budget, start, nights):
        # Say so before holding a bed.
        raise InvalidInput({"nights": problem})
    held = await shelters.hold_bed(actor, category_id, beneficiary_id, settings=settings)
    draft = RequestIn(
        programme_id=budget.programme_id,
        beneficiary_id=beneficiary_id,
        category="shelter",
        period_start=start,
        period_end=start + timedelta(days=nights),
        justification=_("Protected shelter place at %(shelter)s, held from a match.")
        % {"shelter": offer.shelter_name},
        lines=[
            CostLineIn(
                description=f"{offer.shelter_name}: {offer.category_name}",
                quantity=nights,
                unit=_("night"),
                unit_price=offer.price_per_night,
            )
        ],
    )
    request_id, link_id = await open_linked_request(
        actor,
        draft,
        lambda request_id: FundingLink(
            hold=held.hold.id,
            support_request=request_id,
            beneficiary=beneficiary_id,
            nights=nights,
            price_per_night=offer.price_per_night,
            created_by=actor.user_id,
            created_at=now(),
        ),
        event="match.held_and_applied",
        detail={"hold": held.hold.id},
        undo=lambda: shelters.release_hold(actor, held.hold.id),
    )
    return FundedHold(
        link_id=link_id,
        hold_id=held.hold.id,
        support_request_id=request_id,
        nights=nights,
        expected_cost=nights * offer.price_per_night,
    )
