"""Acting on a service match: the units reserved and a pre-filled support request opened in the
matching budget category, linked; approval and the provider's acceptance confirm it, a refusal
gives the units back, a reservation that ends unused lapses the link (the bed path's twin)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from accounts.domain import Actor, Role
from beneficiaries import services as beneficiaries
from beneficiaries.schemas import ConsentForm
from fristad import i18n
from fristad.errors import Conflict, DomainError
from fristad.settings import Settings
from grants import services as grants
from grants.tables import CostLine, LedgerEntry, SupportRequest
from matching import services
from matching.tables import ServiceFundingLink, UnmetDemand
from providers import services as providers
from providers.tables import Reservation
from tests.accounts.helpers import make_org, make_user, post_form, sign_in
from tests.beneficiaries.helpers import actor_of, make_beneficiary
from tests.matching.helpers import World, make_world
from tests.providers.helpers import LAW_FIRM, service_numbers

REHABILITATION = replace(
    LAW_FIRM,
    name="Ettårigt rehabiliteringsprogram",
    kind="rehabilitation",
    matters=[],
    residential=True,
    length_months=12,
    price=45_000_000,
    price_unit="place",
    capacity_unit="places",
    maximum=2,
)


@dataclass
class Services:
    world: World
    provider_id: int
    staff: Actor
    law_firm: int
    rehabilitation: int


async def make_services(**law_firm: object) -> Services:
    """Matching's world (an NGO, an officer, a programme with a legal aid budget but no
    rehabilitation budget) and a law firm with a legal aid and a rehabilitation service."""
    world = await make_world()
    provider_id = await make_org("Advokatbyrån Lind", "556677889", ngo=False, provider=True)
    staff = await make_user(
        "juno@advokatbyran-lind.example", organisation_id=provider_id, role=Role.PROVIDER_STAFF
    )
    law = await providers.create_service(None, provider_id, replace(LAW_FIRM, **law_firm))  # type: ignore[arg-type]
    rehab = await providers.create_service(None, provider_id, REHABILITATION)
    return Services(world, provider_id, await actor_of(staff.id), law, rehab)


async def case_of(found: Services, *, consent: bool = True) -> int:
    """A Romanian-speaking woman in Stockholm who needs a lawyer, consenting to the funder and
    (unless told otherwise) to this provider."""
    beneficiary_id = await make_beneficiary(
        found.world.caseworker, consents=("share_funder",), needs=["legal_aid", "rehabilitation"]
    )
    if consent:
        await beneficiaries.record_consent(
            found.world.caseworker,
            beneficiary_id,
            ConsentForm(scope="share_provider", organisation_id=found.provider_id),
        )
    return beneficiary_id


async def test_reserving_a_matched_service_opens_a_request_of_hours_times_the_rate(
    jobs: Redis, settings: Settings
) -> None:
    found = await make_services()
    case = await case_of(found)

    reserved = await services.reserve_and_apply(
        found.world.caseworker, case, found.law_firm, settings, matter="migration_appeal"
    )

    assert await service_numbers(found.law_firm) == (30, 10, 40)
    assert reserved.expected_cost == 10 * 150_000
    draft = await SupportRequest.select().where(SupportRequest.id == reserved.support_request_id)
    assert draft[0]["category"] == "legal_aid"
    assert draft[0]["state"] == "draft"
    lines = await CostLine.select(CostLine.quantity, CostLine.unit_price).where(
        CostLine.request == reserved.support_request_id
    )
    assert lines == [{"quantity": 10, "unit_price": 150_000}]
    [link] = await services.service_funding_of_case(found.world.caseworker, case)
    assert (link.reservation_id, link.support_request_id) == (
        reserved.reservation_id,
        reserved.support_request_id,
    )
    assert not link.funded
    on_request = await services.service_funding_of_request(
        found.world.caseworker, reserved.support_request_id
    )
    assert on_request is not None
    assert on_request.link_id == link.link_id


async def test_approval_and_the_providers_acceptance_confirm_the_reservation(
    jobs: Redis, settings: Settings
) -> None:
    found = await make_services()
    case = await case_of(found)
    reserved = await services.reserve_and_apply(
        found.world.caseworker, case, found.law_firm, settings
    )
    await grants.submit(found.world.caseworker, reserved.support_request_id)
    await grants.start_review(found.world.officer, reserved.support_request_id)
    await grants.decide(
        found.world.officer, reserved.support_request_id, reserved.expected_cost, "Behov styrkt."
    )
    assert await services.settle_services() == {"open": 1}  # the provider has not answered

    await providers.accept_reservation(found.staff, reserved.reservation_id)

    assert await services.settle_services() == {"confirmed": 1}
    assert await services.settle_services() == {}  # a second run changes nothing
    [link] = await services.service_funding_of_case(found.world.caseworker, case)
    assert link.funded
    assert link.outcome == "confirmed"
    assert await LedgerEntry.count().where(LedgerEntry.kind == "commitment") == 1
    assert await service_numbers(found.law_firm) == (30, 0, 40)
    assert await providers.broken_invariants() == []


async def test_a_refused_request_gives_the_reserved_units_back(
    jobs: Redis, settings: Settings
) -> None:
    found = await make_services()
    case = await case_of(found)
    reserved = await services.reserve_and_apply(
        found.world.caseworker, case, found.law_firm, settings
    )
    await grants.submit(found.world.caseworker, reserved.support_request_id)
    await grants.start_review(found.world.officer, reserved.support_request_id)
    await grants.decide(found.world.officer, reserved.support_request_id, 0, "Annan huvudman.")

    assert await services.settle_services() == {"released": 1}
    assert await Reservation.select(Reservation.status) == [{"status": "released"}]
    assert await service_numbers(found.law_firm) == (40, 0, 40)
    assert await providers.broken_invariants() == []


async def test_a_declined_reservation_lapses_the_link_and_leaves_the_request_open(
    jobs: Redis, settings: Settings
) -> None:
    found = await make_services()
    case = await case_of(found)
    reserved = await services.reserve_and_apply(
        found.world.caseworker, case, found.law_firm, settings
    )
    await providers.decline_reservation(found.staff, reserved.reservation_id, "no_capacity")

    assert await services.settle_services() == {"lapsed": 1}
    [link] = await ServiceFundingLink.select(ServiceFundingLink.outcome)
    assert link == {"outcome": "lapsed"}
    states = await SupportRequest.select(SupportRequest.state)
    assert states == [{"state": "draft"}]


async def test_a_service_no_budget_category_pays_for_is_not_reserved_from_a_match(
    jobs: Redis, settings: Settings
) -> None:
    found = await make_services()
    other = await providers.create_service(
        None,
        found.provider_id,
        replace(
            LAW_FIRM,
            name="Samtalsstöd",
            kind="other",
            matters=[],
            price_unit="case",
            capacity_unit="cases",
            maximum=3,
        ),
    )
    case = await case_of(found)

    with pytest.raises(Conflict, match="apply by hand"):
        await services.reserve_and_apply(found.world.caseworker, case, other, settings)
    assert await Reservation.count() == 0
    assert await service_numbers(other) == (3, 0, 3)


async def test_without_consent_to_the_provider_nothing_is_reserved_or_applied_for(
    jobs: Redis, settings: Settings
) -> None:
    found = await make_services()
    case = await case_of(found, consent=False)

    with pytest.raises(DomainError):
        await services.reserve_and_apply(found.world.caseworker, case, found.law_firm, settings)
    assert await Reservation.count() == 0
    assert await SupportRequest.count() == 0


async def test_many_concurrent_reservations_from_matches_take_the_last_hours_once(
    jobs: Redis, settings: Settings
) -> None:
    found = await make_services(maximum=10)
    people = [await case_of(found) for _ in range(12)]

    async def attempt(beneficiary_id: int) -> bool:
        try:
            await services.reserve_and_apply(
                found.world.caseworker, beneficiary_id, found.law_firm, settings
            )
        except DomainError:
            return False
        return True

    results = await asyncio.gather(*(attempt(person) for person in people))
    assert results.count(True) == 1
    assert await Reservation.count() == 1
    assert await ServiceFundingLink.count() == 1
    assert await SupportRequest.count() == 1  # no draft left behind by a refused reservation
    assert await service_numbers(found.law_firm) == (0, 10, 10)
    assert await providers.broken_invariants() == []
    assert await UnmetDemand.count().where(UnmetDemand.help == "legal_aid") == 11


async def test_the_same_form_sent_twice_reserves_and_applies_once(
    jobs: Redis, settings: Settings
) -> None:
    found = await make_services()
    case = await case_of(found)

    first = await services.reserve_and_apply(
        found.world.caseworker, case, found.law_firm, settings, idempotency_key="k-1"
    )
    again = await services.reserve_and_apply(
        found.world.caseworker, case, found.law_firm, settings, idempotency_key="k-1"
    )

    assert again == first
    assert await SupportRequest.count() == 1
    assert await service_numbers(found.law_firm) == (30, 10, 40)


async def test_the_panel_reserves_and_goes_to_the_prefilled_request(
    client: AsyncTestClient[Litestar], jobs: Redis
) -> None:
    found = await make_services()
    case = await case_of(found)
    await sign_in(client, found.world.caseworker_user)
    client.cookies.set(i18n.LOCALE_COOKIE, "en")
    panel = f"/beneficiaries/{case}/help-now/"
    shown = await client.get(panel)
    assert shown.status_code == 200, shown.text
    assert f'name="service_id" value="{found.law_firm}"' in shown.text

    reserved = await post_form(
        client,
        f"/beneficiaries/{case}/help-now/reserve",
        {"service_id": str(found.law_firm), "units": "10", "matter": "migration_appeal"},
        from_page=panel,
    )

    assert reserved.status_code == 303, reserved.text
    [row] = await SupportRequest.select(SupportRequest.id)
    assert reserved.headers["location"] == f"/grants/requests/{row['id']}/edit"
    assert await service_numbers(found.law_firm) == (30, 10, 40)
    again = await client.get(panel)
    assert "Reserved from a match" in again.text


async def test_the_panel_says_why_when_nothing_is_left(
    client: AsyncTestClient[Litestar], jobs: Redis, settings: Settings
) -> None:
    found = await make_services(maximum=10)
    other = await case_of(found)
    await services.reserve_and_apply(found.world.caseworker, other, found.law_firm, settings)
    case = await case_of(found)
    await sign_in(client, found.world.caseworker_user)
    client.cookies.set(i18n.LOCALE_COOKIE, "en")

    refused = await post_form(
        client,
        f"/beneficiaries/{case}/help-now/reserve",
        {"service_id": str(found.law_firm), "units": "10"},
        from_page=f"/beneficiaries/{case}/help-now/",
    )

    assert refused.status_code == 422, refused.text
    assert "Nothing is left of this service" in refused.text


async def test_the_api_twin_reserves_and_applies(
    client: AsyncTestClient[Litestar], jobs: Redis
) -> None:
    found = await make_services()
    case = await case_of(found)
    token = await found.world.token()

    answer = await client.post(
        f"/api/v1/beneficiaries/{case}/matches/reserve",
        json={"service_id": found.law_firm, "units": 5},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["units"] == 5
    assert body["expected_cost"] == 5 * 150_000
    assert await service_numbers(found.law_firm) == (35, 5, 40)
    bad = await client.post(
        f"/api/v1/beneficiaries/{case}/matches/reserve",
        json={"service_id": found.law_firm, "units": 0},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert bad.status_code == 400, bad.text
