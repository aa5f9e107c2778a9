"""The e-mails accounts sends, each in its recipient's language (``mail_in_language``), whatever
the language of the request that caused it. They carry a link and no personal data about anyone.
"""

from __future__ import annotations

from fristad.i18n import gettext as _
from fristad.queue import mail_in_language
from fristad.settings import Settings


async def invitation(
    settings: Settings, invitation_id: int, address: str, token: str, *, locale: str
) -> None:
    """The link to accept an invitation; ``locale`` is the invited person's language, as
    ``services.invite`` decides it."""
    link = f"{settings.public_url}/invitations/{token}"

    def write() -> tuple[str, str]:
        text = "\n\n".join(
            (
                _(
                    "You have been invited to Fristad, the support-programme system against "
                    "human trafficking."
                ),
                _("Accept the invitation by opening this link (valid for {days} days):").format(
                    days=settings.invitation_days
                ),
                link,
                _("If you did not expect this invitation, you can ignore this message."),
            )
        )
        return _("Invitation to Fristad"), text

    await mail_in_language(locale, to=address, key=f"invitation:{invitation_id}", write=write)


async def password_reset(
    settings: Settings, reset_id: int, address: str, token: str, *, locale: str
) -> None:
    """The single-use link to choose a new password, in the account's saved language."""
    link = f"{settings.public_url}/password/reset/{token}"

    def write() -> tuple[str, str]:
        text = "\n\n".join(
            (
                _("Someone asked to reset the password of your Fristad account."),
                _(
                    "Choose a new password by opening this link (valid for {minutes} minutes):"
                ).format(minutes=settings.password_reset_minutes),
                link,
                _("If it was not you, ignore this message; your password stays as it is."),
            )
        )
        return _("Reset your Fristad password"), text

    await mail_in_language(locale, to=address, key=f"password-reset:{reset_id}", write=write)
