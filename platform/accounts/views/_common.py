"""What several accounts page groups share: the form body, the language cookie, the TOTP set-up."""

from __future__ import annotations

from typing import Any

import segno
from litestar import Response
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

from accounts import services
from accounts.domain import Role, role_label, totp_uri
from fristad import i18n
from fristad.i18n import gettext as _
from fristad.settings import Settings
from fristad.web import page

Form = Body(media_type=RequestEncodingType.URL_ENCODED)
ONE_YEAR_SECONDS = 365 * 24 * 3600


def roles() -> list[tuple[str, str]]:
    return [(str(role), role_label(role)) for role in Role]


def with_locale_cookie(response: Response[Any], settings: Settings, locale: str) -> Response[Any]:
    """Remember the language in a cookie too, so pages before sign-in speak it."""
    response.set_cookie(
        i18n.LOCALE_COOKIE,
        locale,
        max_age=ONE_YEAR_SECONDS,
        httponly=True,
        samesite="lax",
        secure=settings.https,
    )
    return response


async def enrolment_page(
    user_id: int, *, action: str, errors: dict[str, str] | None = None
) -> Template:
    """The QR code and the secret for an authenticator app, and the form for its first code."""
    enrolment = await services.mfa_enrolment(user_id)
    secret = enrolment.secret
    qr_svg = segno.make(totp_uri(secret, enrolment.email), error="m").svg_inline(
        scale=5, title=_("QR code for your authenticator app")
    )
    return page(
        "accounts/two_factor_setup.html",
        qr_svg=qr_svg,
        secret=" ".join(secret[index : index + 4] for index in range(0, len(secret), 4)),
        action=action,
        errors=errors,
    )
