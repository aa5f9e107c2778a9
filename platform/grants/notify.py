"""Grants' mails and in-app notices: the caseworker who applied hears that a question was asked,
a decision was made or a report is due; the officers of the programme's authority hear of an
acute request and of a decision waiting for a second officer. A link and no personal data, in
the recipient's own language; each mail is keyed by its reason and recipient, so a repeated
step sends it once. Notices are written in the transaction of the event they tell of."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from accounts.tables import Membership
from fristad.i18n import gettext as _
from fristad.queue import mail_in_language
from fristad.settings import get_settings
from grants.tables import GrantNotice, Programme, SupportRequest


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


# --- to the officers -----------------------------------------------------------------------


async def _tell_officers(
    support_request_id: int,
    kind: str,
    write: Callable[[], tuple[str, str]],
    *,
    leave_out: int | None = None,
) -> None:
    """A notice and a mail to each active officer of the authority running the request's
    programme (but ``leave_out``)."""
    officers = await Membership.select(
        Membership.user, Membership.user.email, Membership.user.locale
    ).where(
        Membership.organisation.is_in(
            Programme.select(Programme.authority_id).where(
                Programme.id.is_in(
                    SupportRequest.select(SupportRequest.programme).where(
                        SupportRequest.id == support_request_id
                    )
                )
            )
        )
        & (Membership.role == "officer")
        & (Membership.active == True)  # noqa: E712
    )
    recipients = {row["user"]: row for row in officers if row["user"] != leave_out}
    if not recipients:
        return
    moment = datetime.now(UTC)
    await GrantNotice.insert(
        *(
            GrantNotice(user=user_id, kind=kind, request=support_request_id, created_at=moment)
            for user_id in recipients
        )
    )
    link = f"{get_settings().public_url}/grants/requests/{support_request_id}"

    def mail() -> tuple[str, str]:
        subject, body = write()
        return subject, "\n\n".join((body, _("Open it in Fristad:"), link))

    for user_id, row in recipients.items():
        await mail_in_language(
            row["user.locale"],
            to=row["user.email"],
            key=f"grants:{support_request_id}:{kind}:{user_id}",
            write=mail,
        )


async def acute_submitted(support_request_id: int) -> None:
    await _tell_officers(
        support_request_id,
        "acute",
        lambda: (
            _("Fristad: an acute support request waits for a decision"),
            _("An acute support request has been submitted. It is to be decided within 24 hours."),
        ),
    )


async def awaiting_confirmation(support_request_id: int, decided_by: int) -> None:
    await _tell_officers(
        support_request_id,
        "confirmation",
        lambda: (
            _("Fristad: a decision waits for a second officer"),
            _("A decision on a support request waits for a second officer's confirmation."),
        ),
        leave_out=decided_by,
    )
