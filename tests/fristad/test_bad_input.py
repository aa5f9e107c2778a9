"""Bad input is a 400 or 422 with a message, never a 500, on both engines (the hardening issue,
item 5; the product issue, item 3).

The sweeps take the routes from the app itself, so a new route is swept without editing this
file: every page and API route, signed in as each role, with hostile values in its path, its
query, its form fields and its JSON body. The tests after them pin what each refusal says.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

import accounts.schemas
import beneficiaries.schemas
import grants.schemas
import matching.schemas
import shelters.schemas
from accounts import services as accounts_services
from accounts.domain import Role
from accounts.tables import Invitation, Organisation, User
from beneficiaries.tables import Beneficiary
from fristad import crypto, queue
from fristad.app import JOBS
from fristad.schemas import INT32_MAX, MAX_AMOUNT, MAX_QUANTITY
from fristad.settings import Settings
from grants import services as grants_services
from grants.domain import CATEGORIES
from grants.schemas import CostLineIn, RequestIn
from grants.tables import Budget, SupportRequest
from shelters import services as shelters_services
from shelters.tables import BedCategory, Shelter
from tests.accounts.helpers import TestUser, csrf, make_org, make_user, sign_in
from tests.beneficiaries.helpers import actor_of, make_beneficiary

Client = AsyncTestClient[Litestar]
KR = 100

# Never swept: the live board streams for ever, and signing out ends the sweep's session.
UNSWEPT = {"/shelters/board/events", "/sign-out"}
SCHEMA_MODULES = (
    accounts.schemas,
    beneficiaries.schemas,
    grants.schemas,
    matching.schemas,
    shelters.schemas,
)
# What goes into every field of a form, one at a time: NUL, ids and amounts past every column,
# text longer than every VARCHAR, numbers that are no amounts.
HOSTILE_TEXT = ["a\x00b", str(2**31), "9" * 25, "x" * 5000, "1e30", "inf"]
HOSTILE_QUERY = ["a\x00b", "9" * 25]
HOSTILE_PATH = [str(2**31), "%00"]
QUERY_NAMES = [
    "code",
    "status",
    "need",
    "region",
    "exploitation_type",
    "beneficiary",
    "start",
    "end",
    "format",
    "stale",
    "target_group",
    "children",
    "accessible",
    "language",
    "next",
    "action",
    "actor",
    "object_type",
    "object_id",
    "nights",
    "page",
    "q",
    "locale",
]


@dataclass
class World:
    users: dict[str, TestUser]
    tokens: dict[str, str]
    ids: dict[str, int]


@pytest.fixture
async def world(settings: Settings, db: None, redis: Redis) -> AsyncIterator[World]:
    """One of each role, and one of each object, whose ids fill the swept paths."""
    await queue.open_queue(settings, JOBS.names())
    operator = await make_org("Skyddade boendet Linden", "559310478", ngo=False, shelter=True)
    ngo = await make_org("Stiftelsen Trygg Hamn", "802471350")
    authority = await make_org("Länsstyrelsen i Stockholm", "202100231", ngo=False, authority=True)
    users = {
        "caseworker": await make_user(
            "lina@ngo.example", organisation_id=ngo, role=Role.CASEWORKER
        ),
        # The operator's administrator: the operator pages and registering shelters.
        "staff": await make_user(
            "erik@linden.example", organisation_id=operator, role=Role.ORG_ADMIN
        ),
        "officer": await make_user(
            "karin@lst.example", organisation_id=authority, role=Role.OFFICER, mfa=True
        ),
        # A system administrator who is also the NGO's: the admin and the members' pages.
        "admin": await make_user(
            "root@ngo.example", organisation_id=ngo, role=Role.ORG_ADMIN, admin=True, mfa=True
        ),
    }
    actors = {role: await actor_of(user.id) for role, user in users.items()}
    year = date.today().year
    programme_id = await grants_services.create_programme(
        actors["officer"],
        f"Stödprogrammet {year}",
        date(year, 1, 1),
        date(year, 12, 31),
        500_000 * KR,
        {"shelter": 100_000 * KR, "legal_aid": 100_000 * KR},
    )
    shelter_id = await shelters_services.create_shelter(
        None,
        operator,
        shelters_services.NewShelter(
            name="Linden",
            address="Hemliga gatan 7",
            municipality="1280",
            target_groups=["women"],
            languages=["sv", "en", "ro"],
            referral_contact="040-123 45",
        ),
    )
    category_id = await shelters_services.add_category(
        None,
        shelter_id,
        shelters_services.NewCategory(name="Rum", capacity=4, target_groups=["women"]),
    )
    beneficiary_id = await make_beneficiary(
        actors["caseworker"], consents=("share_funder", "share_shelter")
    )
    hold = await shelters_services.hold_bed(actors["caseworker"], category_id, beneficiary_id)
    support_request_id = await grants_services.create_request(
        actors["caseworker"],
        RequestIn(
            programme_id=programme_id,
            beneficiary_id=beneficiary_id,
            category="legal_aid",
            period_start=date(year, 2, 1),
            period_end=date(year, 4, 30),
            justification="Ombud för överklagande.",
            lines=[CostLineIn(description="Ombud", quantity=10, unit="h", unit_price=KR)],
        ),
    )
    tokens = {}
    for role in ("caseworker", "staff", "officer", "admin"):
        scopes = ["read", "write", "admin"] if role == "admin" else ["read", "write"]
        _id, tokens[role] = await accounts_services.create_token(actors[role], "sweep", scopes)
    budget = await Budget.select(Budget.id).first()
    assert budget is not None
    ids = {
        "beneficiary_id": beneficiary_id,
        "support_request_id": support_request_id,
        "request_id": support_request_id,
        "programme_id": programme_id,
        "shelter_id": shelter_id,
        "category_id": category_id,
        "hold_id": int(hold.hold.id),
        "organisation_id": ngo,
        "budget_id": int(budget["id"]),
    }
    yield World(users, tokens, ids)
    await queue.close_queue()


def _routes(app: Litestar, *, api: bool) -> list[tuple[str, str, Any]]:
    """(method, path template, handler) of every swept route of the app."""
    found = []
    for route in app.routes:
        if route.path in UNSWEPT or route.path.startswith("/static"):
            continue
        if route.path.startswith("/api/") != api:
            continue
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                found.append((method, route.path, handler))
    assert len(found) > (20 if api else 60)
    return found


_PARAM = re.compile(r"\{(\w+):(\w+)\}")


def _path(template: str, ids: dict[str, int], hostile: str | None = None) -> str:
    """The path with every parameter filled: the world's object, or ``hostile``."""

    def fill(match: re.Match[str]) -> str:
        if hostile is not None:
            return hostile
        if match.group(2) == "int":
            return str(ids.get(match.group(1), 1))
        return "x"

    return _PARAM.sub(fill, template)


def _form_field_names() -> list[str]:
    """Every field of every form and payload Struct, and the fields read by hand."""
    names = {"line_description", "line_quantity", "line_unit", "line_unit_price", *CATEGORIES}
    for module in SCHEMA_MODULES:
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, msgspec.Struct):
                names.update(field.name for field in msgspec.structs.fields(value))
    return sorted(names)


async def _signed_in(client: Client, user: TestUser) -> str:
    response = await sign_in(client, user)
    assert response.status_code == 303, response.text
    return await csrf(client, "/")


def _server_errors(failures: list[str], response: Any, what: str) -> None:
    if response.status_code >= 500:
        failures.append(f"{response.status_code} {what}")


@pytest.mark.parametrize("role", ["caseworker", "staff", "officer", "admin"])
async def test_no_page_answers_hostile_input_with_a_server_error(
    app: Litestar, world: World, role: str
) -> None:
    failures: list[str] = []
    fields = _form_field_names()
    async with AsyncTestClient(app=app) as client:
        token = await _signed_in(client, world.users[role])
        headers = {"x-csrftoken": token}
        for method, template, _handler in _routes(app, api=False):
            for hostile in HOSTILE_PATH:
                if "{" in template:
                    path = _path(template, world.ids, hostile)
                    response = await client.request(method, path, headers=headers)
                    _server_errors(failures, response, f"{method} {path}")
            path = _path(template, world.ids)
            for value in HOSTILE_QUERY if method == "GET" else HOSTILE_TEXT:
                if method == "GET":
                    query = {name: value for name in QUERY_NAMES}
                    response = await client.get(path, params=query)
                else:
                    form = {name: value for name in fields}
                    response = await client.request(method, path, data=form, headers=headers)
                _server_errors(failures, response, f"{method} {path} {value[:12]!r}")
    assert failures == [], "\n".join(failures)


def _payload_type(handler: Any) -> Any:
    data = handler.parsed_fn_signature.parameters.get("data")
    return data.annotation if data else None


def _valid(kind: Any, ids: dict[str, int], name: str = "") -> Any:
    """A plausible JSON value of a payload type (msgspec.inspect), the world's ids for ids."""
    if isinstance(kind, msgspec.inspect.StructType):
        return {field.name: _valid(field.type, ids, field.name) for field in kind.fields}
    if isinstance(kind, msgspec.inspect.UnionType):
        return _valid(
            next(t for t in kind.types if not isinstance(t, msgspec.inspect.NoneType)), ids, name
        )
    if isinstance(kind, msgspec.inspect.ListType):
        return [_valid(kind.item_type, ids, name)]
    if isinstance(kind, msgspec.inspect.IntType):
        return ids.get(name, 1)
    if isinstance(kind, msgspec.inspect.DateType):
        return date.today().isoformat()
    if isinstance(kind, msgspec.inspect.BoolType):
        return False
    return "legal_aid" if name == "category" else "x"


def _hostile(body: Any, hostile_int: int | float | None, hostile_text: str | None) -> Any:
    """The body with every number (or every text) replaced by a hostile one."""
    if isinstance(body, dict):
        return {key: _hostile(value, hostile_int, hostile_text) for key, value in body.items()}
    if isinstance(body, list):
        return [_hostile(value, hostile_int, hostile_text) for value in body]
    if isinstance(body, int) and not isinstance(body, bool) and hostile_int is not None:
        return hostile_int
    if isinstance(body, str) and hostile_text is not None:
        return hostile_text
    return body


HOSTILE_JSON_NUMBERS: list[int | float] = [2**31, 2**63, 2**64, -(2**31) - 1, 10**30, 1e30]
HOSTILE_JSON_TEXT = ["a\x00b", "x" * 5000]


@pytest.mark.parametrize("role", ["caseworker", "staff", "officer", "admin"])
async def test_no_api_operation_answers_hostile_input_with_a_server_error(
    client: Client, app: Litestar, world: World, role: str
) -> None:
    failures: list[str] = []
    bearer = {"Authorization": f"Bearer {world.tokens[role]}"}
    deep = b"[" * 10_000 + b"]" * 10_000
    deep_object = b'{"a":' * 10_000 + b"1" + b"}" * 10_000
    for method, template, handler in _routes(app, api=True):
        for hostile in HOSTILE_PATH:
            if "{" in template:
                path = _path(template, world.ids, hostile)
                response = await client.request(method, path, headers=bearer)
                _server_errors(failures, response, f"{method} {path}")
        path = _path(template, world.ids)
        if method == "GET":
            for value in HOSTILE_QUERY:
                response = await client.get(
                    path, params={n: value for n in QUERY_NAMES}, headers=bearer
                )
                _server_errors(failures, response, f"{method} {path} ?{value[:12]!r}")
            continue
        payload = _payload_type(handler)
        body = _valid(msgspec.inspect.type_info(payload), world.ids) if payload else {}
        variants = [
            msgspec.json.encode(_hostile(body, number, None)) for number in HOSTILE_JSON_NUMBERS
        ] + [msgspec.json.encode(_hostile(body, None, text)) for text in HOSTILE_JSON_TEXT]
        variants += [b'{"reason": "\xff\xfe"}', deep, deep_object, b"\x00"]
        for content in variants:
            response = await client.request(
                method,
                path,
                content=content,
                headers={**bearer, "Content-Type": "application/json"},
            )
            _server_errors(failures, response, f"{method} {path} {content[:40]!r}")
            if response.status_code in (400, 422):
                assert response.json()["detail"], (path, content[:40])
    assert failures == [], "\n".join(failures)


# --- what each refusal says --------------------------------------------------------------------


async def _page_client(
    app: Litestar, user: TestUser, locale: str = "en"
) -> tuple[Client, dict[str, str]]:
    """A signed-in client (the caller leaves it) and its CSRF header; pages in ``locale``."""
    client = AsyncTestClient(app=app)
    await client.__aenter__()
    headers = {"x-csrftoken": await _signed_in(client, user)}
    client.cookies.set("fristad_lang", locale, domain="testserver.local")
    return client, headers


async def test_a_nul_in_a_static_path_is_refused_not_an_error(client: Client) -> None:
    response = await client.get("/static/fristad.css%00.py")
    assert response.status_code in (400, 404)
    assert (await client.get("/static/fristad.css")).status_code == 200


async def test_a_nul_in_the_e_mail_before_sign_in_is_a_400_with_a_message(
    client: Client, db: None
) -> None:
    for path in ("/sign-in", "/password/forgot"):
        token = await csrf(client, path)
        response = await client.post(
            path,
            data={"email": "lina\x00@ngo.example", "password": "x", "_csrf_token": token},
            headers={"Accept-Language": "en"},
        )
        assert response.status_code == 400, path
        assert "NUL" in response.text


async def test_a_nul_in_a_query_filter_is_a_400(app: Litestar, world: World) -> None:
    client, _headers = await _page_client(app, world.users["caseworker"])
    for path in ("/shelters?language=r%00o", "/beneficiaries?code=K%00", "/grants/requests?x=%00"):
        response = await client.get(path)
        assert response.status_code == 400, path
    await client.__aexit__(None, None, None)


async def test_text_longer_than_its_column_is_refused_on_both_engines(
    app: Litestar, world: World
) -> None:
    staff, staff_headers = await _page_client(app, world.users["staff"])
    shelter = {
        "name": "S" * 201,
        "address": "Gatan 1",
        "municipality": "1280",
        "target_groups": "women",
        "price_kronor": "900",
    }
    refused = await staff.post("/shelters/operate", data=shelter, headers=staff_headers)
    assert refused.status_code == 400
    assert await Shelter.count() == 1
    category = {"name": "C" * 101, "capacity": "3", "target_groups": "women"}
    path = f"/shelters/operate/{world.ids['shelter_id']}/categories"
    assert (await staff.post(path, data=category, headers=staff_headers)).status_code == 400
    assert await BedCategory.count() == 1
    await staff.__aexit__(None, None, None)

    officer, officer_headers = await _page_client(app, world.users["officer"])
    programme = {"name": "P" * 201, "starts_on": "2027-01-01", "ends_on": "2027-12-31"}
    response = await officer.post(
        "/grants/programmes", data=programme, headers={**officer_headers, "Accept-Language": "en"}
    )
    assert response.status_code == 422
    assert "at most 200 characters" in response.text
    await officer.__aexit__(None, None, None)

    admin, admin_headers = await _page_client(app, world.users["admin"])
    organisation = {"name": "O" * 201, "org_number": "802519-2649", "kinds": "ngo"}
    response = await admin.post("/admin/organisations", data=organisation, headers=admin_headers)
    assert response.status_code == 400
    assert await Organisation.count() == 3
    await admin.__aexit__(None, None, None)


async def test_accepting_an_invitation_with_a_name_longer_than_its_column_is_refused(
    client: Client, world: World, settings: Settings
) -> None:
    admin = await actor_of(world.users["admin"].id)
    assert admin.organisation_id is not None
    await accounts_services.invite(
        admin, admin.organisation_id, "new@ngo.example", Role.CASEWORKER, settings=settings
    )
    # The link's token is only in the mail: give the invitation one the test knows.
    known = "known-invitation-token"
    await Invitation.update({Invitation.token_hash: crypto.token_hash(known)}).where(
        Invitation.email == "new@ngo.example"
    )
    path = f"/invitations/{known}"
    response = await client.post(
        path,
        data={
            "name": "N" * 201,
            "password": "ett långt och bra lösenord",
            "_csrf_token": await csrf(client, path),
        },
    )
    assert response.status_code == 400
    assert await User.count().where(User.email == "new@ngo.example") == 0


@pytest.mark.parametrize("price", ["inf", "-inf", "nan", "1e30", "9" * 25, "50000,01"])
async def test_a_shelter_price_that_is_no_sane_amount_is_refused(
    app: Litestar, world: World, price: str
) -> None:
    staff, headers = await _page_client(app, world.users["staff"])
    shelter = {
        "name": "Eken",
        "address": "Gatan 1",
        "municipality": "1280",
        "target_groups": "women",
        "price_kronor": price,
    }
    response = await staff.post(
        "/shelters/operate", data=shelter, headers={**headers, "Accept-Language": "en"}
    )
    assert response.status_code in (400, 422)
    assert await Shelter.count() == 1
    if price == "50000,01":
        assert "at most SEK\xa050,000 a night" in response.text
    await staff.__aexit__(None, None, None)


LINE = {
    "line_description": ["Ombud"],
    "line_unit": ["timme"],
}


@pytest.mark.parametrize(
    ("locale", "quantity", "price", "message"),
    [
        ("en", "1000000000000000", "1000000000000000", "from 1 to 100,000"),
        ("sv", "1000000000000000", "1000000000000000", "från 1 till 100\xa0000"),
        ("en", "1", "1000000000000000", "at most SEK\xa01,000,000,000"),
        ("sv", "1", "1000000000000000", "högst 1\xa0000\xa0000\xa0000\xa0kr"),
        ("en", "100000", "10000000", "total may be at most SEK\xa01,000,000,000"),
    ],
)
async def test_cost_lines_beyond_sane_bounds_are_refused_with_the_bound(
    app: Litestar, world: World, locale: str, quantity: str, price: str, message: str
) -> None:
    client, headers = await _page_client(app, world.users["caseworker"], locale)
    line = {**LINE, "line_quantity": [quantity], "line_unit_price": [price]}
    totals = await client.post("/grants/requests/totals", data=line, headers=headers)
    assert totals.status_code == 200  # the live total keeps updating
    case = await Beneficiary.select(Beneficiary.code).first()
    assert case is not None
    year = date.today().year
    form = {
        "programme_id": str(world.ids["programme_id"]),
        "beneficiary_code": case["code"],
        "category": "legal_aid",
        "period_start": f"{year}-02-01",
        "period_end": f"{year}-04-30",
        "justification": "Ombud.",
        **line,
    }
    refused = await client.post("/grants/requests/new", data=form, headers=headers)
    assert refused.status_code == 422
    assert message in refused.text
    assert "zero or more" not in refused.text
    assert await SupportRequest.count() == 1
    await client.__aexit__(None, None, None)


async def test_the_api_refuses_amounts_and_ids_beyond_their_bounds_naming_the_field(
    client: Client, world: World
) -> None:
    bearer = {"Authorization": f"Bearer {world.tokens['caseworker']}"}
    year = date.today().year
    body: dict[str, Any] = {
        "programme_id": world.ids["programme_id"],
        "beneficiary_id": world.ids["beneficiary_id"],
        "category": "legal_aid",
        "period_start": f"{year}-02-01",
        "period_end": f"{year}-04-30",
        "lines": [{"description": "Ombud", "quantity": 10**15, "unit_price": 10**15}],
    }
    response = await client.post("/api/v1/support-requests", json=body, headers=bearer)
    assert response.status_code == 400
    assert "lines[0].quantity" in str(response.json()["errors"])
    body["lines"] = [{"description": "Ombud", "quantity": 100_000, "unit_price": 10**11}]
    response = await client.post("/api/v1/support-requests", json=body, headers=bearer)
    assert response.status_code == 422
    assert response.json()["errors"]
    body["lines"] = []
    body["programme_id"] = 2**31
    response = await client.post(
        "/api/v1/support-requests", json=body, headers={**bearer, "Accept-Language": "en"}
    )
    assert response.status_code == 400
    problem = response.json()
    assert "programme_id" in problem["errors"]
    assert "2147483647" in re.sub(r"\D", "", problem["errors"]["programme_id"])  # the bound
    assert await SupportRequest.count() == 1
    hold = {"category_id": 2**31, "beneficiary_id": world.ids["beneficiary_id"]}
    response = await client.post("/api/v1/holds", json=hold, headers=bearer)
    assert response.status_code == 400
    assert "category_id" in response.json()["errors"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"reason": "\xff\xfe"}', "UTF-8"),
        (b"[" * 10_000 + b"]" * 10_000, "nästlat"),  # the token's user reads Swedish
        (b'{"reason": "no\\u0000pe"}', "NUL"),
    ],
)
async def test_a_json_body_that_cannot_be_read_is_a_400_with_a_message(
    client: Client, world: World, content: bytes, message: str
) -> None:
    response = await client.post(
        f"/api/v1/holds/{world.ids['hold_id']}/decline",
        content=content,
        headers={
            "Authorization": f"Bearer {world.tokens['staff']}",
            "Content-Type": "application/json",
            "Accept-Language": "en",
        },
    )
    assert response.status_code == 400
    assert message in response.json()["detail"]


async def test_openapi_publishes_the_bounds(client: Client, db: None) -> None:
    schemas = (await client.get("/schema/openapi.json")).json()["components"]["schemas"]

    def field(struct: str, name: str) -> dict[str, Any]:
        found = next(value for key, value in schemas.items() if key.endswith(struct))
        return dict(found["properties"][name])

    assert field("RequestIn", "programme_id")["maximum"] == INT32_MAX
    assert field("CostLineIn", "unit_price")["maximum"] == MAX_AMOUNT
    assert field("CostLineIn", "quantity")["maximum"] == MAX_QUANTITY
    assert field("CostLineIn", "description")["maxLength"] == 200
    assert field("HoldIn", "category_id")["maximum"] == INT32_MAX
    assert field("DecisionIn", "amount")["maximum"] == MAX_AMOUNT
