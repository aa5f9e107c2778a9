"""Building blocks for providers tests: a law firm with a service, a caseworker with cases."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from accounts.domain import Actor, Role
from beneficiaries import services as beneficiaries
from beneficiaries.schemas import ConsentForm
from fristad import i18n
from providers import services
from providers.domain import ServiceData
from tests.accounts.helpers import TestUser, make_org, make_user
from tests.beneficiaries.helpers import actor_of, make_beneficiary

LAW_FIRM = ServiceData(
    name="Migrationsöverklaganden",
    kind="legal_aid",
    matters=["migration_appeal", "asylum"],
    regions=["stockholm", "ost"],
    languages=["sv", "en", "ro"],
    takes_minors=False,
    price=150_000,
    price_unit="hour",
    capacity_unit="hours",
    maximum=40,
    referral_contact="intag@advokatbyran-lind.example",
)


@dataclass
class World:
    provider_id: int
    staff: TestUser
    staff_actor: Actor
    service_id: int
    ngo_id: int
    caseworker: TestUser
    caseworker_actor: Actor


async def make_world(
    *, available: int | None = None, confirmed_at: datetime | None = None, **service: Any
) -> World:
    """A law firm (a provider) with one service, and an NGO with a caseworker. The test's own
    messages are English (services translate their errors into the active language)."""
    i18n.activate("en")
    provider_id = await make_org("Advokatbyrån Lind", "559310478", ngo=False, provider=True)
    staff = await make_user(
        "juno@advokatbyran-lind.example", organisation_id=provider_id, role=Role.PROVIDER_STAFF
    )
    service_id = await services.create_service(
        None,
        provider_id,
        replace(LAW_FIRM, **service),
        available=available,
        confirmed_at=confirmed_at,
    )
    ngo_id = await make_org("Stiftelsen Trygg Hamn", "802471350")
    caseworker = await make_user(
        "lina@trygghamn.example", organisation_id=ngo_id, role=Role.CASEWORKER
    )
    return World(
        provider_id=provider_id,
        staff=staff,
        staff_actor=await actor_of(staff.id),
        service_id=service_id,
        ngo_id=ngo_id,
        caseworker=caseworker,
        caseworker_actor=await actor_of(caseworker.id),
    )


async def make_case(world: World, *, consent: bool = True, **overrides: Any) -> int:
    """A case of the world's NGO that (unless told otherwise) consents to share with the
    provider; by default a Romanian-speaking adult woman in Stockholm who needs legal aid."""
    beneficiary_id = await make_beneficiary(world.caseworker_actor, **overrides)
    if consent:
        await beneficiaries.record_consent(
            world.caseworker_actor,
            beneficiary_id,
            ConsentForm(scope="share_provider", organisation_id=world.provider_id),
        )
    return beneficiary_id


async def service_numbers(service_id: int) -> tuple[int, int, int]:
    """(available, reserved, maximum) of a service."""
    from providers.tables import Service

    row = await Service.select().where(Service.id == service_id).first()
    assert row is not None
    return row["available"], row["reserved"], row["maximum"]
