"""The demo's return stories: the 17-year-old from Romania returned home via IOM with an escort,
"X" (24, two small children) with a funded appeal lawyer and a return plan prepared."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from accounts import demo as accounts_demo
from beneficiaries import demo as beneficiaries_demo
from beneficiaries.tables import Beneficiary
from fristad import queue
from fristad.app import JOBS
from fristad.settings import Settings
from grants import demo as grants_demo
from pathways import returns_demo
from pathways.tables import ReturnPlan, ReturnTask


@pytest.fixture
async def jobs(settings: Settings, db: None, redis: Redis) -> AsyncIterator[Redis]:
    """The demos enqueue jobs (mails, deadlines): the queue is open on the test Redis."""
    await queue.open_queue(settings, JOBS.names())
    yield redis
    await queue.close_queue()


async def test_the_demo_tells_both_return_stories(jobs: Redis) -> None:
    await accounts_demo.populate()
    await beneficiaries_demo.populate()
    await grants_demo.populate()
    lines = await returns_demo.populate()
    assert any("returned home to Romania" in line for line in lines)
    plans = await ReturnPlan.select().order_by(ReturnPlan.id)
    assert [(plan["country"], plan["state"]) for plan in plans] == [
        ("RO", "departed"),
        ("NG", "accepted"),
    ]
    girl = await Beneficiary.select().where(Beneficiary.id == plans[0]["beneficiary"]).first()
    assert girl is not None
    assert girl["is_minor"]
    assert girl["status"] == "returned"
    escort = (
        await ReturnTask.select()
        .where((ReturnTask.plan == plans[0]["id"]) & (ReturnTask.kind == "travel_escort"))
        .first()
    )
    assert escort is not None
    assert escort["state"] == "done"
    follow_up = (
        await ReturnTask.select()
        .where((ReturnTask.plan == plans[0]["id"]) & (ReturnTask.kind == "follow_up_3"))
        .first()
    )
    assert follow_up is not None
    assert follow_up["outcome"] == "supported"
    x = await Beneficiary.select().where(Beneficiary.id == plans[1]["beneficiary"]).first()
    assert x is not None
    assert x["children_count"] == 2
    assert (await returns_demo.populate())[0].startswith("Demo returns: the database has")
