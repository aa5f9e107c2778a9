"""No committed decision loses its mail (issue 10.2): with Redis refusing writes the officer sees
the decision made, the money is committed and the mail waits in the job outbox; once Redis is
back the sweep relays it and the worker sends it once. No log line carries the address or text."""

from __future__ import annotations

import logging
from pathlib import Path

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from fristad.jobs import sweep_outbox
from fristad.mail import list_outbox, read_outbox
from fristad.settings import Settings
from fristad.tables import JobOutboxEntry
from grants.tables import Budget, LedgerEntry
from tests.accounts.helpers import csrf, sign_in
from tests.grants.helpers import KR, make_world, submitted_request
from tests.jobs import run_queued_jobs

Client = AsyncTestClient[Litestar]


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every line and traceback logged, as a log file would hold them."""
    handler = logging.Handler()
    handler.setFormatter(logging.Formatter())
    return "\n".join(handler.format(record) for record in caplog.records)


async def test_decision_while_redis_refuses_writes_commits_and_mails_once_redis_is_back(
    client: Client,
    settings: Settings,
    redis: Redis,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    world = await make_world()
    request_id = await submitted_request(world)
    path = f"/grants/requests/{request_id}"
    assert (await sign_in(client, world.officer_user)).status_code == 303
    token = await csrf(client, path)
    form = {"outcome": "approve", "amount": "12000", "reason": "Ryms i budgeten."}

    await redis.config_set("maxmemory", 1)  # Redis answers OOM to every write
    try:
        with caplog.at_level(logging.INFO):
            decided = await client.post(
                f"{path}/decide", data={**form, "_csrf_token": token}, follow_redirects=False
            )
    finally:
        await redis.config_set("maxmemory", 0)

    assert decided.status_code == 303, decided.text
    assert decided.headers["location"] == path
    budget = await Budget.select(Budget.committed).where(Budget.category == "legal_aid").first()
    assert budget is not None
    assert budget["committed"] == 12_000 * KR
    assert await LedgerEntry.count().where(LedgerEntry.kind == "commitment") == 1
    [entry] = await JobOutboxEntry.select()
    assert entry["job"] == "send_mail"
    assert entry["key"].startswith(f"mail:grants:{request_id}:decision:")
    assert (entry["relayed_at"], entry["done_at"]) == (None, None)
    logged = _logged(caplog)
    assert entry["key"] in logged  # the warning names the mail by its reason
    assert "lina@ngo.example" not in logged
    assert "lina@ngo.example" not in entry["call"]  # kept encrypted

    # Redis is back: the sweep relays the mail, a second sweep does not relay it again.
    assert await sweep_outbox({}) == 1
    assert await sweep_outbox({}) == 0
    own_outbox = msgspec.structs.replace(settings, var_dir=str(tmp_path))
    await run_queued_jobs(own_outbox)
    await sweep_outbox({})
    await run_queued_jobs(own_outbox)
    [mail] = list_outbox(own_outbox)
    assert mail.to == "lina@ngo.example"
    message = read_outbox(own_outbox, mail.name)
    assert message is not None
    for paragraph in (mail.subject, *message.text.split("\n\n")[:2]):
        assert paragraph.strip()
        assert paragraph.strip() not in logged
    done = await JobOutboxEntry.select().first()
    assert done is not None
    assert done["done_at"] is not None
    assert done["call"] == ""  # the address and the text are not kept after sending


async def test_decision_with_redis_up_mails_at_once(
    settings: Settings, redis: Redis, tmp_path: Path
) -> None:
    """The ordinary path: relayed right after the commit, no sweep needed."""
    from grants import services

    world = await make_world()
    request_id = await submitted_request(world)
    await services.decide(world.officer, request_id, 5_000 * KR, "Ryms.")
    [entry] = await JobOutboxEntry.select()
    assert entry["relayed_at"] is not None
    own_outbox = msgspec.structs.replace(settings, var_dir=str(tmp_path))
    await run_queued_jobs(own_outbox)
    assert [mail.to for mail in list_outbox(own_outbox)] == ["lina@ngo.example"]
    assert await sweep_outbox({}) == 0
