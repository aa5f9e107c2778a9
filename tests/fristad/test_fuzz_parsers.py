"""Hypothesis over every form and query parser: no input makes a 500 (issue 10, item 11).

Two layers. The value parsers the forms use (numbers, amounts, dates, codes, identity and
organisation numbers) are pure: for any text they give a value, None, or the form's own
refusal (InvalidInput), never another exception. Then the app itself: every form route, every
query of every page and API read, every JSON body, as a signed-in person, with what Hypothesis
makes of the fields the app knows (and of names it does not). The fixed hostile values of
tests/fristad/test_bad_input.py stay there; this finds the ones nobody thought of. The example
counts are small, as CI runs this on both engines.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts.domain import normalise_org_number, parse_role
from beneficiaries.domain import normalise_code, normalise_identity_number
from fristad.errors import InvalidInput
from fristad.schemas import whole_number
from grants.domain import parse_kronor
from grants.schemas import parse_date
from shelters.schemas import count_or_none, ore_of_kronor, typed_date
from tests.fristad import test_bad_input
from tests.fristad.test_bad_input import (
    QUERY_NAMES,
    World,
    _form_field_names,
    _path,
    _routes,
    _signed_in,
)

# The sweep's world (one of each role and object) serves the fuzzing too.
world = test_bad_input.world

# What people type, and what they should not: digits with separators, dates, codes, any
# Unicode (NUL, other scripts' digits, combining marks), and now and then a very long text.
TYPED = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"\A-?[0-9 \xa0]{0,20}([.,][0-9]{0,4})?(kr|e[0-9]{1,3})?\Z"),
    st.from_regex(r"\A[0-9]{2,5}-[0-9]{1,2}-[0-9]{1,3}\Z"),
    st.integers().map(str),
    st.floats().map(str),
    st.sampled_from(["", " ", "\x00", "inf", "NaN", "true", "[]", "{}", "٣", "²"]),
    st.text(min_size=300, max_size=3000),
)
# Per test and role: a client and the world are made once for all of its examples.
SOME = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@settings(max_examples=120, deadline=None)
@given(TYPED)
def test_value_parsers_give_a_value_none_or_the_forms_refusal(text: str) -> None:
    for maximum in (999, 2**31 - 1):
        number = whole_number(text, maximum)
        assert number is None or 0 <= number <= maximum
    amount = parse_kronor(text)
    assert amount is None or isinstance(amount, int)
    assert isinstance(ore_of_kronor(text), int)
    assert count_or_none(text) is None or -1 <= (count_or_none(text) or 0) <= 999
    typed_date(text)
    errors: dict[str, str] = {}
    parse_date(text, "start", errors)
    assert set(errors) <= {"start"}
    assert isinstance(normalise_code(text), str)
    normalise_identity_number(text)
    normalise_org_number(text)
    try:
        parse_role(text)
    except InvalidInput as refused:
        refusal = refused.errors
    else:
        refusal = {}
    assert set(refusal) <= {"role"}


def _no_server_error(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{response.status_code} {what}: {response.text[:300]}"


def _routes_of(app: Litestar, method: str, *, api: bool) -> list[str]:
    return [path for found, path, _ in _routes(app, api=api) if found == method]


def _fields(names: list[str]) -> st.SearchStrategy[dict[str, str]]:
    """A form: some of the fields the app knows (now and then a name it does not), any values."""
    return st.dictionaries(
        st.one_of(st.sampled_from(names), st.text(max_size=8)), TYPED, max_size=8
    )


@pytest.fixture(params=["caseworker", "officer"])
async def signed_in(app: Litestar, world: World, request: Any) -> AsyncIterator[Signed]:
    """A client signed in once for all examples (as a caseworker, then an officer), its CSRF
    header and its API token."""
    async with AsyncTestClient(app=app) as client:
        csrf = {"x-csrftoken": await _signed_in(client, world.users[request.param])}
        bearer = {"Authorization": f"Bearer {world.tokens[request.param]}"}
        yield Signed(client, csrf, bearer)


@dataclass
class Signed:
    client: AsyncTestClient[Litestar]
    csrf: dict[str, str]
    bearer: dict[str, str]


@SOME
@given(data=st.data())
async def test_no_form_answers_any_input_with_a_server_error(
    app: Litestar, world: World, signed_in: Signed, data: st.DataObject
) -> None:
    template = data.draw(st.sampled_from(_routes_of(app, "POST", api=False)), label="route")
    form = data.draw(_fields(_form_field_names()), label="form")
    path = _path(template, world.ids)
    response = await signed_in.client.post(path, data=form, headers=signed_in.csrf)
    _no_server_error(response, f"POST {path}")


@SOME
@given(data=st.data())
async def test_no_query_answers_any_input_with_a_server_error(
    app: Litestar, world: World, signed_in: Signed, data: st.DataObject
) -> None:
    api = data.draw(st.booleans(), label="api")
    template = data.draw(st.sampled_from(_routes_of(app, "GET", api=api)), label="route")
    query = data.draw(_fields(QUERY_NAMES), label="query")
    path = _path(template, world.ids)
    response = await signed_in.client.get(
        path, params=query, headers=signed_in.bearer if api else {}
    )
    _no_server_error(response, f"GET {path}")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TYPED,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=6)
    ),
    max_leaves=12,
)


@SOME
@given(data=st.data())
async def test_no_api_body_makes_a_server_error(
    app: Litestar, world: World, signed_in: Signed, data: st.DataObject
) -> None:
    method, template = data.draw(
        st.sampled_from([(m, p) for m, p, _ in _routes(app, api=True) if m != "GET"]),
        label="route",
    )
    names = _form_field_names()
    body = data.draw(
        st.one_of(JSON, st.dictionaries(st.sampled_from(names), JSON, max_size=8)), label="body"
    )
    path = _path(template, world.ids)
    response = await signed_in.client.request(
        method,
        path,
        content=msgspec.json.encode(body),
        headers={**signed_in.bearer, "Content-Type": "application/json"},
    )
    _no_server_error(response, f"{method} {path}")
