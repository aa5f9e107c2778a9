"""Invitations, roles, password reset by e-mail, organisations (administration)."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts import services
from accounts.domain import Role
from accounts.tables import Invitation, Membership, PasswordReset
from fristad.mail import list_outbox, read_outbox
from fristad.settings import Settings
from tests.accounts.helpers import PASSWORD, make_org, make_user, org_number, post_form, sign_in
from tests.accounts.test_sign_in import _signed_in_as
from tests.jobs import run_queued_jobs

Client = AsyncTestClient[Litestar]


def _newest_mail(settings: Settings) -> tuple[str, str]:
    entries = list_outbox(settings)
    assert entries, "no mail in the outbox"
    message = read_outbox(settings, entries[0].name)
    assert message is not None
    return entries[0].to, message.text


def _link(text: str, prefix: str) -> str:
    return next(line for line in text.splitlines() if prefix in line).split("127.0.0.1:8000", 1)[1]


async def test_invitation_by_email_creates_the_account_once(
    client: Client, settings: Settings
) -> None:
    organisation = await make_org()
    admin = await make_user("omar@a.example", organisation_id=organisation, role=Role.ORG_ADMIN)
    await sign_in(client, admin)
    sent = await post_form(
        client,
        "/organisation/members/invite",
        {"email": "ny@a.example", "role": "caseworker"},
        from_page="/organisation/members",
    )
    assert sent.status_code == 303
    await run_queued_jobs(settings)
    to, text = _newest_mail(settings)
    assert to == "ny@a.example"
    assert "Org A" not in text  # a link, no personal data
    assert "Omar" not in text
    link = _link(text, "/invitations/")
    await post_form(client, "/sign-out", {}, from_page="/account/")

    accepted = await post_form(
        client, link, {"name": "Nora Ny", "password": PASSWORD}, from_page=link
    )
    assert accepted.status_code == 303
    new_user = await services.find_user_id("ny@a.example")
    assert new_user is not None
    roles = await Membership.select(Membership.role).where(Membership.user == new_user)
    assert roles == [{"role": "caseworker"}]
    again = await client.get(link)
    assert "expired or has been used" in again.text or "har gått ut" in again.text


async def test_org_admin_cannot_manage_another_organisations_members(db: None) -> None:
    from fristad.errors import NotFound

    org_a = await make_org("Org A", "802471350")
    org_b = await make_org("Org B", "802519264")
    admin_a = await make_user("omar@a.example", organisation_id=org_a, role=Role.ORG_ADMIN)
    user_b = await make_user("b@b.example", organisation_id=org_b, role=Role.CASEWORKER)
    membership_b = (
        await Membership.select(Membership.id).where(Membership.user == user_b.id).first()
    )
    assert membership_b is not None
    actor = await services.load_actor(admin_a.id, session_epoch=None, membership_id=None)
    assert actor is not None
    with pytest.raises(NotFound):
        await services.change_role(actor, membership_b["id"], Role.ORG_ADMIN)
    with pytest.raises(NotFound):
        await services.deactivate_membership(actor, membership_b["id"])
    with pytest.raises(NotFound):
        await services.invite(actor, org_b, "x@b.example", Role.CASEWORKER)


async def test_caseworker_cannot_invite(db: None) -> None:
    from fristad.errors import PermissionDenied

    organisation = await make_org()
    user = await make_user("lina@a.example", organisation_id=organisation, role=Role.CASEWORKER)
    actor = await services.load_actor(user.id, session_epoch=None, membership_id=None)
    assert actor is not None
    with pytest.raises(PermissionDenied):
        await services.invite(actor, organisation, "x@a.example", Role.CASEWORKER)


async def test_removed_role_is_gone_at_the_members_next_request(
    client: Client, app: Litestar
) -> None:
    organisation = await make_org()
    admin = await make_user("omar@a.example", organisation_id=organisation, role=Role.ORG_ADMIN)
    member = await make_user("lina@a.example", organisation_id=organisation, role=Role.CASEWORKER)
    await sign_in(client, member)
    assert (await client.get("/beneficiaries/")).status_code == 200
    membership = await Membership.select(Membership.id).where(Membership.user == member.id).first()
    assert membership is not None
    admin_actor = await services.load_actor(admin.id, session_epoch=None, membership_id=None)
    assert admin_actor is not None
    await services.deactivate_membership(admin_actor, membership["id"])
    # The same session, next request: no role any more, so no case work.
    assert (await client.get("/beneficiaries/")).status_code == 403
    assert await _signed_in_as(client) == "Lina"


async def test_password_reset_link_works_once_and_ends_sessions(
    client: Client, settings: Settings
) -> None:
    user = await make_user("lina@a.example")
    answer_known = await post_form(
        client, "/password/forgot", {"email": "lina@a.example"}, from_page="/password/forgot"
    )
    answer_unknown = await post_form(
        client, "/password/forgot", {"email": "ingen@a.example"}, from_page="/password/forgot"
    )
    assert answer_known.text.count("notice") == answer_unknown.text.count("notice")
    await run_queued_jobs(settings)
    to, text = _newest_mail(settings)
    assert to == "lina@a.example"
    link = _link(text, "/password/reset/")

    new_password = "ett nytt lösenord för lina"
    done = await post_form(client, link, {"password": new_password}, from_page=link)
    assert done.status_code == 303
    user.password = new_password
    assert (await sign_in(client, user)).status_code == 303
    await post_form(client, "/sign-out", {}, from_page="/account/")
    reused = await post_form(client, link, {"password": "ännu ett annat lösenord"}, from_page=link)
    assert reused.status_code == 422
    assert await PasswordReset.count().where(PasswordReset.used_at.is_not_null()) == 1


async def test_expired_reset_link_is_refused(db: None) -> None:
    from datetime import UTC, datetime, timedelta

    from fristad.errors import Conflict

    await make_user("lina@a.example")
    created = await services.request_password_reset("lina@a.example")
    assert created is not None
    await PasswordReset.update(
        {PasswordReset.expires_at: datetime.now(UTC) - timedelta(minutes=1)}
    ).where(PasswordReset.id == created[0])
    with pytest.raises(Conflict):
        await services.reset_password(created[2], "ett nytt lösenord för lina")


async def test_system_admin_creates_an_organisation_and_invites_its_admin(
    client: Client, settings: Settings
) -> None:
    admin = await make_user("admin@f.example", admin=True, mfa=True)
    await sign_in(client, admin)
    invalid = await post_form(
        client,
        "/admin/organisations",
        {"name": "Ny Förening", "org_number": "123456-7891", "kinds": "member_ngo"},
        from_page="/admin/organisations",
    )
    assert invalid.status_code == 422
    assert 'aria-invalid="true"' in invalid.text
    created = await post_form(
        client,
        "/admin/organisations",
        {
            "name": "Ny Förening",
            "org_number": org_number("802471350"),
            "kinds": "member_ngo",
            "admin_email": "chef@ny.example",
        },
        from_page="/admin/organisations",
    )
    assert created.status_code == 303
    assert await Invitation.count().where(Invitation.email == "chef@ny.example") == 1
    await run_queued_jobs(settings)
    to, _text = _newest_mail(settings)
    assert to == "chef@ny.example"


async def test_admin_pages_are_404_for_others(client: Client) -> None:
    organisation = await make_org()
    user = await make_user("omar@a.example", organisation_id=organisation, role=Role.ORG_ADMIN)
    await sign_in(client, user)
    assert (await client.get("/admin/organisations")).status_code == 404
    assert (await client.get("/admin/audit")).status_code == 404
    assert await _signed_in_as(client) == "Omar"


async def test_switching_organisation_changes_the_acting_role(client: Client) -> None:
    org_a = await make_org("Org A", "802471350")
    org_b = await make_org("Org B", "802519264", shelter=True)
    user = await make_user("maja@a.example", organisation_id=org_a, role=Role.CASEWORKER)
    await services.add_membership(None, user.id, org_b, Role.SHELTER_STAFF)
    await sign_in(client, user)
    memberships = await Membership.select(Membership.id, Membership.organisation).where(
        Membership.user == user.id
    )
    target = next(row["id"] for row in memberships if row["organisation"] == org_b)
    switched = await post_form(
        client,
        "/account/context",
        {"membership_id": target, "next": "/account/"},
        from_page="/account/",
    )
    assert switched.status_code == 303
    page = await client.get("/account/")
    assert f'value="{target}" selected' in page.text
    foreign = await post_form(
        client, "/account/context", {"membership_id": 999999}, from_page="/account/"
    )
    assert foreign.status_code == 404
