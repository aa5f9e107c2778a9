"""The large data set's people, beds and services: beneficiaries with their consents, shelters
with bed categories and a year of availability history, and providers' services.

Bed counts keep the shelters' invariant (``free = capacity − out_of_service − occupied − held −
external``): the beds in use are residents from outside the programme, so no placement or hold
has to exist for them, and the history of each category ends at its present counts.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from beneficiaries.domain import CODE_ALPHABET, EXPLOITATION_TYPES, MIGRATION_STATUSES, age_band
from fristad import crypto
from fristad.large.bulk import Writer
from fristad.regions import POLICE_REGIONS, municipalities
from providers.domain import SERVICE_KINDS

Advance = Callable[[int], None]

LANGUAGES = ("sv", "en", "ro", "bg", "th", "vi", "ar", "es", "ng", "ru", "uk", "fr", "so", "pl")
COUNTRIES = ("RO", "BG", "NG", "TH", "VN", "UA", "PL", "SE", "HU", "CN", "ER", "AL", "MA")
CATEGORY_KINDS = (
    ("Kvinnoavdelning", "women", False),
    ("Familjerum", "families", True),
    ("Mansavdelning", "men", False),
    ("Ungdomsavdelning", "minors", False),
    ("HBTQ-avdelning", "lgbtq", False),
)


@dataclass(frozen=True)
class Context:
    """What the ordinary demo made and the large set builds on."""

    now: datetime
    caseworkers: dict[int, int]  # member NGO -> one of its caseworkers
    operators: list[int]
    providers: list[int]


def _code(rng: random.Random, taken: set[str]) -> str:
    while True:
        characters = rng.choices(CODE_ALPHABET, k=6)
        code = "".join(characters[:3]) + "-" + "".join(characters[3:])
        if code not in taken:
            taken.add(code)
            return code


async def add_beneficiaries(
    writer: Writer, context: Context, count: int, rng: random.Random, advance: Advance
) -> list[tuple[int, int]]:
    """``count`` cases spread over the member NGOs, each with the consents to store, share with a
    shelter and with the funder; returns (beneficiary, organisation) of each."""
    taken = {row[0] for row in await writer.fetch('SELECT code FROM "beneficiary"')}
    first = await writer.next_id("beneficiary")
    places = list(municipalities().values())
    organisations = sorted(context.caseworkers)
    made: list[tuple[int, int]] = []
    rows = []
    for n in range(count):
        beneficiary_id, organisation_id = first + n, organisations[n % len(organisations)]
        age = rng.choice((16, 17, 19, 22, 27, 31, 38, 45, 52))
        place = rng.choice(places)
        created = context.now - timedelta(days=rng.randrange(1, 400))
        closed = rng.random() < 0.15
        rows.append(
            (
                beneficiary_id,
                _code(rng, taken),
                organisation_id,
                context.caseworkers[organisation_id],
                rng.choice(("woman", "woman", "man", "non_binary")),
                context.now.year - age,
                age_band(age),
                age < 18,
                rng.choice(COUNTRIES),
                " ".join(sorted(set(rng.sample(LANGUAGES, rng.randint(1, 3))))),
                rng.choice((0, 0, 0, 1, 2)),
                "",
                rng.choice(list(EXPLOITATION_TYPES)),
                rng.choice(("presumed", "confirmed")),
                rng.choice(("police", "ngo", "social_services", "migration_agency")),
                place.region,
                place.code,
                rng.choice(list(MIGRATION_STATUSES)),
                " ".join(sorted(rng.sample(("shelter", "legal_aid", "rehabilitation"), 2))),
                "",
                "none",
                "",
                "closed" if closed else "open",
                "needs_met" if closed else None,
                context.now - timedelta(days=rng.randrange(1, 60)) if closed else None,
                created,
                created,
            )
        )
        made.append((beneficiary_id, organisation_id))
    columns = [
        "id",
        "code",
        "organisation",
        "caseworker",
        "gender",
        "birth_year",
        "age_band",
        "is_minor",
        "citizenship",
        "languages",
        "children_count",
        "children_ages",
        "exploitation_types",
        "trafficking_status",
        "identified_by",
        "region",
        "municipality",
        "migration_status",
        "needs",
        "shelter_requirements",
        "protected_identity",
        "avoid_regions",
        "status",
        "closed_reason",
        "closed_at",
        "created_at",
        "updated_at",
    ]
    for start in range(0, len(rows), 1000):
        advance(await writer.insert("beneficiary", columns, rows[start : start + 1000]))
    await writer.insert(
        "consent",
        ("beneficiary", "scope", "given_at", "recorded_by"),
        (
            (beneficiary_id, scope, context.now - timedelta(days=1), context.caseworkers[org])
            for beneficiary_id, org in made
            for scope in ("store_data", "share_shelter", "share_funder")
        ),
    )
    return made


@dataclass(frozen=True)
class Bed:
    """A category's present counts, which its history ends at."""

    id: int
    shelter_id: int
    capacity: int
    out_of_service: int
    external: int


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` beds in ``parts`` categories of at least one bed each."""
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


async def add_shelters(
    writer: Writer,
    context: Context,
    shelters: int,
    beds: int,
    rng: random.Random,
    advance: Advance,
) -> list[Bed]:
    """``shelters`` shelters of the demo's operators with ``beds`` beds in all, in categories."""
    first_shelter = await writer.next_id("shelter")
    first_category = await writer.next_id("bed_category")
    places = list(municipalities().values())
    per_shelter = _split(beds, shelters, rng) if beds >= shelters * 2 else [2] * shelters
    shelter_rows: list[tuple[Any, ...]] = []
    category_rows: list[tuple[Any, ...]] = []
    made: list[Bed] = []
    for n in range(shelters):
        shelter_id = first_shelter + n
        place = rng.choice(places)
        kinds = rng.sample(CATEGORY_KINDS, min(len(CATEGORY_KINDS), rng.randint(1, 4)))
        kinds = kinds[: max(1, min(len(kinds), per_shelter[n]))]
        groups = sorted({group for _name, group, _children in kinds})
        shelter_rows.append(
            (
                shelter_id,
                context.operators[n % len(context.operators)],
                f"Skyddat boende {place.name} {n + 1}",
                crypto.encrypt(f"Påhittade gatan {n + 1}, {place.name}"),
                place.code,
                place.region,
                " ".join(groups),
                " ".join(sorted({"sv", "en", *rng.sample(LANGUAGES, 2)})),
                rng.random() < 0.3,
                rng.choice(("standard", "standard", "high")),
                rng.choice((80_000, 95_000, 120_000, 150_000)),
                "",
                "010-000 00 00",
                True,
                context.now - timedelta(days=400),
            )
        )
        for (name, group, children), capacity in zip(
            kinds, _split(per_shelter[n], len(kinds), rng), strict=True
        ):
            category_id = first_category + len(category_rows)
            out_of_service = int(rng.random() < 0.1 and capacity > 1)
            external = rng.randint(0, capacity - out_of_service)
            confirmed = context.now - timedelta(hours=rng.choice((1, 3, 8, 20, 30, 80)))
            category_rows.append(
                (
                    category_id,
                    shelter_id,
                    name,
                    group,
                    children,
                    rng.random() < 0.3,
                    capacity,
                    out_of_service,
                    0,
                    0,
                    external,
                    capacity - out_of_service - external,
                    1,
                    confirmed,
                    True,
                )
            )
            made.append(Bed(category_id, shelter_id, capacity, out_of_service, external))
    await writer.insert(
        "shelter",
        [
            "id",
            "operator",
            "name",
            "address_encrypted",
            "municipality",
            "region",
            "target_groups",
            "languages",
            "accessible",
            "security_level",
            "price_per_night",
            "experience",
            "referral_contact",
            "active",
            "created_at",
        ],
        shelter_rows,
    )
    await writer.insert(
        "bed_category",
        [
            "id",
            "shelter",
            "name",
            "target_groups",
            "children_allowed",
            "accessible",
            "capacity",
            "out_of_service",
            "occupied",
            "held",
            "external",
            "free",
            "version",
            "confirmed_at",
            "active",
        ],
        category_rows,
    )
    advance(len(shelter_rows))
    return made


def _history_of(
    bed: Bed, now: datetime, days: int, rng: random.Random
) -> Iterator[tuple[Any, ...]]:
    """Changes every few days over ``days``, walking to the category's present counts."""
    usable = bed.capacity - bed.out_of_service
    at = now - timedelta(days=days)
    external = rng.randint(0, usable)
    while True:
        at += timedelta(days=rng.uniform(1.5, 6), minutes=rng.randrange(600))
        last = at >= now - timedelta(hours=1)
        if last:
            at, external = now - timedelta(hours=1), bed.external
        else:
            external = max(0, min(usable, external + rng.choice((-1, 0, 1))))
        yield (
            *(bed.id, bed.shelter_id, at, "adjust", None, bed.capacity, bed.out_of_service),
            *(0, 0, external, usable - external),
        )
        if last:
            return


async def add_history(
    writer: Writer,
    context: Context,
    beds: list[Bed],
    days: int,
    rng: random.Random,
    advance: Advance,
) -> int:
    """A year (``days``) of availability changes of every category; returns how many rows."""
    columns = [
        "category",
        "shelter",
        "at",
        "kind",
        "actor_user_id",
        "capacity",
        "out_of_service",
        "occupied",
        "held",
        "external",
        "free",
    ]
    written = 0
    for start in range(0, len(beds), 200):
        rows: list[tuple[Any, ...]] = []
        for bed in beds[start : start + 200]:
            rows.extend(_history_of(bed, context.now, days, rng))
        written += await writer.insert("availability_change", columns, rows)
        advance(len(beds[start : start + 200]))
    return written


async def add_services(
    writer: Writer, context: Context, count: int, rng: random.Random, advance: Advance
) -> int:
    """``count`` services of the demo's providers: every kind, with live capacity."""
    if not context.providers:
        return 0
    first = await writer.next_id("provider_service")
    kinds = list(SERVICE_KINDS)
    rows = []
    for n in range(count):
        kind = kinds[n % len(kinds)]
        maximum = rng.choice((5, 10, 20, 40))
        rows.append(
            (
                first + n,
                context.providers[n % len(context.providers)],
                f"{SERVICE_KINDS[kind]} {n + 1}",
                kind,
                "",
                "",
                kind == "rehabilitation" and n % 2 == 0,
                "",
                " ".join(sorted(rng.sample(list(POLICE_REGIONS), rng.randint(1, 3)))),
                rng.random() < 0.4,
                " ".join(sorted({"sv", "en", *rng.sample(LANGUAGES, 1)})),
                "",
                kind == "legal_aid",
                rng.choice((90_000, 120_000, 150_000)),
                "hour" if kind in {"legal_aid", "interpreting"} else "case",
                "010-000 00 00",
                "hours" if kind in {"legal_aid", "interpreting"} else "cases",
                maximum,
                rng.randint(0, maximum),
                0,
                1,
                context.now - timedelta(hours=rng.choice((2, 10, 30))),
                True,
                context.now - timedelta(days=300),
            )
        )
    written = await writer.insert(
        "provider_service",
        [
            "id",
            "provider",
            "name",
            "kind",
            "description",
            "matters",
            "residential",
            "intake",
            "regions",
            "remote",
            "languages",
            "target_groups",
            "takes_minors",
            "price",
            "price_unit",
            "referral_contact",
            "capacity_unit",
            "maximum",
            "available",
            "reserved",
            "version",
            "confirmed_at",
            "active",
            "created_at",
        ],
        rows,
    )
    advance(written)
    return written


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
