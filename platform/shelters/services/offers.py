"""What matching reads of shelters: bed categories as offers, a person's refusals, freed beds,
and what became of a hold. No street address leaves here; authorisation is the caller's unless
an actor is given."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from accounts.domain import Actor
from accounts.policy import require
from beneficiaries.domain import split_codes
from fristad.errors import NotFound
from shelters.domain import FREEING_KINDS, DeclineFacts, FreedBed, HoldOutcome, OfferFacts
from shelters.tables import AvailabilityChange, BedCategory, Hold, Placement

_OFFER_COLUMNS = (
    BedCategory.id,
    BedCategory.shelter,
    BedCategory.shelter.operator.as_alias("operator"),
    BedCategory.shelter.name.as_alias("shelter_name"),
    BedCategory.name,
    BedCategory.shelter.region.as_alias("region"),
    BedCategory.shelter.municipality.as_alias("municipality"),
    BedCategory.target_groups,
    BedCategory.shelter.target_groups.as_alias("shelter_groups"),
    BedCategory.children_allowed,
    BedCategory.max_children,
    BedCategory.accessible,
    BedCategory.shelter.accessible.as_alias("shelter_accessible"),
    BedCategory.shelter.security_level.as_alias("security_level"),
    BedCategory.shelter.languages.as_alias("languages"),
    BedCategory.shelter.experience.as_alias("experience"),
    BedCategory.shelter.price_per_night.as_alias("price_per_night"),
    BedCategory.free,
    BedCategory.confirmed_at,
)


def _open_categories(region: str | None) -> Any:
    condition = (BedCategory.active == True) & (BedCategory.shelter.active == True)  # noqa: E712
    return condition & (BedCategory.shelter.region == region) if region else condition


async def offers(
    *, region: str | None = None, category_id: int | None = None, with_free_bed: bool = False
) -> list[OfferFacts]:
    """Active bed categories of active shelters (one region, or one category), by shelter;
    ``with_free_bed``: only those with a bed free now (narrowed in SQL)."""
    query = BedCategory.select(*_OFFER_COLUMNS).where(_open_categories(region))
    if with_free_bed:
        query = query.where(BedCategory.free > 0)
    if category_id is not None:
        query = query.where(BedCategory.id == category_id)
    rows = await query.order_by(BedCategory.shelter).order_by(BedCategory.id)
    return [
        OfferFacts(
            category_id=row["id"],
            shelter_id=row["shelter"],
            operator_id=row["operator"],
            shelter_name=row["shelter_name"],
            category_name=row["name"],
            region=row["region"],
            municipality=row["municipality"],
            target_groups=split_codes(row["target_groups"]) or split_codes(row["shelter_groups"]),
            children_allowed=row["children_allowed"],
            max_children=row["max_children"],
            accessible=row["accessible"] or row["shelter_accessible"],
            security_level=row["security_level"],
            languages=split_codes(row["languages"]),
            experience=split_codes(row["experience"]),
            price_per_night=row["price_per_night"],
            free=row["free"],
            confirmed_at=row["confirmed_at"],
        )
        for row in rows
    ]


async def count_full_categories(*, region: str | None = None) -> int:
    """How many active categories have no bed free now (one query, nothing loaded)."""
    return int(await BedCategory.count().where(_open_categories(region) & (BedCategory.free <= 0)))


async def declines_of(beneficiary_id: int, since: datetime) -> list[DeclineFacts]:
    """The shelters that declined holds for this person since ``since``."""
    return await _decline_facts(
        (Hold.beneficiary == beneficiary_id)
        & (Hold.status == "declined")
        & (Hold.answered_at >= since)
    )


async def declines_since(since: datetime) -> list[DeclineFacts]:
    """Every refusal of a hold since ``since`` (reverse matching reads them in one query)."""
    return await _decline_facts((Hold.status == "declined") & (Hold.answered_at >= since))


async def _decline_facts(condition: object) -> list[DeclineFacts]:
    rows = await Hold.select(
        Hold.beneficiary, Hold.shelter, Hold.decline_reason, Hold.answered_at
    ).where(condition)  # type: ignore[arg-type]
    return [
        DeclineFacts(
            row["beneficiary"], row["shelter"], row["decline_reason"] or "", row["answered_at"]
        )
        for row in rows
    ]


async def freed_beds(*, after: int, limit: int) -> list[FreedBed]:
    """Changes of a category's numbers after which a bed is free, from history id ``after`` on."""
    rows = (
        await AvailabilityChange.select(
            AvailabilityChange.id, AvailabilityChange.category, AvailabilityChange.at
        )
        .where(
            (AvailabilityChange.id > after)
            & (AvailabilityChange.free > 0)
            & AvailabilityChange.kind.is_in(sorted(FREEING_KINDS))
        )
        .order_by(AvailabilityChange.id)
        .limit(limit)
    )
    return [FreedBed(row["id"], row["category"], row["at"]) for row in rows]


async def latest_availability_change() -> int:
    """The id of the newest change of any category's numbers (0 when there is none)."""
    row = (
        await AvailabilityChange.select(AvailabilityChange.id)
        .order_by(AvailabilityChange.id, ascending=False)
        .first()
    )
    return int(row["id"]) if row else 0


async def hold_outcome(hold_id: int) -> HoldOutcome:
    """A hold's status and the placement it became, if any (for the funding link)."""
    hold = (
        await Hold.select(Hold.id, Hold.status, Hold.shelter.name.as_alias("shelter_name"))
        .where(Hold.id == hold_id)
        .first()
    )
    if hold is None:
        raise NotFound
    stay = (
        await Placement.select(Placement.id, Placement.admitted_at, Placement.discharged_at)
        .where(Placement.hold == hold_id)
        .first()
    )
    return HoldOutcome(
        hold_id=hold["id"],
        hold_status=hold["status"],
        shelter_name=hold["shelter_name"],
        placement_id=stay["id"] if stay else None,
        admitted_at=stay["admitted_at"] if stay else None,
        discharged_at=stay["discharged_at"] if stay else None,
    )


async def placement_of_hold(hold_id: int) -> int:
    """The placement a hold became (NotFound while there is none)."""
    row = await Placement.select(Placement.id).where(Placement.hold == hold_id).first()
    if row is None:
        raise NotFound
    return int(row["id"])


async def hold_of_placement(actor: Actor, placement_id: int) -> int | None:
    """The hold behind a placement of the actor's own shelters (operator staff)."""
    row = (
        await Placement.select(Placement.hold, Placement.shelter.operator.as_alias("operator"))
        .where(Placement.id == placement_id)
        .first()
    )
    if row is None or row["operator"] != actor.organisation_id:
        raise NotFound
    require(actor, "placement.discharge", row["operator"])
    return int(row["hold"]) if row["hold"] is not None else None
