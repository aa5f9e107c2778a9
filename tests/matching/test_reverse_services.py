"""Reverse matching for services: when a service's capacity rises, the caseworkers of the open
cases it fits are told, under the same service rules as help now, the most urgent first, at most
ALERTS_PER_SERVICE per rise, and never twice about one rise however many runs go at once."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from beneficiaries.tables import Beneficiary
from fristad import i18n
from fristad.mail import list_outbox, read_outbox
from fristad.settings import Settings
from matching import services as matching
from matching.tables import ServiceAlert
from providers import services as providers
from tests.accounts.helpers import sign_in
from tests.providers.helpers import World, make_case, make_world
from tests.shelters.helpers import run_due_jobs

MINOR = date.today().year - 16


async def _raise(world: World, available: int = 20, maximum: int = 40) -> None:
    """The provider's staff give the service room: a rise in its capacity history."""
    await providers.set_capacity(
        world.staff_actor, world.service_id, available=available, maximum=maximum
    )


async def _alerts() -> list[dict[str, Any]]:
    return await ServiceAlert.select(
        ServiceAlert.event,
        ServiceAlert.service,
        ServiceAlert.beneficiary,
        ServiceAlert.user,
        ServiceAlert.consent_needed,
    ).order_by(ServiceAlert.id)


# (what differs in the service, in the case, whether the case consents to the provider, how
# much the provider frees, and what happens: "told", "consent_needed" (told, with the word to
# ask for consent first) or None (not told)). The world's service is legal aid in Stockholm and
# Öst, in Swedish, English and Romanian, for adults, capacity in hours; the case a Romanian-
# speaking adult woman in Stockholm who needs legal aid.
CASES: list[tuple[str, dict[str, Any], dict[str, Any], bool, int, str | None]] = [
    ("fits", {}, {}, True, 20, "told"),
    ("no consent to the provider", {}, {}, False, 20, "consent_needed"),
    ("language", {"languages": ["th"]}, {}, True, 20, None),
    (
        "interpreter bridges to Swedish",
        {"languages": ["sv"]},
        {"languages": ["ro"], "interpreter_language": "ro"},
        True,
        20,
        "told",
    ),
    ("region", {}, {"region": "syd", "municipality": "1280"}, True, 20, None),
    (
        "remote",
        {"regions": [], "remote": True},
        {"region": "syd", "municipality": "1280"},
        True,
        20,
        "told",
    ),
    ("minor", {}, {"birth_year": MINOR}, True, 20, None),
    ("minor taken", {"takes_minors": True}, {"birth_year": MINOR}, True, 20, "told"),
    ("age unknown", {}, {"birth_year": None}, True, 20, None),
    ("target group", {"target_groups": ["men"]}, {}, True, 20, None),
    (
        "target group families",
        {"target_groups": ["families"]},
        {"children_count": 1, "children_ages": [4]},
        True,
        20,
        "told",
    ),
    # The case records no legal matter: which matter a reservation is for is asked when it is
    # made, so a legal-aid service taking other matters still fits the need (as in help now).
    ("matter", {"matters": ["damages_claim"]}, {}, True, 20, "told"),
    ("need", {}, {"needs": ["rehabilitation"]}, True, 20, None),
    # The rules estimate ten hours for a reservation (as help now): five are not enough.
    ("too few hours freed", {}, {}, True, 5, None),
    ("closed to minors, no consent", {}, {"birth_year": MINOR}, False, 20, None),
]


@pytest.mark.parametrize(
    ("service", "case", "consent", "freed", "expected"),
    [row[1:] for row in CASES],
    ids=[row[0] for row in CASES],
)
async def test_which_cases_a_rise_of_capacity_is_told_to(
    jobs: Redis,
    settings: Settings,
    service: dict[str, Any],
    case: dict[str, Any],
    consent: bool,
    freed: int,
    expected: str | None,
) -> None:
    world = await make_world(available=0, **service)
    beneficiary_id = await make_case(world, consent=consent, **case)
    assert await matching.match_freed_services(settings) == 0  # nothing has room yet

    await _raise(world, available=freed)
    told = await matching.match_freed_services(settings)

    alerts = await _alerts()
    if expected is None:
        assert (told, alerts) == (0, [])
        return
    assert told == 1
    [alert] = alerts
    assert (alert["beneficiary"], alert["service"], alert["user"]) == (
        beneficiary_id,
        world.service_id,
        world.caseworker.id,
    )
    assert alert["consent_needed"] is (expected == "consent_needed")


async def test_a_unit_given_back_is_told_and_capacity_taken_again_before_the_run_is_not(
    jobs: Redis, settings: Settings
) -> None:
    world = await make_world(available=10, maximum=10)
    # The holder needs no legal aid (any more): only the case waiting for it is told.
    holder = await make_case(world, needs=["shelter"])
    waiting = await make_case(world)
    made = await providers.reserve_service(
        world.caseworker_actor, world.service_id, holder, units=10
    )
    assert await matching.match_freed_services(settings) == 0

    await providers.release_reservation(world.caseworker_actor, made.reservation.id)
    assert await matching.match_freed_services(settings) == 1
    assert [alert["beneficiary"] for alert in await _alerts()] == [waiting]

    # Freed and taken again before the job ran: no news for anyone.
    await ServiceAlert.delete(force=True)
    again = await providers.reserve_service(
        world.caseworker_actor, world.service_id, waiting, units=10
    )
    await providers.decline_reservation(world.staff_actor, again.reservation.id, "other")
    await providers.reserve_service(world.caseworker_actor, world.service_id, holder, units=10)
    assert await matching.match_freed_services(settings) == 0
    assert await _alerts() == []


async def test_the_person_just_turned_down_and_one_already_served_are_not_told_of_the_service(
    jobs: Redis, settings: Settings
) -> None:
    world = await make_world(available=30, maximum=30)
    served, turned_down, other = [await make_case(world) for _ in range(3)]
    accepted = await providers.reserve_service(
        world.caseworker_actor, world.service_id, served, units=10
    )
    await providers.accept_reservation(world.staff_actor, accepted.reservation.id)
    declined = await providers.reserve_service(
        world.caseworker_actor, world.service_id, turned_down, units=10
    )
    await matching.match_freed_services(settings)  # the service's creation, told already
    await ServiceAlert.delete(force=True)

    # The units the provider gives back by turning the person down are news for the others.
    await providers.decline_reservation(world.staff_actor, declined.reservation.id, "other")
    assert await matching.match_freed_services(settings) == 1
    assert [alert["beneficiary"] for alert in await _alerts()] == [other]


async def test_one_rise_is_told_to_the_ten_most_urgent_minors_and_protected_first(
    jobs: Redis, settings: Settings
) -> None:
    world = await make_world(available=0, takes_minors=True)
    adults = [await make_case(world) for _ in range(10)]  # the first waited longest
    protected = await make_case(world, protected_identity="protected_registration")
    minor = await make_case(world, birth_year=MINOR)
    assert await matching.match_freed_services(settings) == 0

    await _raise(world)
    assert await matching.match_freed_services(settings) == matching.ALERTS_PER_SERVICE == 10
    assert await matching.match_freed_services(settings) == 0  # the job run twice tells once

    told = [alert["beneficiary"] for alert in await _alerts()]
    assert told == [minor, protected, *adults[:8]]

    # Freed again within the hold window: the cases told already are not told again.
    await _raise(world, available=0)
    await _raise(world)
    assert await matching.match_freed_services(settings) == 2
    assert [alert["beneficiary"] for alert in await _alerts()][10:] == adults[8:]


async def test_runs_at_the_same_time_tell_each_case_once_and_no_rise_more_than_the_cap(
    jobs: Redis, settings: Settings
) -> None:
    world = await make_world(available=0)
    cases = [await make_case(world) for _ in range(14)]
    assert await matching.match_freed_services(settings) == 0
    await _raise(world)  # the first rise, for ten of them
    await _raise(world, available=0)
    await _raise(world)  # the second, for the four left

    told = await asyncio.gather(*(matching.match_freed_services(settings) for _ in range(8)))
    again = await asyncio.gather(
        *(
            matching.alert_for_service_event(rise.event_id, world.service_id, settings)
            for rise in await providers.capacity_rises(after=0, limit=10)
            for _ in range(4)
        )
    )

    alerts = await _alerts()
    assert sum(told) == len(alerts) == 14
    assert sum(again) == 0
    assert sorted(alert["beneficiary"] for alert in alerts) == sorted(cases)
    by_event: dict[int, int] = {}
    for alert in alerts:
        by_event[alert["event"]] = by_event.get(alert["event"], 0) + 1
    assert sorted(by_event.values()) == [4, matching.ALERTS_PER_SERVICE]


async def test_the_caseworker_is_mailed_without_personal_data_and_told_to_ask_for_consent(
    jobs: Redis, settings: Settings
) -> None:
    world = await make_world(available=0)
    await make_case(world, consent=False)
    assert await matching.match_freed_services(settings) == 0
    await _raise(world)
    assert await matching.match_freed_services(settings) == 1

    await run_due_jobs(settings, jobs)
    subjects, asks = set(), set()
    for locale in ("sv", "en"):
        with i18n.language(locale):
            subjects.add(i18n.gettext("A service has room"))
            asks.add(
                i18n.gettext(
                    "The person has not yet consented to sharing with its provider: ask them first."
                )
            )
    [mail_entry] = [entry for entry in list_outbox(settings) if entry.subject in subjects]
    assert mail_entry.to == world.caseworker.email
    mail = read_outbox(settings, mail_entry.name)
    assert mail is not None
    assert any(ask in mail.text for ask in asks)
    codes = [row["code"] for row in await Beneficiary.select(Beneficiary.code)]
    assert not any(code in mail.text for code in codes)


@pytest.mark.parametrize(
    ("locale", "room", "ask"),
    [
        ("en", "has room again and fits", "must first consent to sharing with this provider"),
        (
            "sv",
            "har plats igen och passar",
            "måste först samtycka till delning med den här leverantören",
        ),
    ],
)
async def test_help_now_shows_the_service_alert_with_a_link_and_the_consent_it_needs(
    client: AsyncTestClient[Litestar],
    jobs: Redis,
    settings: Settings,
    locale: str,
    room: str,
    ask: str,
) -> None:
    world = await make_world(available=0)
    consented = await make_case(world)
    not_yet = await make_case(world, consent=False)
    assert await matching.match_freed_services(settings) == 0
    await _raise(world)
    assert await matching.match_freed_services(settings) == 2
    await sign_in(client, world.caseworker)
    client.cookies.set(i18n.LOCALE_COOKIE, locale)

    for beneficiary_id, needs_consent in ((consented, False), (not_yet, True)):
        panel = f"/beneficiaries/{beneficiary_id}/help-now/"
        shown = await client.get(panel)
        assert shown.status_code == 200, shown.text
        assert room in shown.text
        assert "Migrationsöverklaganden (Advokatbyrån Lind)" in shown.text
        assert f'href="/beneficiaries/{beneficiary_id}/help-now/#s-need-legal_aid"' in shown.text
        assert (ask in shown.text) is needs_consent
