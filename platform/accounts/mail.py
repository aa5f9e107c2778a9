"""The e-mails accounts sends. They carry a link and no personal data about anyone."""

from __future__ import annotations

from fristad.i18n import gettext as _
from fristad.mail import Mail
from fristad.queue import send_mail_later
from fristad.settings import Settings


async def invitation(settings: Settings, invitation_id: int, address: str, token: str) -> None:
    link = f"{settings.public_url}/invitations/{token}"
    text = "\n\n".join(
        (
            _(
                "You have been invited to Fristad, the support-programme system against human "
                "trafficking."
            ),
            _("Accept the invitation by opening this link (valid for {days} days):").format(
                days=settings.invitation_days
            ),
            link,
            _("If you did not expect this invitation, you can ignore this message."),
        )
    )
    await send_mail_later(
        Mail(to=address, subject=_("Invitation to Fristad"), text=text),
        key=f"invitation:{invitation_id}",
    )


async def password_reset(settings: Settings, reset_id: int, address: str, token: str) -> None:
    link = f"{settings.public_url}/password/reset/{token}"
    text = "\n\n".join(
        (
            _("Someone asked to reset the password of your Fristad account."),
            _("Choose a new password by opening this link (valid for {minutes} minutes):").format(
                minutes=settings.password_reset_minutes
            ),
            link,
            _("If it was not you, ignore this message; your password stays as it is."),
        )
    )
    await send_mail_later(
        Mail(to=address, subject=_("Reset your Fristad password"), text=text),
        key=f"password-reset:{reset_id}",
    )
