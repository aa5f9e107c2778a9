"""The API twins of the members page: invitations, roles and deactivation, for the
organisation's administrators (an admin-scope token), nobody else."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts import services
from accounts.domain import Role
from accounts.tables import Invitation, Membership
from tests.accounts.helpers import make_org, make_user
from tests.beneficiaries.helpers import actor_of

Client = AsyncTestClient[Litestar]


async def _bearer(user_id: int, *scopes: str) -> dict[str, str]:
    _id, token = await services.create_token(await actor_of(user_id), "hr", list(scopes))
    return {"Authorization": f"Bearer {token}"}


async def test_org_admin_invites_changes_roles_and_deactivates_through_the_api(
    client: Client,
) -> None:
    organisation = await make_org()
    admin = await make_user("omar@a.example", organisation_id=organisation, role=Role.ORG_ADMIN)
    lina = await make_user("lina@a.example", organisation_id=organisation, role=Role.CASEWORKER)
    bearer = await _bearer(admin.id, "read", "write", "admin")
    without_admin_scope = await _bearer(admin.id, "read", "write")
    invitations = f"/api/v1/organisations/{organisation}/invitations"
    body = {"email": "ny@a.example", "role": "caseworker"}

    assert (
        await client.post(invitations, json=body, headers=without_admin_scope)
    ).status_code == 403
    bad_role = await client.post(invitations, json={**body, "role": "king"}, headers=bearer)
    assert bad_role.status_code == 422
    assert "role" in bad_role.json()["errors"]
    invited = await client.post(invitations, json=body, headers=bearer)
    assert invited.status_code == 201, invited.text
    assert invited.json()["email"] == "ny@a.example"
    assert "token" not in invited.text
    revoked = await client.post(
        f"/api/v1/invitations/{invited.json()['id']}/revoke", headers=bearer
    )
    assert revoked.status_code == 204
    assert await Invitation.exists().where(
        (Invitation.id == invited.json()["id"]) & Invitation.revoked_at.is_not_null()
    )

    membership = await Membership.select(Membership.id).where(Membership.user == lina.id).first()
    role = f"/api/v1/memberships/{membership['id']}/role"
    coordinator = {"role": "coordinator", "region": "stockholm"}
    refused = await client.put(role, json=coordinator, headers=bearer)
    assert refused.status_code == 422  # only system administrators name coordinators
    changed = await client.put(role, json={"role": "org_admin"}, headers=bearer)
    assert changed.status_code == 200, changed.text
    assert changed.json()["role"] == "org_admin"
    gone = await client.post(f"/api/v1/memberships/{membership['id']}/deactivate", headers=bearer)
    assert gone.json()["active"] is False

    other_org = await make_org("Org B", "556677889")
    stranger = await make_user("x@b.example", organisation_id=other_org, role=Role.ORG_ADMIN)
    theirs = await _bearer(stranger.id, "read", "write", "admin")
    assert (await client.put(role, json={"role": "caseworker"}, headers=theirs)).status_code == 404
    assert (await client.post(invitations, json=body, headers=theirs)).status_code in {403, 404}
