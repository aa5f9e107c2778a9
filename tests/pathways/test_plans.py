"""Case plans: templates seed the manual's steps, actions move by the transition table, only
the organisations on the case reach the plan, and a minor's registration starts the child's
path (social services, the guardian encrypted, who consented)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from redis.asyncio import Redis

from beneficiaries import services as beneficiaries
from fristad.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from pathways import plans, services
from pathways.tables import CasePlanAction, MinorPath
from tests.pathways.plans_helpers import CHILD_BORN, make_case, make_plan_world


def codes_of(plan: services.CasePlan) -> set[str]:
    return {action.code for action in plan.actions}


async def test_a_minors_registration_creates_the_minor_actions(db: None) -> None:
    world = await make_plan_world()
    girl = await make_case(world, birth_year=CHILD_BORN, shelter_requirements=[])
    plan = await services.case_plan(world.caseworker, girl)
    assert codes_of(plan) == {step.code for step in plans.TEMPLATES["minor"]}
    assert plan.minor_path is not None
    assert plan.minor_path.social_services_notified_at is None
    assert all(action.state == "open" for action in plan.actions)
    by_code = {action.code: action for action in plan.actions}
    assert by_code["guardian_appointed"].owner_authority == "chief_guardian"
    assert by_code["social_services_notified"].owner_organisation_id == world.ngo_id


async def test_someone_of_unknown_age_gets_the_childs_path_and_an_adult_none(db: None) -> None:
    world = await make_plan_world()
    unknown = await make_case(world, birth_year=None)
    adult = await make_case(world)
    assert (await services.case_plan(world.caseworker, unknown)).minor_path is not None
    adult_plan = await services.case_plan(world.caseworker, adult)
    assert adult_plan.minor_path is None
    assert adult_plan.actions == ()


async def test_a_template_seeds_the_manuals_steps_once(db: None) -> None:
    world = await make_plan_world()
    case = await make_case(world, exploitation_types=["forced_labour"])
    plan = await services.seed_case_plan(world.caseworker, case, "forced_labour")
    assert {"reflection_period", "victims_counsel", "interpreter", "labour_claims"} <= codes_of(
        plan
    )
    again = await services.seed_case_plan(world.caseworker, case, "adult_sexual_exploitation")
    assert len(again.actions) == len(plan.actions)  # every adult step is on the plan already
    assert await CasePlanAction.count() == len(plan.actions)
    by_code = {action.code: action for action in plan.actions}
    assert by_code["reflection_period"].owner_authority == "prosecutor"
    assert by_code["reflection_period"].due_on == date.today() + timedelta(days=7)
    with pytest.raises(InvalidInput):
        await services.seed_case_plan(world.caseworker, case, "holiday")


async def test_actions_move_only_by_the_transition_table(db: None) -> None:
    world = await make_plan_world()
    case = await make_case(world)
    plan = await services.seed_case_plan(world.caseworker, case, "adult_sexual_exploitation")
    action = next(a for a in plan.actions if a.code == "healthcare")
    done = await services.change_action(
        world.caseworker, action.id, services.ActionChange(state="done", outcome="booked")
    )
    assert (done.state, done.outcome) == ("done", "booked")
    assert done.next_states == plans.TRANSITIONS["done"]
    with pytest.raises(Conflict):
        await services.change_action(
            world.caseworker, action.id, services.ActionChange(state="not_applicable")
        )
    with pytest.raises(InvalidInput):
        await services.change_action(
            world.caseworker, action.id, services.ActionChange(outcome="a free text")
        )
    with pytest.raises(InvalidInput):  # an organisation not on the case cannot own an action
        await services.change_action(
            world.caseworker,
            action.id,
            services.ActionChange(owner=f"org:{world.stranger.organisation_id}"),
        )
    moved = await services.change_action(
        world.caseworker, action.id, services.ActionChange(owner="authority:healthcare_region")
    )
    assert (moved.owner_authority, moved.owner_organisation_id) == ("healthcare_region", None)


async def test_the_organisations_on_the_case_share_the_plan_and_no_one_else(db: None) -> None:
    world = await make_plan_world()
    case = await make_case(world, shared=True)
    await services.seed_case_plan(world.caseworker, case, "return")
    shared_view = await services.case_plan(world.coordinator, case)
    assert {name for _id, name in shared_view.organisations} == {
        "Stiftelsen Trygg Hamn",
        "Bergslagens kvinnojour",
    }
    action = shared_view.actions[0]
    await services.change_action(
        world.coordinator, action.id, services.ActionChange(owner=f"org:{world.other_ngo_id}")
    )
    with pytest.raises(NotFound):
        await services.case_plan(world.stranger, case)
    with pytest.raises(NotFound):
        await services.change_action(world.stranger, action.id, services.ActionChange("done"))
    with pytest.raises(NotFound):
        await services.seed_case_plan(world.stranger, case, "minor")


async def test_the_childs_path_records_social_services_the_guardian_and_the_consent(
    db: None,
) -> None:
    world = await make_plan_world()
    girl = await make_case(world, birth_year=CHILD_BORN, shared=True, shelter_requirements=[])
    with pytest.raises(Conflict):  # consent with the guardian needs the guardian first
        await services.record_guardian_consent(world.caseworker, girl, "child_with_guardian")
    with pytest.raises(InvalidInput):
        await services.record_social_services(world.caseworker, girl, "1880", date.today())
    await services.record_social_services(world.caseworker, girl, "0180", date.today())
    with pytest.raises(PermissionDenied):  # the contact is the owner's to record and see
        await services.record_guardian(world.coordinator, girl, "Anna Berg", "070-123 45 67")
    await services.record_guardian(world.caseworker, girl, "Anna Berg", "070-123 45 67")
    plan = await services.record_guardian_consent(world.caseworker, girl, "child_with_guardian")

    path = plan.minor_path
    assert path is not None
    assert path.social_services_municipality == "0180"
    assert path.social_services_notified_at is not None
    assert path.social_services_notified_by == "Lina"
    assert (path.guardian_name, path.guardian_contact) == ("Anna Berg", "070-123 45 67")
    assert path.consent_given_by == "child_with_guardian"
    states = {action.code: action.state for action in plan.actions}
    assert states["social_services_notified"] == "done"
    assert states["guardian_appointed"] == "done"
    assert states["guardian_consent"] == "done"
    stored = await MinorPath.select(MinorPath.guardian_encrypted).first()
    assert stored is not None
    assert "Anna" not in stored["guardian_encrypted"]
    seen_by_coordinator = (await services.case_plan(world.coordinator, girl)).minor_path
    assert seen_by_coordinator is not None
    assert seen_by_coordinator.has_guardian
    assert seen_by_coordinator.guardian_name is None
    assert seen_by_coordinator.guardian_contact is None


async def test_erasing_the_person_erases_the_guardian_too(db: None) -> None:
    world = await make_plan_world()
    girl = await make_case(world, birth_year=CHILD_BORN, shared=True, shelter_requirements=[])
    await services.record_guardian(world.caseworker, girl, "Anna Berg", "070-123 45 67")
    await beneficiaries.erase(world.caseworker, girl)
    stored = await MinorPath.select(MinorPath.guardian_encrypted).first()
    assert stored is not None
    assert stored["guardian_encrypted"] is None
    path = (await services.case_plan(world.caseworker, girl)).minor_path
    assert path is not None
    assert not path.has_guardian


async def test_an_adults_bed_is_refused_for_a_minor_registered_with_the_childs_path(
    jobs: Redis,
) -> None:
    """Matching's minors rule already guards the hold; the child's path does not change it."""
    from dataclasses import replace

    from shelters import services as shelters
    from shelters.tables import Hold
    from tests.matching.helpers import category_for, make_world, person_for
    from tests.matching.test_domain import OFFER, WOMAN

    world = await make_world()
    girl = await person_for(world, replace(WOMAN, is_minor=True))
    assert await MinorPath.count() == 1
    adults = await category_for(world, OFFER)
    with pytest.raises(Conflict) as refused:
        await shelters.hold_bed(world.caseworker, adults, girl)
    assert "minor" in refused.value.message
    assert await Hold.count() == 0
