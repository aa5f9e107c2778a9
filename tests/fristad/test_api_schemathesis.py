"""schemathesis over all of /api/v1, from the app's own OpenAPI, with a token of each role of the
demo world: no 5xx, every response conforms to its schema, every status answered is documented,
data that fits the schema is accepted and data that does not is refused.

A few examples per operation and role keep the run short (CI runs it on both engines). The
generated ids mostly miss the demo's objects, so this probes the validation and error paths more
than the happy ones; those are the pages' and the API tests' part.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from litestar import Litestar
from schemathesis.checks import not_a_server_error
from schemathesis.config import PositiveDataAcceptanceConfig
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts import services as accounts
from accounts.domain import Role
from accounts.tables import Membership, User
from fristad import queue
from fristad.app import JOBS, create_app, populate_demo
from fristad.settings import Settings
from tests.beneficiaries.helpers import actor_of

# Calls per operation and role: data that fits the schema, then data that does not.
EXAMPLES = {GenerationMode.POSITIVE: 5, GenerationMode.NEGATIVE: 2}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    # Data that fits the schema is never a 400: it is accepted, or refused for what the schema
    # cannot say (401/403/404: ids of no object the role may touch; 409: the object's state;
    # 422: a rule across fields or against stored data, e.g. an end before its start). Data that
    # does not fit is refused with a 4xx.
    positive_data_acceptance,
    negative_data_rejection,
]
POSITIVE_STATUSES = ["2xx", "401", "403", "404", "409", "422"]
DEMO_USERS = {
    Role.CASEWORKER: "lina@trygghamn.example",
    Role.COORDINATOR: "sara@trygghamn.example",
    Role.ORG_ADMIN: "omar@trygghamn.example",
    Role.SHELTER_STAFF: "erik@fyrbaken.example",
    Role.OFFICER: "karin@lansstyrelsen.example",
}


async def _token_of(email: str) -> str:
    user = await User.select(User.id).where(User.email == email).first()
    membership = await Membership.select(Membership.id).where(Membership.user == user["id"]).first()
    actor = await actor_of(user["id"], membership["id"])
    return (await accounts.create_token(actor, "schemathesis", ["read", "write"])).token


@pytest.fixture
async def tokens(settings: Settings, db: None, redis: Any) -> AsyncIterator[dict[Role, str]]:
    await queue.open_queue(settings, JOBS.names())  # the demo's decisions enqueue their mails
    try:
        await populate_demo()
        yield {role: await _token_of(email) for role, email in DEMO_USERS.items()}
    finally:
        await queue.close_queue()


def _probe(operation: schemathesis.APIOperation, token: str, mode: GenerationMode) -> None:
    """A few generated calls of one operation with one token; raises what schemathesis found."""
    headers = {"Authorization": f"Bearer {token}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def probe(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    probe()


def _run(app: Litestar, tokens: dict[Role, str]) -> list[str]:
    """Every operation with every role's token; the failures, one line each."""
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    # Text never holds NUL (the API's description says so; PostgreSQL cannot store it): a 400.
    schema.config.generation.update(allow_x00=False)
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig.from_dict(
        {"expected-statuses": POSITIVE_STATUSES}
    )
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for (role, token), mode in itertools.product(tokens.items(), EXAMPLES):
            try:
                _probe(operation, token, mode)
            except (AssertionError, BaseExceptionGroup) as failure:  # reported together below
                failures.append(f"{operation.label} as {role}, {mode} data: {failure}")
    return failures


@pytest.mark.timeout(900)  # some 1 100 calls; PostgreSQL without a pool (see conftest) is slower
async def test_every_api_operation_conforms_to_the_openapi_schema_for_every_role(
    settings: Settings, tokens: dict[Role, str]
) -> None:
    app = create_app(settings)
    try:
        failures = await asyncio.to_thread(_run, app, tokens)
    finally:
        await asyncio.to_thread(schemathesis.python.asgi.shutdown_lifespans)
    assert not failures, "\n\n".join(failures)
