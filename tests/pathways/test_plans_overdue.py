"""Overdue case-plan actions notify their owner in the app and by e-mail, once per lapse and
without personal data: the cron job run twice tells once; a new due day lapses anew."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from redis.asyncio import Redis

from fristad.mail import list_outbox, read_outbox
from fristad.settings import Settings
from pathways import plan_jobs, services
from pathways.services import plan_overdue
from pathways.tables import CasePlanAction, CasePlanNotice
from tests.jobs import run_queued_jobs
from tests.pathways.plans_helpers import make_case, make_plan_world

YESTERDAY = date.today() - timedelta(days=1)


def overdue_mails(settings: Settings, email: str) -> list[str]:
    return [
        entry.name
        for entry in list_outbox(settings, limit=500)
        # The recipients' language is Swedish (the mail is in theirs, not the test's).
        if entry.to == email and "Försenat i en ärendeplan" in entry.subject
    ]


async def test_an_overdue_action_is_told_to_its_owner_once_per_lapse(
    jobs: Redis, settings: Settings
) -> None:
    world = await make_plan_world()
    case = await make_case(world, shared=True)
    plan = await services.seed_case_plan(world.caseworker, case, "adult_sexual_exploitation")
    healthcare = next(action for action in plan.actions if action.code == "healthcare")
    counsel = next(action for action in plan.actions if action.code == "victims_counsel")
    await services.change_action(
        world.caseworker,
        healthcare.id,
        services.ActionChange(due_on=YESTERDAY, owner=f"org:{world.other_ngo_id}"),
    )
    # The prosecutor is not in Fristad: the case's own organisation follows it up.
    await services.change_action(
        world.caseworker, counsel.id, services.ActionChange(due_on=YESTERDAY)
    )
    before = len(overdue_mails(settings, world.coordinator_user.email))

    ctx = {"settings": settings}
    assert await plan_jobs.notify_overdue_actions(ctx) == 2
    assert await plan_jobs.notify_overdue_actions(ctx) == 0
    await run_queued_jobs(settings)

    assert await CasePlanNotice.count() == 2
    mails = overdue_mails(settings, world.coordinator_user.email)
    assert len(mails) == before + 1
    message = read_outbox(settings, mails[0])
    assert message is not None
    assert "Hälso- och sjukvård bokad" in message.text
    assert plan.code not in message.text
    assert len(overdue_mails(settings, world.caseworker_user.email)) >= 1

    told_coordinator = await services.plan_notices(world.coordinator)
    assert [(n.action_code, n.beneficiary_code) for n in told_coordinator] == [
        ("healthcare", plan.code)
    ]
    assert [n.action_code for n in await services.plan_notices(world.caseworker)] == [
        "victims_counsel"
    ]

    # Done: the notice is gone from the list. A new due day that passes again is a new lapse.
    await services.change_action(world.coordinator, healthcare.id, services.ActionChange("done"))
    assert await services.plan_notices(world.coordinator) == []
    await services.change_action(
        world.coordinator,
        counsel.id,
        services.ActionChange(due_on=YESTERDAY - timedelta(days=1)),
    )
    assert await plan_jobs.notify_overdue_actions(ctx) == 1
    assert await plan_jobs.notify_overdue_actions(ctx) == 0


async def test_nothing_is_told_before_the_due_day_has_passed(
    jobs: Redis, settings: Settings
) -> None:
    world = await make_plan_world()
    case = await make_case(world)
    await services.seed_case_plan(world.caseworker, case, "return")
    await CasePlanAction.update({CasePlanAction.due_on: date.today()}).where(
        CasePlanAction.beneficiary == case
    )
    assert await plan_jobs.notify_overdue_actions({"settings": settings}) == 0
    assert await CasePlanNotice.count() == 0


async def test_lapses_told_already_do_not_hide_newer_ones_from_the_next_run(
    jobs: Redis, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job reads the overdue actions in batches by id (a batch of two here)."""
    monkeypatch.setattr(plan_overdue, "BATCH", 2)
    world = await make_plan_world()
    case = await make_case(world)
    plan = await services.seed_case_plan(world.caseworker, case, "adult_sexual_exploitation")
    ids = [action.id for action in plan.actions]
    await CasePlanAction.update({CasePlanAction.due_on: YESTERDAY}).where(
        CasePlanAction.id.is_in(ids[:3])
    )
    assert await plan_jobs.notify_overdue_actions({"settings": settings}) == 3
    await CasePlanAction.update({CasePlanAction.due_on: YESTERDAY}).where(
        CasePlanAction.id == ids[-1]
    )
    assert await plan_jobs.notify_overdue_actions({"settings": settings}) == 1
    assert await CasePlanNotice.count() == 4
