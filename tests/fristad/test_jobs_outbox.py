"""The job outbox (issue 10.2): a job exists exactly when its action committed, is relayed to
arq after the commit, and waits for the sweep while Redis refuses writes — invitations and
password resets as much as decisions (tests/grants/test_outbox.py)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from accounts import services
from accounts.domain import Role
from fristad import queue
from fristad.app import JOBS
from fristad.database import write_transaction
from fristad.jobs import sweep_outbox
from fristad.mail import Mail, list_outbox
from fristad.settings import Settings
from fristad.tables import JobOutboxEntry
from tests.accounts.helpers import csrf, make_org, make_user
from tests.beneficiaries.helpers import actor_of
from tests.jobs import run_queued_jobs

QUEUED = "fristad:queue"  # arq's sorted set of queued jobs


@pytest.fixture(autouse=True)
async def open_queue(settings: Settings, redis: Redis, db: None) -> AsyncIterator[None]:
    await queue.open_queue(settings, JOBS.names())
    yield
    await queue.close_queue()


class Oops(Exception):
    pass


async def _mail_then_fail() -> None:
    async with write_transaction():
        await queue.send_mail_later(Mail(to="a@example.org", subject="s", text="t"), key="k")
        raise Oops


async def test_a_rolled_back_action_leaves_no_job(redis: Redis) -> None:
    with pytest.raises(Oops):
        await _mail_then_fail()
    assert await JobOutboxEntry.count() == 0
    assert await redis.zcard(QUEUED) == 0


async def test_a_job_is_relayed_once_the_outermost_transaction_has_committed(
    redis: Redis,
) -> None:
    async with write_transaction():
        async with write_transaction():  # a service calling another joins its transaction
            await queue.send_mail_later(Mail(to="a@example.org", subject="s", text="t"), key="k")
        assert await redis.zcard(QUEUED) == 0  # not before the commit
    assert await redis.zcard(QUEUED) == 1
    # One key, one mail: a repeat of the same reason is refused.
    assert not await queue.send_mail_later(Mail(to="a@example.org", subject="s", text="t"), key="k")
    assert await JobOutboxEntry.count() == 1


async def test_invitation_and_password_reset_while_redis_refuses_writes(
    settings: Settings,
    redis: Redis,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    organisation = await make_org()
    admin = await make_user("omar@a.example", organisation_id=organisation, role=Role.ORG_ADMIN)
    await make_user("lina@a.example", organisation_id=organisation, role=Role.CASEWORKER)
    actor = await actor_of(admin.id)

    await redis.config_set("maxmemory", 1)
    try:
        with caplog.at_level(logging.INFO):
            await services.invite(actor, organisation, "ny@a.example", Role.CASEWORKER)
            await services.send_password_reset_link("lina@a.example")
    finally:
        await redis.config_set("maxmemory", 0)

    entries = await JobOutboxEntry.select().order_by(JobOutboxEntry.id)
    assert [entry["key"].split(":")[1] for entry in entries] == ["invitation", "password-reset"]
    assert all(entry["relayed_at"] is None for entry in entries)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for address in ("ny@a.example", "lina@a.example"):
        assert address not in logged

    assert await sweep_outbox({}) == 2
    own_outbox = msgspec.structs.replace(settings, var_dir=str(tmp_path))
    await run_queued_jobs(own_outbox)
    assert sorted(mail.to for mail in list_outbox(own_outbox)) == ["lina@a.example", "ny@a.example"]


async def test_password_reset_page_answers_while_redis_refuses_writes(
    client: AsyncTestClient[Litestar], redis: Redis
) -> None:
    await make_user("lina@a.example")
    token = await csrf(client, "/password/forgot")
    await redis.config_set("maxmemory", 1)
    try:
        answered = await client.post(
            "/password/forgot",
            data={"email": "lina@a.example", "_csrf_token": token},
            follow_redirects=False,
        )
    finally:
        await redis.config_set("maxmemory", 0)
    assert answered.status_code < 500, answered.text
    [entry] = await JobOutboxEntry.select()
    assert entry["key"].startswith("mail:password-reset:")
