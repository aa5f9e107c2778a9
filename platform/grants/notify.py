"""Grants' mails: the caseworker who applied hears that a question was asked, a decision was
made or a report is due. A link and no personal data, in the caseworker's own language; each
mail is keyed by its reason, so a repeated step sends it once."""

from __future__ import annotations

from collections.abc import Callable

from fristad.i18n import gettext as _
from fristad.queue import mail_in_language
from fristad.settings import get_settings
from grants.tables import SupportRequest


async def _mail_applicant(
    support_request_id: int, reason: str, write: Callable[[], tuple[str, str]]
) -> None:
    """``write`` gives (subject, first paragraph) in the applicant's language; the link follows."""
    applicant = (
        await SupportRequest.select(
            SupportRequest.created_by.email, SupportRequest.created_by.locale
        )
        .where(SupportRequest.id == support_request_id)
        .first()
    )
    if applicant is None:
        return
    link = f"{get_settings().public_url}/grants/requests/{support_request_id}"

    def mail() -> tuple[str, str]:
        subject, body = write()
        return subject, "\n\n".join((body, _("Open it in Fristad:"), link))

    await mail_in_language(
        applicant["created_by.locale"],
        to=applicant["created_by.email"],
        key=f"grants:{support_request_id}:{reason}",
        write=mail,
    )


async def info_requested(support_request_id: int) -> None:
    await _mail_applicant(
        support_request_id,
        "info",
        lambda: (
            _("Fristad: more information is needed for a support request"),
            _("An officer has asked for more information about a support request."),
        ),
    )


async def decided(support_request_id: int, decision_id: int) -> None:
    await _mail_applicant(
        support_request_id,
        f"decision:{decision_id}",
        lambda: (
            _("Fristad: a support request has been decided"),
            _("A support request of your organisation has been decided."),
        ),
    )


async def report_due(support_request_id: int) -> None:
    await _mail_applicant(
        support_request_id,
        "report",
        lambda: (
            _("Fristad: a support request needs its report"),
            _(
                "The period of a support request has ended. "
                "Report the actual costs and the outcome."
            ),
        ),
    )
