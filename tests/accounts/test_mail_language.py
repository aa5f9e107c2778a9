"""E-mails are written in their recipient's language, not in the language of the request that
caused them (an org admin with a Swedish session invites an English-speaking user)."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts import services
from accounts.domain import Role
from fristad.i18n import LOCALE_COOKIE
from fristad.mail import list_outbox, read_outbox
from fristad.settings import Settings
from tests.accounts.helpers import PASSWORD, make_org, make_user, post_form, sign_in
from tests.jobs import run_queued_jobs

Client = AsyncTestClient[Litestar]


def _newest_mail(settings: Settings) -> tuple[str, str, str]:
    entries = list_outbox(settings)
    assert entries, "no mail in the outbox"
    message = read_outbox(settings, entries[0].name)
    assert message is not None
    return entries[0].to, entries[0].subject, message.text


async def test_invitation_of_an_english_speaking_user_is_english_from_a_swedish_session(
    client: Client, settings: Settings
) -> None:
    organisation = await make_org()
    admin = await make_user("omar@a.example", organisation_id=organisation, role=Role.ORG_ADMIN)
    await services.create_user("emma@b.example", "Emma", PASSWORD, locale="en")
    await sign_in(client, admin)
    members = await client.get("/organisation/members")
    assert '<html lang="sv"' in members.text
    sent = await post_form(
        client,
        "/organisation/members/invite",
        {"email": "emma@b.example", "role": "caseworker"},
        from_page="/organisation/members",
    )
    assert sent.status_code == 303
    await run_queued_jobs(settings)
    to, subject, text = _newest_mail(settings)
    assert to == "emma@b.example"
    assert subject == "Invitation to Fristad"
    assert "You have been invited to Fristad" in text


async def test_password_reset_asked_from_a_swedish_page_is_english_for_an_english_user(
    client: Client, settings: Settings
) -> None:
    await services.create_user("emma@b.example", "Emma", PASSWORD, locale="en")
    client.cookies.set(LOCALE_COOKIE, "sv", domain="testserver.local")
    forgot = await client.get("/password/forgot")
    assert '<html lang="sv"' in forgot.text
    answered = await post_form(
        client, "/password/forgot", {"email": "emma@b.example"}, from_page="/password/forgot"
    )
    assert answered.status_code == 200
    await run_queued_jobs(settings)
    to, subject, text = _newest_mail(settings)
    assert to == "emma@b.example"
    assert subject == "Reset your Fristad password"
    assert "Someone asked to reset the password of your Fristad account." in text


async def test_invitation_to_a_new_address_is_swedish_from_an_english_session(
    client: Client, settings: Settings
) -> None:
    """Nobody knows the language of someone who is not a user yet: the default, Swedish."""
    organisation = await make_org()
    admin = await make_user("omar@a.example", organisation_id=organisation, role=Role.ORG_ADMIN)
    await sign_in(client, admin)
    client.cookies.set(LOCALE_COOKIE, "en", domain="testserver.local")
    members = await client.get("/organisation/members")
    assert '<html lang="en"' in members.text
    sent = await post_form(
        client,
        "/organisation/members/invite",
        {"email": "ny@a.example", "role": "caseworker"},
        from_page="/organisation/members",
    )
    assert sent.status_code == 303
    await run_queued_jobs(settings)
    to, subject, text = _newest_mail(settings)
    assert to == "ny@a.example"
    assert subject == "Inbjudan till Fristad"
    assert "Du har bjudits in till Fristad" in text
