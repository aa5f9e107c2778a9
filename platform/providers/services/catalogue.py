"""The services providers offer: registering them, the directory, the provider's own list."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from piccolo.columns.combination import Where
from piccolo.custom_types import Combinable
from piccolo.engine.postgres import PostgresEngine

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from accounts.tables import Organisation
from beneficiaries.codes import LANGUAGE_CODES
from beneficiaries.domain import join_codes
from fristad.database import engine, write_transaction
from fristad.errors import Conflict, InvalidInput, NotFound
from fristad.i18n import gettext as _
from fristad.settings import Settings, get_settings
from providers.domain import ServiceData, ServiceDetails, exclusions, service_problems
from providers.services._common import SERVICE_COLUMNS, now, provides, service_row, service_view
from providers.services.history import record_rise
from providers.services.models import ServiceView
from providers.services.reservations import person_facts
from providers.tables import Reservation, Service


async def create_service(
    actor: Actor | None,
    provider_id: int,
    data: ServiceData,
    *,
    available: int | None = None,
    confirmed_at: datetime | None = None,
) -> int:
    """Register a service of a provider organisation (its staff, system admins, the demo); its
    capacity starts at the maximum unless ``available`` says otherwise."""
    if actor is not None:
        require(actor, "service.manage", provider_id)
    provider = (
        await Organisation.select(Organisation.is_provider)
        .where(Organisation.id == provider_id)
        .first()
    )
    if provider is None:
        raise NotFound
    errors = service_problems(data, LANGUAGE_CODES)
    if not provider["is_provider"]:
        errors[""] = _("The organisation is not registered as a service provider.")
    free = data.maximum if available is None else available
    if not errors and not 0 <= free <= data.maximum:
        errors["available"] = _("Available must be between 0 and the maximum.")
    if errors:
        raise InvalidInput(errors)
    async with write_transaction():
        service = Service(
            provider=provider_id,
            name=data.name.strip(),
            kind=data.kind,
            description=data.description.strip(),
            matters=join_codes(sorted(set(data.matters))),
            residential=data.residential,
            length_months=data.length_months,
            intake=data.intake.strip()[:200],
            regions=join_codes(sorted(set(data.regions))),
            remote=data.remote,
            languages=join_codes(sorted(set(data.languages))),
            target_groups=join_codes(sorted(set(data.target_groups))),
            takes_minors=data.takes_minors,
            price=data.price,
            price_unit=data.price_unit,
            referral_contact=data.referral_contact.strip(),
            capacity_unit=data.capacity_unit,
            maximum=data.maximum,
            available=free,
            confirmed_at=confirmed_at or now(),
            created_at=now(),
        )
        await service.save()
        if free > 0:
            await record_rise(int(service.id), "created", free, actor)
        await audit.record(
            "service.created", actor=actor, object_type="service", object_id=service.id
        )
    return int(service.id)


def _stored(details: ServiceDetails) -> dict[Any, Any]:
    """The columns of a service's description, as they are stored (codes sorted, text trimmed)."""
    return {
        Service.name: details.name.strip(),
        Service.description: details.description.strip(),
        Service.matters: join_codes(sorted(set(details.matters))),
        Service.residential: details.residential,
        Service.length_months: details.length_months,
        Service.intake: details.intake.strip()[:200],
        Service.regions: join_codes(sorted(set(details.regions))),
        Service.remote: details.remote,
        Service.languages: join_codes(sorted(set(details.languages))),
        Service.target_groups: join_codes(sorted(set(details.target_groups))),
        Service.takes_minors: details.takes_minors,
        Service.price: details.price,
        Service.price_unit: details.price_unit,
        Service.referral_contact: details.referral_contact.strip(),
    }


async def update_service(
    actor: Actor,
    service_id: int,
    details: ServiceDetails,
    *,
    version: int | None = None,
    settings: Settings | None = None,
) -> ServiceView:
    """Change a service's registration (its own provider's staff; anyone else's is NotFound).
    The kind and the capacity stay; with the ``version`` the staff saw, a change made meanwhile
    is a Conflict instead of being overwritten."""
    row = await service_row(service_id)
    if not provides(actor, row["provider"]):
        raise NotFound
    require(actor, "service.edit", row["provider"])
    whole = ServiceData(
        kind=row["kind"],
        capacity_unit=row["capacity_unit"],
        maximum=row["maximum"],
        **asdict(details),
    )
    if errors := service_problems(whole, LANGUAGE_CODES):
        raise InvalidInput(errors)
    columns = _stored(details)
    changed = sorted(
        column._meta.name for column, value in columns.items() if row[column._meta.name] != value
    )
    condition: Combinable = Service.id == service_id
    if version is not None:
        condition = condition & (Service.version == version)
    async with write_transaction():
        updated = (
            await Service.update({**columns, Service.version: Service.version + 1})
            .where(condition)
            .returning(Service.id)
        )
        if not updated:
            raise Conflict(
                _("The service changed meanwhile (a reservation or a colleague). Check it again.")
            )
        flagged = await _flag_misfits(service_id)
        await audit.record(
            "service.updated",
            actor=actor,
            object_type="service",
            object_id=service_id,
            detail={"fields": changed, "no_longer_fitting": flagged},
        )
    return service_view(await service_row(service_id), actor, settings or get_settings())


async def _flag_misfits(service_id: int) -> list[int]:
    """Mark the pending reservations the service, as just changed, no longer fits (the first
    rule that excludes the person) and unmark those it fits again, in the caller's transaction;
    returns the reservations newly marked. The caseworker sees the mark and decides: the
    reservation holds its units until it is answered, released or expires."""
    view = service_view(await service_row(service_id), None, get_settings())
    pending = await Reservation.select(
        Reservation.id, Reservation.beneficiary, Reservation.matter, Reservation.misfit
    ).where((Reservation.service == service_id) & (Reservation.status == "pending"))
    marked = []
    for row in pending:
        found = exclusions(view.facts, await person_facts(row["beneficiary"]), row["matter"])
        misfit = found[0] if found else None
        if misfit == row["misfit"]:
            continue
        await Reservation.update({Reservation.misfit: misfit}).where(
            (Reservation.id == row["id"]) & (Reservation.status == "pending")
        )
        if misfit is not None:
            marked.append(int(row["id"]))
    return marked


@dataclass(frozen=True)
class DirectoryFilters:
    text: str = ""
    kind: str = ""
    region: str = ""
    language: str = ""


async def directory(
    actor: Actor, filters: DirectoryFilters | None = None, settings: Settings | None = None
) -> list[ServiceView]:
    """The active services of active providers, filtered; capacity only for those who may see it."""
    require(actor, "service.directory")
    settings = settings or get_settings()
    filters = filters or DirectoryFilters()
    query = Service.select(*SERVICE_COLUMNS).where(
        (Service.active == True) & (Service.provider.active == True)  # noqa: E712
    )
    if filters.kind:
        query = query.where(Service.kind == filters.kind)
    if filters.region:
        query = query.where(
            (Service.remote == True) | Service.regions.like(f"%{filters.region}%")  # noqa: E712
        )
    if filters.language:
        query = query.where(Service.languages.like(f"%{filters.language}%"))
    text = filters.text.strip()
    if text:
        pattern = f"%{text.replace('%', '').replace('_', '')}%"
        query = query.where(
            _contains(Service.name, pattern)
            | _contains(Service.provider.name, pattern)
            | _contains(Service.description, pattern)
        )
    rows = await query.order_by(Service.kind).order_by(Service.provider.name).order_by(Service.name)
    views = [service_view(row, actor, settings) for row in rows]
    # The LIKE on space-separated codes finds candidates; the codes themselves decide.
    return [
        view
        for view in views
        if (not filters.region or view.remote or filters.region in view.regions)
        and (not filters.language or filters.language in view.languages)
    ]


def _contains(column: Any, pattern: str) -> Where:
    """Case-insensitive LIKE: ILIKE on PostgreSQL; SQLite's LIKE already ignores ASCII case."""
    if isinstance(engine(), PostgresEngine):
        return column.ilike(pattern)  # type: ignore[no-any-return]
    return column.like(pattern)  # type: ignore[no-any-return]


async def provider_services(actor: Actor, settings: Settings | None = None) -> list[ServiceView]:
    """The services of the actor's provider organisation, with their capacity."""
    require(actor, "provider.operate")
    settings = settings or get_settings()
    rows = (
        await Service.select(*SERVICE_COLUMNS)
        .where(Service.provider == (actor.organisation_id or 0))
        .order_by(Service.name)
    )
    return [service_view(row, actor, settings) for row in rows]


async def get_service(
    actor: Actor, service_id: int, settings: Settings | None = None
) -> ServiceView:
    """One service as the directory shows it to the actor (an inactive one only to its provider)."""
    require(actor, "service.directory")
    row = await service_row(service_id)
    if not row["active"] and not provides(actor, row["provider"]):
        raise NotFound
    return service_view(row, actor, settings or get_settings())


async def service_offers(kinds: list[str], settings: Settings | None = None) -> list[ServiceView]:
    """Active services of the given kinds with their capacity, for matching (which authorises
    the actor itself): one query, whatever the number of providers."""
    settings = settings or get_settings()
    if not kinds:
        return []
    rows = await Service.select(*SERVICE_COLUMNS).where(
        (Service.active == True)  # noqa: E712
        & (Service.provider.active == True)  # noqa: E712
        & Service.kind.is_in(kinds)
    )
    return [service_view(row, None, settings) for row in rows]


async def service_offer(service_id: int, settings: Settings | None = None) -> ServiceView | None:
    """One active service of an active provider with its capacity, for matching (which
    authorises the actor itself); None when it is not offered now."""
    row = (
        await Service.select(*SERVICE_COLUMNS)
        .where(
            (Service.id == service_id)
            & (Service.active == True)  # noqa: E712
            & (Service.provider.active == True)  # noqa: E712
        )
        .first()
    )
    return service_view(row, None, settings or get_settings()) if row else None
