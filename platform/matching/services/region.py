"""Beds and services of a region, for pathways' region view (pathways may not use shelters and
providers; the composition root hands this over: ``pathways.services.region_supply_with``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from accounts.domain import Actor
from fristad.regions import municipality_name
from providers import services as providers
from shelters import services as shelters
from shelters.tables import Hold


@dataclass(frozen=True)
class WaitingHold:
    beneficiary_code: str
    shelter_name: str
    expires_at: datetime


@dataclass(frozen=True)
class FreeBeds:
    shelter_name: str
    municipality: str
    free: int


@dataclass(frozen=True)
class RegionService:
    name: str
    provider_name: str
    kind: str
    available: int | None


class RegionSupply:
    async def holds_waiting(self, beneficiary_ids: Sequence[int]) -> list[WaitingHold]:
        """Pending holds of these cases (their code and the shelter's name, no address)."""
        if not beneficiary_ids:
            return []
        rows = (
            await Hold.select(
                Hold.beneficiary.code.as_alias("code"),
                Hold.shelter.name.as_alias("shelter_name"),
                Hold.expires_at,
            )
            .where(Hold.beneficiary.is_in(list(beneficiary_ids)) & (Hold.status == "pending"))
            .order_by(Hold.expires_at)
        )
        return [WaitingHold(row["code"], row["shelter_name"], row["expires_at"]) for row in rows]

    async def free_beds(self, actor: Actor, region: str) -> list[FreeBeds]:
        """The region's shelters on the board that have a bed free (region and municipality
        only: the board never shows an address)."""
        board = await shelters.board(actor, shelters.BoardFilters(region=region))
        lines = [
            FreeBeds(
                shelter.name,
                municipality_name(shelter.municipality),
                sum(category.free for category in shelter.categories),
            )
            for shelter in board
        ]
        return [line for line in lines if line.free > 0]

    async def services(self, actor: Actor, region: str) -> list[RegionService]:
        found = await providers.directory(actor, providers.DirectoryFilters(region=region))
        return [
            RegionService(
                service.name,
                service.provider_name,
                service.kind,
                service.capacity.available if service.capacity else None,
            )
            for service in found
        ]


REGION_SUPPLY = RegionSupply()
