"""The return programme (issue 14): referral gated by the consent to share with IOM, the
partner's exact and consent-bound reach, the plan's transition tables, departure, follow-ups."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from beneficiaries import services as beneficiaries
from fristad.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from pathways import services
from pathways.returns import TASK_KINDS
from tests.pathways.returns_helpers import (
    accepted_plan,
    make_return_world,
    referral,
    share_iom_consent_id,
)

pytestmark = pytest.mark.usefixtures("db")


async def _finish_before_departure(world, plan_id: int) -> None:  # type: ignore[no-untyped-def]
    plan = await services.get_return_plan(world.return_officer_actor, plan_id)
    for task in plan.tasks:
        if task.stage == "before":
            await services.move_task(world.return_officer_actor, plan_id, task.id, "done")


async def test_a_referral_without_the_consent_to_share_with_iom_is_refused() -> None:
    world = await make_return_world(consent=False)
    with pytest.raises(Conflict, match="consented to sharing with IOM"):
        await services.refer_to_return(world.caseworker_actor, referral(world))
    assert await services.list_return_plans(world.return_officer_actor) == []


async def test_a_referral_needs_the_need_to_return_home() -> None:
    world = await make_return_world(needs=["shelter"])
    with pytest.raises(Conflict, match="support to return home"):
        await services.refer_to_return(world.caseworker_actor, referral(world))


async def test_the_return_officer_accepts_and_brings_in_iom_who_sees_exactly_the_minimal_profile_and_plan() -> (  # noqa: E501
    None
):
    world = await make_return_world()
    plan = await services.refer_to_return(world.caseworker_actor, referral(world))
    assert plan.state == "referred"
    # Before the partner is brought in, IOM cannot see it.
    with pytest.raises(NotFound):
        await services.get_return_plan(world.iom_actor, plan.id)
    accepted = await services.accept_referral(world.return_officer_actor, plan.id, world.iom_id)
    assert accepted.state == "accepted"
    assert {task.kind for task in accepted.tasks} == set(TASK_KINDS)
    seen = await services.get_return_plan(world.iom_actor, plan.id)
    payload = msgspec.to_builtins(seen)
    # Exactly the minimal profile: no identity, no gap, no notes, no citizenship or history.
    assert set(payload["profile"]) == {
        "beneficiary_id",
        "code",
        "gender",
        "age_band",
        "is_minor",
        "children_count",
        "children_ages",
        "languages",
        "shelter_requirements",
        "protected_identity",
    }
    assert "gap" not in str(payload)
    assert "Ingen kommun" not in str(payload)
    assert [row.id for row in await services.list_return_plans(world.iom_actor)] == [plan.id]
    # IOM still cannot read the case itself (its role has no access to cases at all).
    with pytest.raises(PermissionDenied):
        await beneficiaries.get_beneficiary(world.iom_actor, world.beneficiary_id)


async def test_after_the_consent_is_withdrawn_iom_gets_404_and_the_plan_says_it_stopped() -> None:
    world = await make_return_world()
    plan_id = await accepted_plan(world)
    await services.get_return_plan(world.iom_actor, plan_id)
    await beneficiaries.withdraw_consent(
        world.caseworker_actor, world.beneficiary_id, await share_iom_consent_id(world)
    )
    with pytest.raises(NotFound):
        await services.get_return_plan(world.iom_actor, plan_id)
    assert await services.list_return_plans(world.iom_actor) == []
    task = (await services.get_return_plan(world.caseworker_actor, plan_id)).tasks[0]
    with pytest.raises(NotFound):
        await services.move_task(world.iom_actor, plan_id, task.id, "done")
    stopped = await services.get_return_plan(world.caseworker_actor, plan_id)
    assert stopped.state == "stopped"
    assert stopped.stopped_at is not None
    assert all(not task.actions for task in stopped.tasks)


async def test_another_organisations_caseworker_and_a_plain_officer_do_not_reach_the_plan() -> None:
    from accounts.domain import Role
    from tests.accounts.helpers import make_org, make_user
    from tests.beneficiaries.helpers import actor_of

    world = await make_return_world()
    plan_id = await accepted_plan(world)
    other_ngo = await make_org("Annan förening", "802472077")
    other = await actor_of(
        (await make_user("o@annan.example", organisation_id=other_ngo, role=Role.CASEWORKER)).id
    )
    with pytest.raises(NotFound):
        await services.get_return_plan(other, plan_id)
    officer = await actor_of(
        (await make_user("k@lst.example", organisation_id=world.authority_id, role=Role.OFFICER)).id
    )
    with pytest.raises(PermissionDenied):
        await services.get_return_plan(officer, plan_id)


async def test_tasks_move_by_the_table_and_departure_waits_for_the_tasks_before_it() -> None:
    world = await make_return_world()
    plan_id = await accepted_plan(world)
    plan = await services.get_return_plan(world.iom_actor, plan_id)
    document = next(task for task in plan.tasks if task.kind == "travel_document")
    escort = next(task for task in plan.tasks if task.kind == "escort")
    # IOM owns the travel document, the referring NGO the escort.
    assert document.actions == ["start", "done", "not_needed"]
    assert escort.actions == []
    with pytest.raises(PermissionDenied):
        await services.move_task(world.iom_actor, plan_id, escort.id, "done")
    await services.move_task(world.iom_actor, plan_id, document.id, "start")
    with pytest.raises(Conflict):
        await services.move_task(world.iom_actor, plan_id, document.id, "start")
    with pytest.raises(Conflict, match="Before departure, still open"):
        await services.record_departure(world.iom_actor, plan_id)
    # Support after arrival cannot be moved before departure.
    follow_up = next(task for task in plan.tasks if task.kind == "follow_up_1")
    with pytest.raises(PermissionDenied):
        await services.move_task(world.iom_actor, plan_id, follow_up.id, "done", outcome="settled")


async def test_departure_sets_the_case_returned_and_iom_records_the_12_month_follow_up() -> None:
    world = await make_return_world()
    plan_id = await accepted_plan(world)
    await _finish_before_departure(world, plan_id)
    departed = await services.record_departure(world.iom_actor, plan_id)
    assert departed.state == "departed"
    case = await beneficiaries.get_beneficiary(world.caseworker_actor, world.beneficiary_id)
    assert case.record.status == "returned"
    last = next(task for task in departed.tasks if task.kind == "follow_up_12")
    assert last.due_on is not None
    assert last.due_on > dt.date.today() + dt.timedelta(days=360)
    # The return officer coordinates but the follow-ups are IOM's to record.
    with pytest.raises(PermissionDenied):
        await services.move_task(
            world.return_officer_actor, plan_id, last.id, "done", outcome="settled"
        )
    with pytest.raises(InvalidInput) as refused:
        await services.move_task(world.iom_actor, plan_id, last.id, "done")
    assert refused.value.errors == {"outcome": "Choose how the person is doing."}
    done = await services.move_task(world.iom_actor, plan_id, last.id, "done", outcome="settled")
    assert next(task for task in done.tasks if task.kind == "follow_up_12").outcome == "settled"
    assert done.state == "completed"


async def test_returns_are_counted_per_country() -> None:
    world = await make_return_world()
    plan_id = await accepted_plan(world)
    await _finish_before_departure(world, plan_id)
    today = dt.date.today()
    assert await services.returns_by_country(today, today) == {}
    await services.record_departure(world.iom_actor, plan_id)
    assert await services.returns_by_country(today, today) == {"RO": 1}
    yesterday = today - dt.timedelta(days=1)
    assert await services.returns_by_country(yesterday, yesterday) == {}


async def test_a_second_referral_of_the_same_person_is_refused() -> None:
    world = await make_return_world()
    await services.refer_to_return(world.caseworker_actor, referral(world))
    with pytest.raises(Conflict, match="already"):
        await services.refer_to_return(world.caseworker_actor, referral(world))


async def test_the_consent_records_the_language_used_and_the_interpreter() -> None:
    from beneficiaries.schemas import ConsentForm

    world = await make_return_world(consent=False)
    await beneficiaries.record_consent(
        world.caseworker_actor,
        world.beneficiary_id,
        ConsentForm(scope="share_iom", language="ro", interpreter_present=True),
    )
    [entry] = await beneficiaries.consents_of(world.caseworker_actor, world.beneficiary_id)
    assert (entry.language, entry.interpreter_present) == ("ro", True)
    with pytest.raises(InvalidInput):
        await beneficiaries.record_consent(
            world.caseworker_actor,
            world.beneficiary_id,
            ConsentForm(scope="share_iom", language="xx-nope"),
        )
    plan = await services.refer_to_return(world.caseworker_actor, referral(world))
    assert (plan.language, plan.interpreter_present) == ("ro", True)
