"""About 25 invented shelters across the seven police regions, some stale, some full, with a few
holds and placements for the demo people. Runs after the accounts and beneficiaries demos."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

from accounts import services as accounts
from accounts.domain import Actor, Role
from accounts.tables import Membership, Organisation
from beneficiaries import services as beneficiaries
from beneficiaries.tables import Beneficiary
from fristad.errors import DomainError
from fristad.regions import municipalities
from shelters import services
from shelters.tables import Shelter

W, M, F, U, L = "women", "men", "families", "minors", "lgbtq"
# name, municipality, target groups, staff languages, security, price (kr/night), hours since the
# numbers were confirmed, categories: (name, capacity, groups, children, accessible, taken)
SHELTERS: list[
    tuple[
        str, str, list[str], str, str, int, int, list[tuple[str, int, list[str], bool, bool, int]]
    ]
] = [
    (
        "Norrskenet",
        "Luleå",
        [W, F],
        "sv en fi",
        "high",
        1400,
        2,
        [("Kvinnoavdelning", 6, [W], False, False, 4), ("Familjerum", 3, [F], True, True, 1)],
    ),
    (
        "Björkgården",
        "Umeå",
        [W],
        "sv en ru",
        "standard",
        1200,
        30,
        [("Kvinnoavdelning", 5, [W], False, False, 3)],
    ),
    (
        "Fjällstugan",
        "Kiruna",
        [M],
        "sv en",
        "standard",
        1000,
        5,
        [("Mansavdelning", 4, [M], False, False, 4)],
    ),
    (
        "Kustljuset",
        "Sundsvall",
        [W, L],
        "sv en es",
        "standard",
        1250,
        1,
        [("Kvinnor och HBTQ+", 5, [W, L], False, True, 2)],
    ),
    (
        "Skogsbrynet",
        "Gävle",
        [W, F],
        "sv en ar",
        "high",
        1500,
        3,
        [("Kvinnoavdelning", 6, [W], False, False, 5), ("Familjerum", 2, [F], True, False, 2)],
    ),
    (
        "Domkyrkohemmet",
        "Uppsala",
        [U],
        "sv en ar ti",
        "protected",
        2200,
        4,
        [("Ungdomsavdelning", 6, [U], False, False, 3)],
    ),
    (
        "Storsjögården",
        "Östersund",
        [M, W],
        "sv en",
        "standard",
        1100,
        40,
        [("Mansavdelning", 4, [M], False, False, 1), ("Kvinnoavdelning", 4, [W], False, False, 2)],
    ),
    (
        "Fristaden Söder",
        "Stockholm",
        [W, F],
        "sv en ro bg",
        "protected",
        2400,
        1,
        [("Kvinnoavdelning", 10, [W], False, True, 6), ("Familjerum", 4, [F], True, True, 2)],
    ),
    (
        "Tranan",
        "Stockholm",
        [M],
        "sv en ro pl",
        "high",
        1600,
        6,
        [("Mansavdelning", 8, [M], False, False, 8)],
    ),
    (
        "Regnbågen",
        "Stockholm",
        [L, W, M],
        "sv en es th",
        "high",
        1800,
        2,
        [("HBTQ+-avdelning", 5, [L, W, M], False, True, 2)],
    ),
    (
        "Ekudden",
        "Södertälje",
        [F],
        "sv en ar",
        "standard",
        1900,
        26,
        [("Familjerum", 5, [F, W], True, True, 3)],
    ),
    (
        "Lärkan",
        "Huddinge",
        [U],
        "sv en vi zh",
        "protected",
        2600,
        3,
        [("Ungdomsavdelning", 5, [U], False, False, 5)],
    ),
    (
        "Stångån",
        "Linköping",
        [W],
        "sv en hu",
        "standard",
        1200,
        8,
        [("Kvinnoavdelning", 6, [W], False, False, 2)],
    ),
    (
        "Motala ström",
        "Norrköping",
        [M, W],
        "sv en uk ru",
        "standard",
        1150,
        2,
        [("Mansavdelning", 4, [M], False, False, 2), ("Kvinnoavdelning", 4, [W], False, True, 4)],
    ),
    (
        "Vätterhemmet",
        "Jönköping",
        [F, W],
        "sv en ro",
        "high",
        1700,
        50,
        [("Familjerum", 4, [F], True, True, 1)],
    ),
    (
        "Fyrljuset",
        "Göteborg",
        [W, F],
        "sv en ro bg ar",
        "protected",
        2300,
        1,
        [("Kvinnoavdelning", 8, [W], False, True, 5), ("Familjerum", 4, [F], True, True, 4)],
    ),
    (
        "Älvstranden",
        "Göteborg",
        [M],
        "sv en pl lt",
        "standard",
        1300,
        4,
        [("Mansavdelning", 6, [M], False, False, 3)],
    ),
    (
        "Sjuhäradshemmet",
        "Borås",
        [U],
        "sv en ti so",
        "protected",
        2500,
        7,
        [("Ungdomsavdelning", 4, [U], False, False, 2)],
    ),
    (
        "Slussen",
        "Trollhättan",
        [W],
        "sv en th tl",
        "standard",
        1200,
        28,
        [("Kvinnoavdelning", 4, [W], False, False, 4)],
    ),
    (
        "Hamnhuset",
        "Malmö",
        [W, F],
        "sv en ar ro",
        "high",
        1600,
        2,
        [("Kvinnoavdelning", 6, [W], False, True, 3), ("Familjerum", 3, [F], True, True, 1)],
    ),
    (
        "Sundet",
        "Helsingborg",
        [M],
        "sv en da",
        "standard",
        1100,
        3,
        [("Mansavdelning", 5, [M], False, False, 5)],
    ),
    (
        "Kastanjen",
        "Lund",
        [L, W],
        "sv en es",
        "standard",
        1400,
        1,
        [("Kvinnor och HBTQ+", 4, [W, L], False, True, 1)],
    ),
    (
        "Kalmarsundshemmet",
        "Kalmar",
        [F],
        "sv en uk",
        "standard",
        1700,
        5,
        [("Familjerum", 4, [F, W], True, True, 2)],
    ),
    (
        "Linnégården",
        "Växjö",
        [W],
        "sv en vi",
        "standard",
        1150,
        60,
        [("Kvinnoavdelning", 5, [W], False, False, 2)],
    ),
    (
        "Svartån",
        "Örebro",
        [W, M],
        "sv en ro ar",
        "high",
        1500,
        2,
        [("Kvinnoavdelning", 5, [W], False, False, 2), ("Mansavdelning", 4, [M], False, False, 3)],
    ),
    (
        "Klarälven",
        "Karlstad",
        [F, W],
        "sv en no",
        "standard",
        1600,
        9,
        [("Familjerum", 3, [F], True, True, 0)],
    ),
    (
        "Kopparbergshemmet",
        "Falun",
        [U],
        "sv en ar fa",
        "protected",
        2400,
        4,
        [("Ungdomsavdelning", 4, [U], False, False, 4)],
    ),
]


def _street(number: int) -> str:
    """An invented street address (kept secret like a real one)."""
    streets = ["Lindvägen", "Ekbacken", "Solstigen", "Granitgatan", "Ängsvägen", "Hamngatan"]
    return f"{streets[number % len(streets)]} {number + 3}"


async def populate() -> list[str]:
    if await Shelter.count():
        return ["Demo shelters: the database has shelters already; nothing added."]
    operators = (
        await Organisation.select(Organisation.id)
        .where(
            Organisation.is_shelter_operator == True  # noqa: E712
        )
        .order_by(Organisation.id)
    )
    if not operators:
        return ["Demo shelters: no shelter operator organisation; none added."]
    by_name = {place.name: place for place in municipalities().values()}
    now = datetime.now(UTC)
    category_ids: list[int] = []
    for number, (name, town, groups, languages, security, price, hours, categories) in enumerate(
        SHELTERS
    ):
        shelter_id = await services.create_shelter(
            None,
            operators[number % len(operators)]["id"],
            services.NewShelter(
                name=name,
                address=f"{_street(number)}, {town}",
                municipality=by_name[town].code,
                target_groups=groups,
                languages=languages.split(),
                accessible=any(category[4] for category in categories),
                security_level=security,
                price_per_night=price * 100,
                referral_contact="Jourtelefon 020-00 00 00",
            ),
        )
        for label, capacity, category_groups, children, accessible, taken in categories:
            category_ids.append(
                await services.add_category(
                    None,
                    shelter_id,
                    services.NewCategory(
                        name=label,
                        capacity=capacity,
                        target_groups=category_groups,
                        children_allowed=children,
                        accessible=accessible,
                        occupied_outside=taken,
                    ),
                    confirmed_at=now - timedelta(hours=hours),
                )
            )
    holds, placed = await _holds_and_placements(category_ids)
    return [
        "",
        f"Demo shelters: {len(SHELTERS)} shelters with {len(category_ids)} bed categories, "
        f"{holds} holds waiting and {placed} placements.",
    ]


async def _holds_and_placements(category_ids: list[int]) -> tuple[int, int]:
    """Hold beds for a few consenting demo people; the shelters accept some of the holds."""
    # The queue is open: the CLI (or a test) opened it; holds schedule their expiry jobs.
    people = (
        await Beneficiary.select(Beneficiary.id, Beneficiary.organisation)
        .where(Beneficiary.status == "open")
        .order_by(Beneficiary.id)
    )
    holds, placed = 0, 0
    for person in people:
        if holds + placed >= 6:
            break
        if not await beneficiaries.has_valid_consent(person["id"], "share_shelter"):
            continue
        actor = await _caseworker_of(person["organisation"])
        if actor is None:
            continue
        for category_id in category_ids:
            with contextlib.suppress(DomainError):
                hold = await services.hold_bed(actor, category_id, person["id"])
                if (holds + placed) % 2 == 1:
                    staff = await _staff_of(hold.hold.operator_id)
                    if staff is not None:
                        await services.accept_hold(staff, hold.hold.id)
                        placed += 1
                        break
                holds += 1
                break
    return holds, placed


async def _caseworker_of(organisation_id: int) -> Actor | None:
    return await _member(organisation_id, Role.CASEWORKER)


async def _staff_of(organisation_id: int) -> Actor | None:
    return await _member(organisation_id, Role.SHELTER_STAFF)


async def _member(organisation_id: int, role: Role) -> Actor | None:
    row = (
        await Membership.select(Membership.user, Membership.id)
        .where(
            (Membership.organisation == organisation_id)
            & (Membership.role == role)
            & (Membership.active == True)  # noqa: E712
        )
        .first()
    )
    if row is None:
        return None
    return await accounts.load_actor(row["user"], session_epoch=None, membership_id=row["id"])
