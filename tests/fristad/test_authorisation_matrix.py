"""Every route of the app, from the app itself, against someone who must not reach its object.

The routes are enumerated from the running application, so a new route is covered without
editing this test. Each is called with no session, then by every role of a foreign organisation
(a session for the pages, an API token for /api/), with the ids of objects of the demo world,
which belongs to other organisations. Expected: 401, 403 or 404 (or the sign-in page), and no
row of any table changed. Unsafe calls go with an empty body, which some routes refuse (400/422)
before they look at the object: that tells nothing about the object, changes nothing, and is
accepted here; probing with valid bodies is schemathesis' part. Routes that are public, or
legitimately open to every member of the network, are listed below with the reason.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from piccolo.conf.apps import Finder

from accounts import services as accounts
from accounts.domain import MFA_ROLES, Role
from accounts.tables import ApiToken, Invitation, Membership, Organisation, User
from beneficiaries.tables import Beneficiary, Consent, Share
from figures.tables import FigureExport
from fristad import queue
from fristad.app import JOBS, create_app, populate_demo
from fristad.settings import Settings
from grants.tables import Attachment, Budget, Payment, Programme, SupportRequest
from pathways.tables import CasePlanAction, ReturnPlan, ReturnTask
from providers.tables import Reservation, Service
from shelters.tables import BedCategory, Hold, Placement, Shelter
from tests.accounts.helpers import TestUser, csrf, make_org, make_user, sign_in
from tests.beneficiaries.helpers import actor_of

# Every route, each with several callers, on a shared machine: more than the suite's 300 s.
pytestmark = pytest.mark.timeout(900)

# Anyone may call these without signing in (the home page greets and links to sign-in).
PUBLIC = re.compile(
    r"^/($|healthz|readyz|metrics|schema|static/|sign-in|password/|invitations/|language$)"
)
# Open to every signed-in member whatever the object's owner: the network's shared registry of
# beds (any caseworker may hold a bed for their own person in any shelter), published
# programmes, and the organisations' public names.
SHARED = {
    "/shelters/categories/{category_id:int}/hold": {Role.CASEWORKER, Role.COORDINATOR},
    "/api/v1/programmes/{programme_id:int}": set(Role),
    # The directory of services is the network's shared registry too (capacity numbers only
    # for the roles that may see them); any caseworker reserves for their own person.
    "/api/v1/services/{service_id:int}": set(Role),
    "/providers/services/{service_id:int}/reserve": {Role.CASEWORKER, Role.COORDINATOR},
}
FOREIGN_ROLES = [
    Role.CASEWORKER,
    Role.COORDINATOR,
    Role.ORG_ADMIN,
    Role.SHELTER_STAFF,
    Role.PROVIDER_STAFF,
    Role.OFFICER,
    Role.RETURN_OFFICER,
    Role.PARTNER_STAFF,
]
DENIED = {401, 403, 404}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Call:
    method: str
    template: str  # the route's path with its parameter types, as Litestar lists it

    def __str__(self) -> str:
        return f"{self.method} {self.template}"


def calls(app: Litestar) -> Iterator[Call]:
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(handler.http_methods - {"OPTIONS", "HEAD"}):
                yield Call(method, route.path)


async def _first_id(table: Any, *where: Any) -> int:
    query = table.select(table.id).order_by(table.id)
    for condition in where:
        query = query.where(condition)
    row = await query.first()
    return int(row["id"]) if row else 1


async def _objects_of_others() -> dict[str, str]:
    """An id for every path parameter, of an object of the demo world's organisations."""
    lina = await User.select(User.id).where(User.email == "lina@trygghamn.example").first()
    membership = await _first_id(Membership, Membership.user == lina["id"])
    request = await _first_id(SupportRequest)
    await accounts.create_token(await actor_of(lina["id"], membership), "theirs", ["read"])
    return {
        "beneficiary_id": str(await _first_id(Beneficiary)),
        "consent_id": str(await _first_id(Consent)),
        "share_id": str(await _first_id(Share)),
        "hold_id": str(await _first_id(Hold)),
        "shelter_id": str(await _first_id(Shelter)),
        "category_id": str(await _first_id(BedCategory)),
        "placement_id": str(await _first_id(Placement)),
        "service_id": str(await _first_id(Service)),
        "reservation_id": str(await _first_id(Reservation)),
        "request_id": str(request),
        "support_request_id": str(request),
        "attachment_id": str(await _first_id(Attachment)),
        "budget_id": str(await _first_id(Budget)),
        "payment_id": str(await _first_id(Payment)),
        "programme_id": str(await _first_id(Programme)),
        "organisation_id": str(
            await _first_id(Organisation, Organisation.name == "Stiftelsen Trygg Hamn")
        ),
        "user_id": str(lina["id"]),
        "membership_id": str(membership),
        "invitation_id": str(await _first_id(Invitation)),
        "token_id": str(await _first_id(ApiToken)),
        "token": "x" * 43,
        "export_id": str(await _an_export_of(lina["id"])),
        "kind": "xlsx",
        "file_name": "20260101T000000-x.eml",
        "answer": "accept",
        "action": "submit",
        "action_id": str(await _first_id(CasePlanAction)),
        "plan_id": str(await _first_id(ReturnPlan)),
        "task_id": str(await _first_id(ReturnTask)),
    }


async def _an_export_of(user_id: int) -> int:
    """A finished figures export (figures keeps its asker by id)."""
    rows = await FigureExport.insert(
        FigureExport(
            user_id=user_id,
            first_day=date(2027, 1, 1),
            last_day=date(2027, 12, 31),
            status="done",
            progress=100,
            storage_name="0" * 32,
            created_at=datetime.now(UTC),
        )
    )
    return int(rows[0]["id"])


def _path(template: str, ids: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in ids, f"{template}: give _objects_of_others an object for {name}"
        return ids[name]

    return re.sub(r"\{(\w+):\w+\}", value, template)


# Bookkeeping a denied call may do: the audit log records denials, a token its last use.
NOT_COMPARED = {"audit_event": (), "api_token": ("last_used_at",)}


async def _rows_digest() -> str:
    """A digest of every row of every table, but for the bookkeeping above."""
    digest = hashlib.sha256()
    for table in sorted(Finder().get_table_classes(), key=lambda t: t._meta.tablename):
        name = table._meta.tablename
        if NOT_COMPARED.get(name) == ():
            continue
        rows = await table.select().order_by(table._meta.primary_key)
        for row in rows:
            for column in NOT_COMPARED.get(name, ()):
                row.pop(column)
        digest.update(f"{name}:{rows!r}".encode())
    return digest.hexdigest()


def _denied(call: Call, response: Any) -> bool:
    if response.status_code in DENIED:
        return True
    if call.method in UNSAFE and response.status_code in {400, 422}:
        return True
    location = response.headers.get("location", "")
    return response.status_code in {302, 303} and location.startswith("/sign-in")


@pytest.fixture
async def world(settings: Settings, db: None, redis: Any) -> AsyncIterator[dict[str, str]]:
    await queue.open_queue(settings, JOBS.names())  # the demo's decisions enqueue their mails
    try:
        await populate_demo()
        yield await _objects_of_others()
    finally:
        await queue.close_queue()


async def _foreign_user(role: Role) -> TestUser:
    organisation_id = await make_org(
        f"Främmande {role}",
        f"55667788{FOREIGN_ROLES.index(role)}",
        ngo=role not in {Role.OFFICER, Role.RETURN_OFFICER, Role.PARTNER_STAFF},
        authority=role in {Role.OFFICER, Role.RETURN_OFFICER},
        partner=role == Role.PARTNER_STAFF,
        shelter=role == Role.SHELTER_STAFF,
        provider=role == Role.PROVIDER_STAFF,
    )
    region = "bergslagen" if role == Role.COORDINATOR else None
    return await make_user(
        f"{role}@frammande.example",
        organisation_id=organisation_id,
        role=role,
        mfa=role in MFA_ROLES,
        region=region,
    )


async def _probe(client: AsyncTestClient[Litestar], call: Call, path: str, **extra: Any) -> Any:
    headers = dict(extra.pop("headers", {}))
    if call.method in UNSAFE and not path.startswith("/api/"):
        headers["x-csrftoken"] = await csrf(client, "/sign-in")
    return await client.request(call.method, path, headers=headers, follow_redirects=False, **extra)


async def test_no_route_serves_an_object_to_someone_without_a_session_or_of_another_org(
    settings: Settings, world: dict[str, str]
) -> None:
    """One demo world for all: anonymous first, then each foreign role but the officer's."""
    app = create_app(settings)
    let_through = []
    before = await _rows_digest()
    async with AsyncTestClient(app=app) as client:
        for call in calls(app):
            if PUBLIC.match(call.template):
                continue
            response = await _probe(client, call, _path(call.template, world))
            if not _denied(call, response):
                let_through.append(f"anonymous {call}: {response.status_code}")
    assert await _rows_digest() == before
    for role in FOREIGN_ROLES:
        if role != Role.OFFICER:
            let_through += await _probe_as_foreign(settings, world, role)
    assert let_through == [], "\n".join(let_through)


async def test_no_route_serves_an_object_to_an_officer_of_another_authority(
    settings: Settings, world: dict[str, str]
) -> None:
    """Issue 10 item 8: a programme belongs to its authority; only its officers reach its
    requests, budgets, payments and (with the person's consent) its cases."""
    assert await _probe_as_foreign(settings, world, Role.OFFICER) == []


async def _probe_as_foreign(settings: Settings, world: dict[str, str], role: Role) -> list[str]:
    """Every route with an object, called by ``role`` of an organisation that has none."""
    app = create_app(settings)
    user = await _foreign_user(role)
    actor = await actor_of(user.id)
    token = (await accounts.create_token(actor, "probe", ["read", "write"])).token
    let_through = []
    async with AsyncTestClient(app=app) as client:
        await sign_in(client, user)
        before = await _rows_digest()  # signing in keeps its own books (the last TOTP step)
        for call in calls(app):
            if PUBLIC.match(call.template) or "{" not in call.template:
                continue  # without an object, a route is the role's own business
            if role in SHARED.get(call.template, set()):
                continue
            path = _path(call.template, world)
            extra: dict[str, Any] = {}
            if path.startswith("/api/"):
                extra["headers"] = {"authorization": f"Bearer {token}"}
                if call.method in UNSAFE:
                    extra["json"] = {}
            response = await _probe(client, call, path, **extra)
            if not _denied(call, response):
                let_through.append(f"{role} {call}: {response.status_code}")
            after = await _rows_digest()
            if after != before:
                let_through.append(f"{role} {call}: changed a row")
                before = after
    return let_through


# A token's description of itself answers whatever its scopes (a client learns what it may do).
ANY_SCOPE = {"/api/v1/me"}


async def _bearer(actor: Any, scopes: list[str]) -> dict[str, str]:
    token = (await accounts.create_token(actor, "scope probe", scopes)).token
    return {"authorization": f"Bearer {token}"}


async def test_no_api_route_answers_a_token_without_the_scope_it_needs(
    settings: Settings, world: dict[str, str]
) -> None:
    """Issue 10 item 11: the demo world's own people, who do reach its objects, each with a
    token that lacks the scope: every read with a write-only token, every change with a
    read-only one. Expected 401/403/404 (a change refused before its body is read), and no
    row changed; with both scopes the same people do read those routes."""
    app = create_app(settings)
    api_calls = [
        call
        for call in calls(app)
        if call.template.startswith("/api/") and call.template not in ANY_SCOPE
    ]
    memberships = await Membership.select(Membership.id, Membership.user).where(
        Membership.active == True  # noqa: E712
    )
    # Tokens act in a membership (a system admin without one has none).
    people = [await actor_of(row["user"], row["id"]) for row in memberships]
    tokens = [
        (
            actor,
            await _bearer(actor, ["write"]),
            await _bearer(actor, ["read"]),
            await _bearer(actor, ["read", "write"]),
        )
        for actor in people
    ]
    let_through, reached = [], set()
    async with AsyncTestClient(app=app) as client:
        before = await _rows_digest()
        for actor, write_only, read_only, both in tokens:
            for call in api_calls:
                path = _path(call.template, world)
                unsafe = call.method in UNSAFE
                response = await _probe(
                    client,
                    call,
                    path,
                    headers=read_only if unsafe else write_only,
                    **({"json": {}} if unsafe else {}),
                )
                if response.status_code not in DENIED:
                    let_through.append(f"{actor.role} {call}: {response.status_code}")
                if (
                    not unsafe
                    and (await _probe(client, call, path, headers=both)).status_code == 200
                ):
                    reached.add(call.template)
            # Once per person (a digest per call takes minutes on PostgreSQL).
            after = await _rows_digest()
            if after != before:
                let_through.append(f"{actor.name} as {actor.role}: a call changed a row")
                before = after
    assert let_through == [], "\n".join(let_through)
    # The denials above are the scopes': the same people, with the scope, read these.
    assert {
        "/api/v1/beneficiaries/{beneficiary_id:int}",
        "/api/v1/support-requests/{request_id:int}",
        "/api/v1/holds/{hold_id:int}",
    } <= reached, sorted(reached)
