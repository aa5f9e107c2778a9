"""The directory in the Open Referral Human Services Data Specification (HSDS 3.x) shape, so
other directories can read it: organization, service, service_area, language, service_capacity
and unit. HSDS identifies objects by UUID; ours are derived from the ids (stable, one per object).

Capacity appears only for those who may see it; the referral contact is a function's address.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Final

import msgspec

from beneficiaries.codes import language_name
from fristad.regions import POLICE_REGIONS
from providers.domain import CAPACITY_UNITS, SERVICE_KINDS
from providers.services.models import ServiceView

NAMESPACE: Final = uuid.UUID("7d0f7c35-3f7e-4c1e-9a51-3f0f6a9b2c11")
# The scheme our capacity units come from (HSDS unit.scheme names the vocabulary).
UNIT_SCHEME: Final = "fristad"


def object_id(kind: str, key: int | str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


class Unit(msgspec.Struct, omit_defaults=True):
    id: str
    name: str
    scheme: str | None = None
    identifier: str | None = None


class ServiceCapacity(msgspec.Struct, omit_defaults=True):
    id: str
    service_id: str
    unit: Unit
    available: float
    updated: datetime
    maximum: float | None = None
    description: str | None = None


class ServiceArea(msgspec.Struct, omit_defaults=True):
    id: str
    service_id: str | None = None
    name: str | None = None
    description: str | None = None


class Language(msgspec.Struct, omit_defaults=True):
    id: str
    service_id: str | None = None
    name: str | None = None
    code: str | None = None


class Organization(msgspec.Struct, omit_defaults=True):
    id: str
    name: str
    description: str


class HsdsService(msgspec.Struct, omit_defaults=True):
    id: str
    name: str
    status: str
    organization_id: str | None = None
    description: str | None = None
    email: str | None = None
    fees_description: str | None = None
    eligibility_description: str | None = None
    organization: Organization | None = None
    service_areas: list[ServiceArea] = []
    languages: list[Language] = []
    capacities: list[ServiceCapacity] = []


def _unit(code: str) -> Unit:
    return Unit(
        id=object_id("unit", code),
        name=CAPACITY_UNITS.get(code, code),
        scheme=UNIT_SCHEME,
        identifier=code,
    )


def service_of(view: ServiceView) -> HsdsService:
    """One service in HSDS shape, with its organization, areas, languages and capacity."""
    service_id = object_id("service", view.id)
    organization_id = object_id("organization", view.provider_id)
    areas = [
        ServiceArea(
            id=object_id("service_area", f"{view.id}:{code}"),
            service_id=service_id,
            name=POLICE_REGIONS[code],
        )
        for code in view.regions
        if code in POLICE_REGIONS
    ]
    if view.remote:
        areas.append(
            ServiceArea(
                id=object_id("service_area", f"{view.id}:remote"),
                service_id=service_id,
                name="Sverige",
                description="remote",
            )
        )
    capacities = []
    if view.capacity is not None:
        capacities.append(
            ServiceCapacity(
                id=object_id("service_capacity", view.id),
                service_id=service_id,
                unit=_unit(view.capacity.unit),
                available=view.capacity.available,
                maximum=view.capacity.maximum,
                updated=view.capacity.confirmed_at,
            )
        )
    return HsdsService(
        id=service_id,
        name=view.name,
        status="active" if view.active else "inactive",
        organization_id=organization_id,
        description=view.description or SERVICE_KINDS.get(view.kind, view.kind),
        email=view.referral_contact if "@" in view.referral_contact else None,
        organization=Organization(
            id=organization_id, name=view.provider_name, description=view.provider_name
        ),
        service_areas=areas,
        languages=[
            Language(
                id=object_id("language", f"{view.id}:{code}"),
                service_id=service_id,
                name=language_name(code),
                code=code,
            )
            for code in view.languages
        ],
        capacities=capacities,
    )


class Page(msgspec.Struct):
    """The HSDS API's paginated list."""

    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[HsdsService]


def page_of(views: list[ServiceView], page_number: int, per_page: int) -> Page:
    total_pages = max(1, -(-len(views) // per_page))
    page_number = min(max(page_number, 1), total_pages)
    contents = [
        service_of(view) for view in views[(page_number - 1) * per_page : page_number * per_page]
    ]
    return Page(
        total_items=len(views),
        total_pages=total_pages,
        page_number=page_number,
        size=len(contents),
        first_page=page_number == 1,
        last_page=page_number == total_pages,
        empty=not contents,
        contents=contents,
    )
