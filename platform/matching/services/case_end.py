"""What a case that closes or returns home leaves open, and ending it: matching sees shelters and
grants both, so the composition root hands ``CASE_ENDING`` to beneficiaries (which may import
neither) and every status change, page or API, asks it.

Returning home ends the beds held and the place; closing also withdraws the support requests
not yet paid. A request paying for the stay that ends is not withdrawn: the funding link settles
it by the nights stayed (after the commit here, or by the sweep).
"""

from __future__ import annotations

from collections.abc import Sequence

from accounts.domain import Actor
from beneficiaries.services import OpenItem
from fristad import i18n
from fristad.i18n import gettext as _
from grants import services as grants
from grants.domain import CATEGORIES, state_label
from matching.services.funding import settle
from matching.tables import FundingLink
from providers import services as providers
from shelters import services as shelters


def _booking_item(booking: shelters.CaseBooking) -> OpenItem:
    names = {"shelter": booking.shelter_name, "category": booking.category_name}
    if booking.kind == "placement":
        label = _("A place at %(shelter)s (%(category)s) since %(date)s") % {
            **names,
            "date": i18n.date_(booking.since),
        }
    else:
        label = _("A bed held at %(shelter)s (%(category)s) until %(time)s") % {
            **names,
            "time": i18n.datetime_(booking.until, "short"),
        }
    return OpenItem(key=f"{booking.kind}:{booking.id}", kind=booking.kind, label=label)


def reservation_label(reservation: providers.ReservationView) -> str:
    return _("%(service)s reserved at %(provider)s until %(time)s") % {
        "service": reservation.service_name,
        "provider": reservation.provider_name,
        "time": i18n.datetime_(reservation.expires_at, "short"),
    }


def _reservation_item(reservation: providers.ReservationView) -> OpenItem:
    key = f"reservation:{reservation.id}"
    return OpenItem(key=key, kind="reservation", label=reservation_label(reservation))


async def _stay_funders(beneficiary_id: int, holds_of_stays: set[int]) -> set[int]:
    """The support requests that pay for the person's current stays (by their funding links)."""
    if not holds_of_stays:
        return set()
    rows = await FundingLink.select(FundingLink.support_request).where(
        (FundingLink.beneficiary == beneficiary_id)
        & (FundingLink.outcome == "open")
        & FundingLink.hold.is_in(sorted(holds_of_stays))
    )
    return {int(row["support_request"]) for row in rows}


class CaseEnding:
    """Beneficiaries' ``CaseEnding``, over shelters and grants."""

    async def open_items(self, beneficiary_id: int, to_status: str) -> list[OpenItem]:
        bookings = await shelters.bookings_of_case(beneficiary_id)
        items = [_booking_item(booking) for booking in bookings]
        # Services reserved end as beds held do: nobody is coming for them.
        reservations = await providers.pending_reservations_of_case(beneficiary_id)
        items += [_reservation_item(reservation) for reservation in reservations]
        if to_status != "closed":
            return items
        funders = await _stay_funders(
            beneficiary_id, {b.hold_id for b in bookings if b.hold_id is not None}
        )
        for support_request in await grants.requests_of_case(beneficiary_id):
            names = {
                "number": support_request.id,
                "category": _(CATEGORIES.get(support_request.category, support_request.category)),
                "state": state_label(support_request.state),
            }
            key = f"support_request:{support_request.id}"
            if support_request.id in funders:
                label = _(
                    "Support request %(number)s (%(category)s, %(state)s): paid for the nights "
                    "stayed, the rest goes back to the budget"
                )
                items.append(OpenItem(key, "support_request", label % names))
            elif grants.ends_with_case(support_request):
                label = _("Support request %(number)s (%(category)s, %(state)s): withdrawn")
                items.append(OpenItem(key, "support_request", label % names))
            else:
                label = _("Support request %(number)s (%(category)s, %(state)s)")
                why = _("A decision on it awaits a second officer; close the case after it.")
                items.append(OpenItem(key, "support_request", label % names, False, why))
        return items

    async def end_items(self, actor: Actor, beneficiary_id: int, to_status: str) -> list[OpenItem]:
        listed = {item.key: item for item in await self.open_items(beneficiary_id, to_status)}
        why = "case_closed" if to_status == "closed" else "returned_home"
        bookings = await shelters.end_bookings_of_case(actor, beneficiary_id, why)
        ended = [listed[f"{b.kind}:{b.id}"] for b in bookings if f"{b.kind}:{b.id}" in listed]
        for reservation in await providers.end_reservations_of_case(actor, beneficiary_id):
            if (key := f"reservation:{reservation.id}") in listed:
                ended.append(listed[key])
        if to_status == "closed":
            funders = await _stay_funders(
                beneficiary_id, {b.hold_id for b in bookings if b.hold_id is not None}
            )
            withdrawn = await grants.withdraw_requests_of_case(actor, beneficiary_id, keep=funders)
            # The funders of the stays are settled after the commit (``after_commit``).
            for support_request_id in [r.id for r in withdrawn] + sorted(funders):
                if (key := f"support_request:{support_request_id}") in listed:
                    ended.append(listed[key])
        return ended

    async def after_commit(self, beneficiary_id: int, ended: Sequence[OpenItem]) -> None:
        ids = {
            kind: [int(item.key.split(":")[1]) for item in ended if item.kind == kind]
            for kind in ("hold", "placement")
        }
        await shelters.publish_freed(ids["hold"], ids["placement"])
        # A stay that ended is paid by its nights now (the sweep would do it within a minute).
        rows = await FundingLink.select(FundingLink.id).where(
            (FundingLink.beneficiary == beneficiary_id) & (FundingLink.outcome == "open")
        )
        for row in rows:
            await settle(int(row["id"]))


CASE_ENDING = CaseEnding()
