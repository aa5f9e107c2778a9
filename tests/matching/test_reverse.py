"""Reverse matching: a freed bed is offered to the caseworkers of the open cases it fits."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from redis.asyncio import Redis

from accounts.domain import Role
from beneficiaries.tables import Beneficiary
from fristad import i18n
from fristad.mail import list_outbox, read_outbox
from fristad.settings import Settings
from matching import services
from matching.services.reverse import ALERTS_PER_BED
from matching.tables import BedAlert
from shelters import services as shelters
from tests.accounts.helpers import make_user
from tests.beneficiaries.helpers import actor_of
from tests.matching.helpers import category_for, make_world, person_for
from tests.matching.test_domain import OFFER, WOMAN
from tests.shelters.helpers import run_due_jobs


async def test_a_discharge_tells_the_caseworkers_of_fitting_cases_once_minors_first(
    jobs: Redis, settings: Settings
) -> None:
    world = await make_world()
    colleague = await make_user(
        "sara@trygghamn.example", organisation_id=world.ngo_id, role=Role.CASEWORKER
    )
    colleague_actor = await actor_of(colleague.id)
    minors = await category_for(
        world, replace(OFFER, target_groups=frozenset({"minors", "women"}), free=1)
    )
    # She moves on when she leaves, and needs legal aid only: no bed to wait for.
    resident = await person_for(world, replace(WOMAN, is_minor=True), needs=["legal_aid"])
    held = await shelters.hold_bed(world.caseworker, minors, resident)
    await shelters.accept_hold(world.staff, held.hold.id)

    adult_world = replace(world, caseworker=colleague_actor)
    adult = await person_for(adult_world, WOMAN)  # does not fit a minors' place
    girl = await person_for(adult_world, replace(WOMAN, is_minor=True))
    boy = await person_for(world, replace(WOMAN, gender="man", is_minor=True))
    no_consent = await person_for(world, replace(WOMAN, is_minor=True, consents_to_shelter=False))

    assert await services.match_freed_beds(settings) == 0  # nothing freed yet
    placement_id = await shelters.placement_of_hold(held.hold.id)
    await shelters.discharge(world.staff, placement_id, "moved_on")

    assert await services.match_freed_beds(settings) == 2
    assert await services.match_freed_beds(settings) == 0  # the job run twice tells once
    alerts = await BedAlert.select(BedAlert.beneficiary, BedAlert.user).order_by(BedAlert.id)
    assert [row["beneficiary"] for row in alerts] == [girl, boy]
    assert adult not in {row["beneficiary"] for row in alerts}
    assert no_consent not in {row["beneficiary"] for row in alerts}

    await run_due_jobs(settings, jobs)
    subjects = set()
    for locale in ("sv", "en"):
        with i18n.language(locale):
            subjects.add(i18n.gettext("A bed is free"))
    told = [entry for entry in list_outbox(settings) if entry.subject in subjects]
    assert sorted(entry.to for entry in told) == sorted(
        [colleague.email, world.caseworker_user.email]
    )
    codes = [row["code"] for row in await Beneficiary.select(Beneficiary.code)]
    for entry in told:
        mail = read_outbox(settings, entry.name)
        assert mail is not None
        assert not any(code in mail.text for code in codes)


async def test_one_freed_bed_is_offered_to_the_ten_most_urgent_cases(
    jobs: Redis, settings: Settings
) -> None:
    world = await make_world()
    waiting = [await person_for(world, WOMAN) for _ in range(12)]  # the first waited longest
    category_id = await category_for(world, OFFER)
    assert len(await services.fitting_cases(category_id, settings)) == 12
    assert await services.alert_for_event(10**6, category_id, settings) == 10
    alerted = [row["beneficiary"] for row in await BedAlert.select(BedAlert.beneficiary)]
    assert sorted(alerted) == sorted(waiting[:10])


async def test_runs_at_the_same_time_tell_one_freed_bed_to_ten_cases_once_each(
    jobs: Redis, settings: Settings
) -> None:
    world = await make_world()
    waiting = [await person_for(world, WOMAN) for _ in range(14)]
    category_id = await category_for(world, OFFER)

    told = await asyncio.gather(
        *(services.alert_for_event(10**6, category_id, settings) for _ in range(8))
    )

    alerted = [row["beneficiary"] for row in await BedAlert.select(BedAlert.beneficiary)]
    assert sum(told) == len(alerted) == ALERTS_PER_BED
    assert sorted(alerted) == sorted(waiting[:10])
