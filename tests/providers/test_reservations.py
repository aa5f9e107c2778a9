"""Reservations of a service's capacity without double booking, on SQLite and PostgreSQL, under
real concurrency; the provider's answers, release and expiry."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis

from accounts.tables import AuditEvent
from fristad.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from providers import services
from providers.tables import Reservation
from tests.providers.helpers import make_case, make_world, service_numbers


async def test_fifty_simultaneous_reservations_of_the_last_unit_give_one_and_49_refusals(
    jobs: Redis,
) -> None:
    world = await make_world(capacity_unit="cases", price_unit="case", maximum=3, available=1)
    cases = [await make_case(world) for _ in range(50)]

    results = await asyncio.gather(
        *(
            services.reserve_service(world.caseworker_actor, world.service_id, case)
            for case in cases
        ),
        return_exceptions=True,
    )

    made = [result for result in results if isinstance(result, services.ReservationResult)]
    refusals = [result for result in results if isinstance(result, services.NoCapacity)]
    others = [
        r for r in results if not isinstance(r, services.ReservationResult | services.NoCapacity)
    ]
    assert len(made) == 1, others[:3]
    assert len(refusals) == 49, others[:3]
    assert all("Nothing is left" in refusal.message for refusal in refusals)
    assert await service_numbers(world.service_id) == (0, 1, 3)
    assert await Reservation.count() == 1
    assert await services.broken_invariants() == []


async def test_fifty_simultaneous_reservations_of_the_last_hours_leave_no_negative_capacity(
    jobs: Redis,
) -> None:
    world = await make_world(maximum=40, available=10)
    cases = [await make_case(world) for _ in range(50)]

    results = await asyncio.gather(
        *(
            services.reserve_service(world.caseworker_actor, world.service_id, case, units=4)
            for case in cases
        ),
        return_exceptions=True,
    )

    made = [result for result in results if isinstance(result, services.ReservationResult)]
    assert len(made) == 2  # 4 + 4 of 10 hours; the third finds 2 left
    assert sum(isinstance(result, services.NoCapacity) for result in results) == 48
    assert await service_numbers(world.service_id) == (2, 8, 40)
    assert await services.broken_invariants() == []


async def test_two_staff_answering_the_same_reservation_at_once_one_answer_counts(
    jobs: Redis,
) -> None:
    world = await make_world(capacity_unit="cases", price_unit="case", maximum=1)
    case = await make_case(world)
    made = await services.reserve_service(world.caseworker_actor, world.service_id, case)

    results = await asyncio.gather(
        services.accept_reservation(world.staff_actor, made.reservation.id),
        services.decline_reservation(world.staff_actor, made.reservation.id, "no_capacity"),
        return_exceptions=True,
    )

    assert sum(isinstance(result, services.ReservationView) for result in results) == 1
    assert sum(isinstance(result, Conflict) for result in results) == 1
    status = (await Reservation.select(Reservation.status).first() or {})["status"]
    assert status in {"accepted", "declined"}
    # Accepted uses the case; declined gives it back.
    assert await service_numbers(world.service_id) == ((0 if status == "accepted" else 1), 0, 1)
    assert await services.broken_invariants() == []


async def test_a_repeated_request_with_the_same_key_reserves_once(jobs: Redis) -> None:
    world = await make_world()
    case = await make_case(world)

    first, second = await asyncio.gather(
        *(
            services.reserve_service(
                world.caseworker_actor, world.service_id, case, units=5, idempotency_key="k-1"
            )
            for _ in range(2)
        )
    )

    assert first.reservation.id == second.reservation.id
    assert sorted([first.created, second.created]) == [False, True]
    assert await service_numbers(world.service_id) == (35, 5, 40)


async def test_a_second_pending_reservation_of_the_same_service_is_refused(jobs: Redis) -> None:
    world = await make_world()
    case = await make_case(world)
    await services.reserve_service(world.caseworker_actor, world.service_id, case)

    with pytest.raises(Conflict, match="reserved already"):
        await services.reserve_service(world.caseworker_actor, world.service_id, case)
    assert await service_numbers(world.service_id) == (39, 1, 40)


async def test_reservation_needs_consent_to_share_with_that_provider(jobs: Redis) -> None:
    world = await make_world()
    case = await make_case(world, consent=False)

    with pytest.raises(PermissionDenied, match="consented"):
        await services.reserve_service(world.caseworker_actor, world.service_id, case)
    assert await service_numbers(world.service_id) == (40, 0, 40)


@pytest.mark.parametrize(
    ("overrides", "refusal"),
    [
        ({"birth_year": 2012}, "does not take minors"),
        ({"region": "syd", "municipality": "1280"}, "region"),
        ({"languages": ["th"]}, "language"),
    ],
)
async def test_a_service_that_does_not_fit_the_person_is_refused_with_the_rule(
    jobs: Redis, overrides: dict[str, object], refusal: str
) -> None:
    world = await make_world()
    case = await make_case(world, **overrides)

    with pytest.raises(Conflict, match=refusal):
        await services.reserve_service(world.caseworker_actor, world.service_id, case)
    assert await service_numbers(world.service_id) == (40, 0, 40)


async def test_bad_units_and_matters_are_the_forms_errors(jobs: Redis) -> None:
    world = await make_world(capacity_unit="cases", price_unit="case", maximum=3)
    case = await make_case(world)

    with pytest.raises(InvalidInput) as refused:
        await services.reserve_service(
            world.caseworker_actor, world.service_id, case, units=2, matter="organ_trade"
        )
    assert set(refused.value.errors) == {"units", "matter"}


async def test_another_organisations_case_or_reservation_is_out_of_reach(jobs: Redis) -> None:
    from tests.accounts.helpers import make_org, make_user
    from tests.beneficiaries.helpers import actor_of

    world = await make_world()
    case = await make_case(world)
    made = await services.reserve_service(world.caseworker_actor, world.service_id, case)
    other_ngo = await make_org("Annan förening", "556677889")
    stranger = await actor_of(
        (await make_user("kim@annan.example", organisation_id=other_ngo, role="caseworker")).id  # type: ignore[arg-type]
    )

    with pytest.raises(NotFound):
        await services.reserve_service(stranger, world.service_id, case)
    with pytest.raises(NotFound):
        await services.release_reservation(stranger, made.reservation.id)
    with pytest.raises(NotFound):
        await services.accept_reservation(world.caseworker_actor, made.reservation.id)


async def test_the_provider_sees_the_minimal_profile_only_while_consent_holds(
    jobs: Redis,
) -> None:
    from beneficiaries import services as beneficiaries

    world = await make_world()
    case = await make_case(world)
    await services.reserve_service(world.caseworker_actor, world.service_id, case)

    [seen] = await services.reservations_for_provider(world.staff_actor)
    assert seen.profile is not None
    assert sorted(seen.profile.languages) == ["en", "ro"]
    assert not hasattr(seen.profile, "name")
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "beneficiary.minimal_profile_read")
        & (AuditEvent.object_id == str(case))
    )

    [consent] = [
        entry
        for entry in await beneficiaries.consents_of(world.caseworker_actor, case)
        if entry.scope == "share_provider"
    ]
    await beneficiaries.withdraw_consent(world.caseworker_actor, case, consent.id)
    [seen] = await services.reservations_for_provider(world.staff_actor)
    assert seen.profile is None
    assert seen.code is None


async def test_decline_release_and_expiry_give_the_units_back(jobs: Redis) -> None:
    world = await make_world(maximum=40, available=40)
    first, second, third = [await make_case(world) for _ in range(3)]
    declined = await services.reserve_service(
        world.caseworker_actor, world.service_id, first, units=10
    )
    released = await services.reserve_service(
        world.caseworker_actor, world.service_id, second, units=10
    )
    expiring = await services.reserve_service(
        world.caseworker_actor, world.service_id, third, units=10
    )
    assert await service_numbers(world.service_id) == (10, 30, 40)

    await services.decline_reservation(
        world.staff_actor, declined.reservation.id, "conflict_of_interest"
    )
    await services.release_reservation(world.caseworker_actor, released.reservation.id)
    assert await services.expire_reservation(expiring.reservation.id) is False  # not yet due
    await Reservation.update(
        {Reservation.expires_at: datetime.now(UTC) - timedelta(minutes=1)}
    ).where(Reservation.id == expiring.reservation.id)
    assert await services.expire_overdue() == 1
    assert await services.expire_overdue() == 0  # twice changes nothing

    assert await service_numbers(world.service_id) == (40, 0, 40)
    assert await services.broken_invariants() == []
    with pytest.raises(Conflict, match="answered already"):
        await services.accept_reservation(world.staff_actor, declined.reservation.id)


async def test_units_given_back_never_exceed_a_lowered_maximum(jobs: Redis) -> None:
    world = await make_world(maximum=40, available=40)
    case = await make_case(world)
    made = await services.reserve_service(world.caseworker_actor, world.service_id, case, units=10)
    await services.set_capacity(world.staff_actor, world.service_id, available=20, maximum=20)

    await services.release_reservation(world.caseworker_actor, made.reservation.id)

    assert await service_numbers(world.service_id) == (20, 0, 20)
    assert await services.broken_invariants() == []


async def test_capacity_set_from_an_old_version_is_a_conflict(jobs: Redis) -> None:
    world = await make_world()
    [seen] = await services.provider_services(world.staff_actor)
    assert seen.capacity is not None
    case = await make_case(world)
    await services.reserve_service(world.caseworker_actor, world.service_id, case)

    with pytest.raises(Conflict, match="changed meanwhile"):
        await services.set_capacity(
            world.staff_actor,
            world.service_id,
            available=40,
            maximum=40,
            version=seen.capacity.version,
        )
    with pytest.raises(NotFound):
        await services.set_capacity(
            world.caseworker_actor, world.service_id, available=1, maximum=1
        )


async def test_consent_to_share_with_a_provider_names_a_provider(jobs: Redis) -> None:
    from beneficiaries import services as beneficiaries
    from beneficiaries.schemas import ConsentForm

    world = await make_world()
    case = await make_case(world, consent=False)

    for organisation_id in (None, world.ngo_id):
        with pytest.raises(InvalidInput) as refused:
            await beneficiaries.record_consent(
                world.caseworker_actor,
                case,
                ConsentForm(scope="share_provider", organisation_id=organisation_id),
            )
        assert set(refused.value.errors) == {"organisation_id"}
    await beneficiaries.record_consent(
        world.caseworker_actor,
        case,
        ConsentForm(scope="share_provider", organisation_id=world.provider_id),
    )
    assert await beneficiaries.has_valid_consent(case, "share_provider", world.provider_id)
