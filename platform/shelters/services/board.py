"""The live bed board: active shelters with free beds per category and freshness, never an
address. Caseworkers, coordinators and officers read it; matching reads ``availability``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from accounts.domain import Actor
from accounts.policy import require
from fristad.errors import NotFound
from fristad.regions import POLICE_REGIONS
from fristad.settings import get_settings
from shelters.domain import is_stale
from shelters.services._common import now, shelter_stale
from shelters.tables import BedCategory, Shelter


@dataclass(frozen=True)
class BoardFilters:
    region: str = ""
    target_group: str = ""
    children: bool = False
    accessible: bool = False
    language: str = ""


@dataclass(frozen=True)
class BoardCategory:
    id: int
    name: str
    target_groups: list[str]
    children_allowed: bool
    accessible: bool
    capacity: int
    free: int
    confirmed_at: datetime
    stale: bool


@dataclass(frozen=True)
class BoardShelter:
    """What the board shows of a shelter: never the street address."""

    id: int
    name: str
    region: str
    municipality: str
    target_groups: list[str]
    languages: list[str]
    accessible: bool
    security_level: str
    price_per_night: int
    referral_contact: str
    categories: list[BoardCategory]
    stale: bool
    confirmed_at: datetime | None

    @property
    def free(self) -> int:
        return sum(category.free for category in self.categories)

    def free_for(self, group: str) -> int:
        return sum(c.free for c in self.categories if group in c.target_groups)


async def board(actor: Actor, filters: BoardFilters) -> list[BoardShelter]:
    """Active shelters with free beds per category and freshness, by region then name."""
    require(actor, "shelter.board")
    return await availability(filters)


async def board_shelter(
    actor: Actor, shelter_id: int, filters: BoardFilters
) -> BoardShelter | None:
    """One shelter's board row (for live updates), or None when the filters leave it out."""
    require(actor, "shelter.board")
    found = await availability(filters, shelter_id=shelter_id)
    return found[0] if found else None


async def availability(
    filters: BoardFilters, *, shelter_id: int | None = None
) -> list[BoardShelter]:
    """The availability behind the board (no authorisation: callers authorise; matching uses
    this too). Categories that do not fit the filters are left out of a shelter's numbers."""
    settings = get_settings()
    query = Shelter.select(
        Shelter.id,
        Shelter.name,
        Shelter.region,
        Shelter.municipality,
        Shelter.target_groups,
        Shelter.languages,
        Shelter.accessible,
        Shelter.security_level,
        Shelter.price_per_night,
        Shelter.referral_contact,
    ).where(Shelter.active == True)  # noqa: E712
    if shelter_id is not None:
        query = query.where(Shelter.id == shelter_id)
    if filters.region:
        query = query.where(Shelter.region == filters.region)
    if filters.language:
        query = query.where(
            (Shelter.languages == filters.language)
            | Shelter.languages.like(f"{filters.language} %")
            | Shelter.languages.like(f"% {filters.language}")
            | Shelter.languages.like(f"% {filters.language} %")
        )
    shelters = await query
    if not shelters:
        return []
    category_rows = (
        await BedCategory.select()
        .where(
            BedCategory.shelter.is_in([row["id"] for row in shelters])
            & (BedCategory.active == True)  # noqa: E712
        )
        .order_by(BedCategory.id)
    )
    by_shelter: dict[int, list[dict[str, Any]]] = {}
    for row in category_rows:
        by_shelter.setdefault(row["shelter"], []).append(row)
    moment = now()
    result = []
    for row in shelters:
        all_categories = by_shelter.get(row["id"], [])
        categories = [
            BoardCategory(
                id=category["id"],
                name=category["name"],
                target_groups=category["target_groups"].split(),
                children_allowed=category["children_allowed"],
                accessible=category["accessible"] or row["accessible"],
                capacity=category["capacity"],
                free=category["free"],
                confirmed_at=category["confirmed_at"],
                stale=is_stale(category["confirmed_at"], moment, settings.stale_hours),
            )
            for category in all_categories
            if _fits(category, row, filters)
        ]
        if not categories and (filters.target_group or filters.children or filters.accessible):
            continue
        confirmations = [category["confirmed_at"] for category in all_categories]
        result.append(
            BoardShelter(
                id=row["id"],
                name=row["name"],
                region=row["region"],
                municipality=row["municipality"],
                target_groups=row["target_groups"].split(),
                languages=row["languages"].split(),
                accessible=row["accessible"],
                security_level=row["security_level"],
                price_per_night=row["price_per_night"],
                referral_contact=row["referral_contact"],
                categories=categories,
                stale=shelter_stale(confirmations, settings),
                confirmed_at=min(confirmations) if confirmations else None,
            )
        )
    regions = list(POLICE_REGIONS)
    result.sort(key=lambda s: (regions.index(s.region) if s.region in regions else 99, s.name))
    return result


def _fits(category: dict[str, Any], shelter: dict[str, Any], filters: BoardFilters) -> bool:
    if filters.target_group and filters.target_group not in category["target_groups"].split():
        return False
    if filters.children and not category["children_allowed"]:
        return False
    return not (filters.accessible and not (category["accessible"] or shelter["accessible"]))


async def bed_to_hold(actor: Actor, category_id: int) -> tuple[BoardShelter, BoardCategory]:
    """The shelter and category of the hold form, as the board shows them; NotFound when the
    category is not on the board (closed, or its shelter closed)."""
    require(actor, "hold.create")
    require(actor, "shelter.board")
    row = await BedCategory.select(BedCategory.shelter).where(BedCategory.id == category_id).first()
    if row is not None:
        for shelter in await availability(BoardFilters(), shelter_id=row["shelter"]):
            for category in shelter.categories:
                if category.id == category_id:
                    return shelter, category
    raise NotFound


async def staff_languages(actor: Actor) -> list[str]:
    """The languages the staff of active shelters speak: what the board can be filtered by."""
    require(actor, "shelter.board")
    rows = await Shelter.select(Shelter.languages).where(Shelter.active == True)  # noqa: E712
    return sorted({code for row in rows for code in (row["languages"] or "").split()})
