"""Beneficiaries' ``CaseSituation``: the person's place, beds held and support requests, from
shelters and grants (which beneficiaries may not import), for the top of the person's page."""

from __future__ import annotations

from beneficiaries.services import SituationItem
from fristad import i18n
from fristad.i18n import gettext as _
from grants import services as grants
from grants.domain import CATEGORIES, State, state_label
from matching.services.case_end import reservation_label
from providers import services as providers
from shelters import services as shelters


def _booking(booking: shelters.CaseBooking) -> SituationItem:
    names = {"shelter": booking.shelter_name, "category": booking.category_name}
    if booking.kind == "placement":
        label = _("A place at %(shelter)s (%(category)s) since %(date)s") % {
            **names,
            "date": i18n.date_(booking.since),
        }
        return SituationItem("placement", label)
    label = _("A bed held at %(shelter)s (%(category)s) until %(time)s") % {
        **names,
        "time": i18n.datetime_(booking.until, "short"),
    }
    waiting = _("waiting for the shelter’s answer")
    return SituationItem("hold", f"{label}: {waiting}")


def _request(support_request: grants.SupportRequestRecord) -> SituationItem:
    label = _("Support request %(number)s (%(category)s, %(state)s)") % {
        "number": support_request.id,
        "category": _(CATEGORIES.get(support_request.category, support_request.category)),
        "state": state_label(support_request.state),
    }
    waits = {
        State.INFO_REQUESTED: _("answer the officer’s question"),
        State.DRAFT: _("not sent yet"),
    }.get(support_request.state)
    return SituationItem(
        "support_request",
        f"{label}: {waits}" if waits else label,
        f"/grants/requests/{support_request.id}",
        waits_for_you=waits is not None,
    )


class CaseSituation:
    async def situation(self, beneficiary_id: int) -> list[SituationItem]:
        bookings = await shelters.bookings_of_case(beneficiary_id)
        reservations = await providers.pending_reservations_of_case(beneficiary_id)
        requests = await grants.requests_of_case(beneficiary_id)
        waiting = _("waiting for the provider’s answer")
        return (
            [_booking(b) for b in bookings]
            + [
                SituationItem("reservation", f"{reservation_label(r)}: {waiting}")
                for r in reservations
            ]
            + [_request(r) for r in requests]
        )


CASE_SITUATION = CaseSituation()
