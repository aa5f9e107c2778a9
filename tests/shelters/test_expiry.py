"""Hold expiry (the job at the deadline and the sweep), stale availability and its reminder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis

from fristad.errors import Conflict
from fristad.jobs_outbox import job_id
from fristad.mail import list_outbox, read_outbox
from fristad.queue import QUEUE_NAME
from fristad.settings import Settings
from fristad.tables import JobOutboxEntry
from shelters import jobs as shelter_jobs
from shelters import services
from shelters.tables import Hold
from tests.jobs import run_queued_jobs
from tests.shelters.helpers import ADDRESS, category, make_case, make_world


async def _past_deadline(hold_id: int) -> None:
    await Hold.update({Hold.expires_at: datetime.now(UTC) - timedelta(minutes=1)}).where(
        Hold.id == hold_id
    )


async def test_a_hold_schedules_its_expiry_job_at_the_deadline(jobs: Redis) -> None:
    world = await make_world()
    hold = (
        await services.hold_bed(world.caseworker_actor, world.category_id, await make_case(world))
    ).hold
    # Written with the hold (the job outbox), queued in arq once the hold has committed.
    entry = await JobOutboxEntry.select().where(JobOutboxEntry.key == f"hold-expiry:{hold.id}")
    assert [(row["job"], row["run_at"]) for row in entry] == [("expire_hold", hold.expires_at)]
    score = await jobs.zscore(QUEUE_NAME, job_id(entry[0]["id"], entry[0]["key"]))
    assert score is not None
    assert abs(score / 1000 - hold.expires_at.timestamp()) < 1
    assert hold.expires_at - hold.created_at == timedelta(hours=4)


async def test_sweep_releases_a_hold_past_its_deadline_when_its_job_was_lost(
    jobs: Redis,
) -> None:
    world = await make_world(capacity=1)
    hold = (
        await services.hold_bed(world.caseworker_actor, world.category_id, await make_case(world))
    ).hold
    await jobs.flushdb()  # the scheduled job is lost
    await _past_deadline(hold.id)

    assert await shelter_jobs.sweep_expired_holds({}) == 1

    row = await Hold.select(Hold.status).where(Hold.id == hold.id).first()
    assert row == {"status": "expired"}
    assert (await category(world.category_id))["free"] == 1
    assert await services.broken_invariants() == []


async def test_expiry_job_and_sweep_are_idempotent(jobs: Redis) -> None:
    world = await make_world(capacity=1)
    hold = (
        await services.hold_bed(world.caseworker_actor, world.category_id, await make_case(world))
    ).hold
    assert await shelter_jobs.expire_hold({}, hold.id) is False  # not yet due
    await _past_deadline(hold.id)

    assert await shelter_jobs.expire_hold({}, hold.id) is True
    assert await shelter_jobs.expire_hold({}, hold.id) is False
    assert await shelter_jobs.sweep_expired_holds({}) == 0
    assert (await category(world.category_id))["free"] == 1
    assert await services.broken_invariants() == []


async def test_an_expired_hold_can_no_longer_be_accepted(jobs: Redis) -> None:
    world = await make_world(capacity=1)
    hold = (
        await services.hold_bed(world.caseworker_actor, world.category_id, await make_case(world))
    ).hold
    await _past_deadline(hold.id)
    with pytest.raises(Conflict):
        await services.accept_hold(world.staff_actor, hold.id)
    assert (await category(world.category_id))["occupied"] == 0


async def test_stale_shelter_is_marked_and_its_staff_reminded_once(
    jobs: Redis, settings: Settings
) -> None:
    started = datetime.now(UTC).replace(microsecond=0)
    long_ago = datetime.now(UTC) - timedelta(hours=25)
    world = await make_world(confirmed_at=long_ago)
    board = await services.board(world.caseworker_actor, services.BoardFilters())
    assert [shelter.stale for shelter in board] == [True]

    assert await shelter_jobs.remind_stale_shelters({"settings": settings}) == 1
    assert await shelter_jobs.remind_stale_shelters({"settings": settings}) == 0
    await run_queued_jobs(settings)
    # The outbox folder is shared by the run: only this test's mails to the staff count.
    reminders = [
        entry
        for entry in list_outbox(settings)
        if entry.to == world.staff.email and entry.date >= started
    ]
    assert len(reminders) == 1
    message = read_outbox(settings, reminders[0].name)
    assert message is not None
    assert ADDRESS not in message.text

    await services.confirm(world.staff_actor, world.category_id)
    board = await services.board(world.caseworker_actor, services.BoardFilters())
    assert [shelter.stale for shelter in board] == [False]
