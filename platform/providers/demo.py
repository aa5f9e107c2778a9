"""Invented service providers for the demo world: law firms that take migration appeals in
several languages, a one-year residential rehabilitation programme with few places, interpreter
services across the seven police regions, and a clinic; a few reservations for demo people.
Runs after the accounts and beneficiaries demos."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

from stdnum import luhn

from accounts import services as accounts
from accounts.demo import DEMO_PASSWORD
from accounts.domain import Actor, Role
from accounts.tables import Membership, Organisation
from beneficiaries import services as beneficiaries
from beneficiaries.domain import split_codes
from beneficiaries.schemas import ConsentForm
from beneficiaries.tables import Beneficiary
from fristad.errors import DomainError
from fristad.regions import POLICE_REGIONS
from providers import services
from providers.domain import ServiceData
from providers.tables import Service

ALL_REGIONS = list(POLICE_REGIONS)
# Interpreting languages by region: the languages victims in Sweden most often need, besides
# Swedish and English (Romanian, Bulgarian, Nigerian Pidgin, Thai, Mongolian, Vietnamese, ...).
INTERPRETING = {
    "nord": "ro th mn ru",
    "mitt": "ro bg th vi",
    "stockholm": "ro bg pcm th mn vi ar",
    "ost": "ro bg pcm uk",
    "vast": "ro bg pcm th vi so",
    "syd": "ro bg pcm th mn vi pl",
    "bergslagen": "ro bg mn ti",
}

# provider name, org number prefix, region, staff e-mail and name, services
PROVIDERS: list[tuple[str, str, str, str, str, list[ServiceData]]] = [
    (
        "Advokatbyrån Lind & Rahimi",
        "556901234",
        "stockholm",
        "nora@lindrahimi.example",
        "Nora Lind",
        [
            ServiceData(
                name="Överklaganden i migrationsärenden",
                kind="legal_aid",
                matters=["migration_appeal", "asylum", "victims_counsel"],
                regions=["stockholm", "ost"],
                remote=True,
                languages=["sv", "en", "ro", "bg", "ar"],
                price=150_000,
                price_unit="hour",
                capacity_unit="hours",
                maximum=60,
                referral_contact="intag@lindrahimi.example",
                description="Migration appeals and victim's counsel; meetings by video anywhere.",
            )
        ],
    ),
    (
        "Juristkollektivet Syd",
        "556901242",
        "syd",
        "tuan@juristkollektivet.example",
        "Tuan Nguyen",
        [
            ServiceData(
                name="Migrationsrätt och skadestånd",
                kind="legal_aid",
                matters=["migration_appeal", "damages_claim", "labour_law"],
                regions=["syd", "vast"],
                languages=["sv", "en", "th", "vi", "pcm"],
                price=135_000,
                price_unit="hour",
                capacity_unit="hours",
                maximum=40,
                referral_contact="mottagning@juristkollektivet.example",
                description="Migration appeals, damages claims and wages owed after forced labour.",
            )
        ],
    ),
    (
        "Advokatfirman Norrsken",
        "556901259",
        "nord",
        "saran@norrsken-advokat.example",
        "Saran Bold",
        [
            ServiceData(
                name="Migrationsmål i norr",
                kind="legal_aid",
                matters=["migration_appeal", "victims_counsel", "criminal_defence"],
                regions=["nord", "mitt"],
                remote=True,
                languages=["sv", "en", "mn", "ru"],
                price=140_000,
                price_unit="hour",
                capacity_unit="hours",
                maximum=30,
                referral_contact="0920-55 10 10",
            )
        ],
    ),
    (
        "Stiftelsen Nystart",
        "802601267",
        "mitt",
        "eva@nystart.example",
        "Eva Holm",
        [
            ServiceData(
                name="Nystart – ett år på behandlingshem",
                kind="rehabilitation",
                residential=True,
                length_months=12,
                intake="Intag två gånger om året; nästa i februari",
                regions=["mitt"],
                languages=["sv", "en", "ro", "bg"],
                target_groups=["women"],
                price=45_000_000,
                price_unit="place",
                capacity_unit="places",
                maximum=4,
                referral_contact="intag@nystart.example",
                description="Trauma therapy, schooling and planning the way out, for one year.",
            )
        ],
    ),
    (
        "Traumamottagningen Bergslagen",
        "802601275",
        "bergslagen",
        "amir@traumamottagningen.example",
        "Amir Karimi",
        [
            ServiceData(
                name="Traumabehandling i öppenvård",
                kind="rehabilitation",
                length_months=6,
                intake="Löpande intag",
                regions=["bergslagen", "ost"],
                languages=["sv", "en", "ar", "ti"],
                takes_minors=True,
                price=6_000_000,
                price_unit="case",
                capacity_unit="cases",
                maximum=8,
                referral_contact="remiss@traumamottagningen.example",
            )
        ],
    ),
    (
        "Tolkcentralen Sju Regioner",
        "556901283",
        "ost",
        "ioana@tolkcentralen.example",
        "Ioana Popescu",
        [
            ServiceData(
                name=f"Tolkning – {POLICE_REGIONS[region]}",
                kind="interpreting",
                regions=[region],
                languages=["sv", *languages.split()],
                takes_minors=True,
                price=65_000,
                price_unit="hour",
                capacity_unit="hours",
                maximum=120,
                referral_contact="bokning@tolkcentralen.example",
            )
            for region, languages in INTERPRETING.items()
        ]
        + [
            ServiceData(
                name="Telefontolk dygnet runt",
                kind="interpreting",
                remote=True,
                languages=["sv", "ro", "bg", "pcm", "th", "mn", "vi", "ar", "ti", "so", "uk"],
                takes_minors=True,
                price=55_000,
                price_unit="hour",
                capacity_unit="hours",
                maximum=300,
                referral_contact="telefontolk@tolkcentralen.example",
            )
        ],
    ),
    (
        "Vårdmottagningen Fristad Hälsa",
        "802601291",
        "stockholm",
        "lejla@fristadhalsa.example",
        "Lejla Hadžić",
        [
            ServiceData(
                name="Hälsoundersökning och vård utan krav på personnummer",
                kind="healthcare",
                regions=["stockholm"],
                languages=["sv", "en", "ro", "bg"],
                takes_minors=True,
                price=0,
                price_unit="case",
                capacity_unit="cases",
                maximum=20,
                referral_contact="mottagning@fristadhalsa.example",
            )
        ],
    ),
]


def _org_number(first_nine: str) -> str:
    digits = first_nine + luhn.calc_check_digit(first_nine)
    return f"{digits[:6]}-{digits[6:]}"


async def populate() -> list[str]:
    if await Service.count():
        return ["Demo providers: the database has services already; nothing added."]
    lines = ["", "Demo service providers (password as above):"]
    now = datetime.now(UTC)
    firm_id = 0
    for index, (name, prefix, region, email, person, offered) in enumerate(PROVIDERS):
        provider_id = await accounts.create_organisation(
            None,
            accounts.NewOrganisation(
                name=name, org_number=_org_number(prefix), is_provider=True, region=region
            ),
        )
        firm_id = firm_id or provider_id
        user_id = await accounts.create_user(
            email, person, DEMO_PASSWORD, is_demo=True, check_strength=False
        )
        await accounts.add_membership(None, user_id, provider_id, Role.PROVIDER_STAFF, None)
        lines.append(f"  {email:<32} {Role.PROVIDER_STAFF} @ {name}")
        for number, data in enumerate(offered):
            # The rehabilitation programme has one place left; some numbers are not fresh.
            available = 1 if data.capacity_unit == "places" else None
            confirmed = now - timedelta(hours=30 if (index + number) % 4 == 3 else 2)
            await services.create_service(
                None, provider_id, data, available=available, confirmed_at=confirmed
            )
    reserved = await _reservations(firm_id)
    lines.append(f"  {await Service.count()} services; {reserved} reservations for demo cases.")
    return lines


async def _reservations(provider_id: int) -> int:
    """The first law firm reserves hours for demo cases that need legal aid and consented."""
    service = await Service.select(Service.id).where(Service.provider == provider_id).first()
    owner = (
        await Organisation.select(Organisation.id)
        .where(Organisation.name == "Stiftelsen Trygg Hamn")
        .first()
    )
    if service is None or owner is None:
        return 0
    caseworker = (
        await Membership.select(Membership.user, Membership.id)
        .where((Membership.organisation == owner["id"]) & (Membership.role == Role.CASEWORKER))
        .first()
    )
    if caseworker is None:
        return 0
    actor = await accounts.load_actor(
        caseworker["user"], session_epoch=None, membership_id=caseworker["id"]
    )
    staff = await _staff_of(provider_id)
    if actor is None:
        return 0
    people = await Beneficiary.select(Beneficiary.id, Beneficiary.needs).where(
        (Beneficiary.organisation == owner["id"]) & (Beneficiary.status == "open")
    )
    made = 0
    for person in people:
        if "legal_aid" not in split_codes(person["needs"]) or made >= 2:
            continue
        with contextlib.suppress(DomainError):
            await beneficiaries.record_consent(
                actor,
                person["id"],
                ConsentForm(scope="share_provider", organisation_id=provider_id),
            )
            result = await services.reserve_service(
                actor, service["id"], person["id"], units=10, matter="migration_appeal"
            )
            if made == 1 and staff is not None:
                await services.accept_reservation(staff, result.reservation.id)
            made += 1
    return made


async def _staff_of(provider_id: int) -> Actor | None:
    row = (
        await Membership.select(Membership.user, Membership.id)
        .where((Membership.organisation == provider_id) & (Membership.role == Role.PROVIDER_STAFF))
        .first()
    )
    if row is None:
        return None
    return await accounts.load_actor(row["user"], session_epoch=None, membership_id=row["id"])
