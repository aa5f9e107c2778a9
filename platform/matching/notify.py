"""Matching's e-mails, in the recipient's language and without personal data: a freed bed or
service capacity that fits one of a caseworker's cases, a bed or reserved service given back
because its funding was refused, a hold or reservation that lapsed while its request waits. In
the app, the person's page shows the same."""

from __future__ import annotations

import logging

from accounts.tables import User
from beneficiaries import services as beneficiaries
from fristad.i18n import N_
from fristad.i18n import gettext as _
from fristad.queue import QueueNotOpenError, mail_in_language
from fristad.settings import get_settings

log = logging.getLogger("fristad.matching")


async def _mail(user_id: int, key: str, subject: str, lines: tuple[str, ...]) -> None:
    user = await User.select(User.email, User.locale, User.active).where(User.id == user_id).first()
    if user is None or not user["active"]:
        return
    link = f"{get_settings().public_url}/beneficiaries/"
    try:
        await mail_in_language(
            user["locale"],
            to=user["email"],
            key=key,
            write=lambda: (_(subject), "\n\n".join((*(_(line) for line in lines), link))),
        )
    except QueueNotOpenError as error:
        log.warning("mail %s not queued: %s", key, type(error).__name__)


async def tell_of_free_bed(user_id: int, *, key: str) -> None:
    await _mail(
        user_id,
        key,
        N_("A bed is free"),
        (
            N_("A bed that fits one of your cases is free now."),
            N_("Open the case's page in Fristad and look under Help now."),
        ),
    )


async def tell_of_free_service(user_id: int, *, key: str, consent_needed: bool) -> None:
    consent = (
        (N_("The person has not yet consented to sharing with its provider: ask them first."),)
        if consent_needed
        else ()
    )
    await _mail(
        user_id,
        key,
        N_("A service has room"),
        (
            N_("A service that fits one of your cases has room now."),
            *consent,
            N_("Open the case's page in Fristad and look under Help now."),
        ),
    )


async def tell_caseworker(beneficiary_id: int, link_id: int, what: str) -> None:
    """The person's caseworker, of a bed held or a service reserved from a match: given back
    because its funding was refused, or the hold or reservation lapsed."""
    user_id = await beneficiaries.caseworker_of(beneficiary_id)
    if user_id is None:
        return
    texts = {
        "bed_released": (
            N_("The support request for a bed you held was refused or withdrawn."),
            N_("The bed has been released."),
        ),
        "hold_lapsed": (
            N_("A bed you held from a match was declined or has expired."),
            N_("Its support request is still open: withdraw it, or hold another bed for it."),
        ),
        "service_released": (
            N_("The support request for a service you reserved was refused or withdrawn."),
            N_("The reservation has been released."),
        ),
        "reservation_lapsed": (
            N_("A service you reserved from a match was declined, released or has expired."),
            N_("Its support request is still open: withdraw it, or reserve another service."),
        ),
    }
    subject = (
        N_("Your bed hold")
        if what in ("bed_released", "hold_lapsed")
        else N_("Your service reservation")
    )
    await _mail(user_id, f"funding-{what}:{link_id}", subject, texts[what])
