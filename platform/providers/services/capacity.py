"""The provider's staff keep capacity current: the numbers, or "still correct" (freshness).

``available`` is what the provider can take now besides the pending reservations (those hold
their units already), so a provider's edit never takes back what a caseworker reserved.
"""

from __future__ import annotations

from piccolo.custom_types import Combinable
from piccolo.engine.postgres import PostgresEngine

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from fristad.database import engine, write_transaction
from fristad.errors import Conflict, InvalidInput, NotFound
from fristad.i18n import gettext as _
from fristad.settings import Settings, get_settings
from providers.domain import capacity_problems
from providers.services._common import now, provides, service_row, service_view
from providers.services.history import record_rise
from providers.services.models import ServiceView
from providers.tables import Service


async def _own_service(actor: Actor, service_id: int) -> int:
    """The provider of a service the actor works for; NotFound for anyone else's."""
    row = await Service.select(Service.provider).where(Service.id == service_id).first()
    if row is None or not provides(actor, row["provider"]):
        raise NotFound
    require(actor, "service.update", row["provider"])
    return int(row["provider"])


async def _locked_available(service_id: int) -> int:
    """What the service has available, locked for this transaction (FOR UPDATE on PostgreSQL;
    SQLite's BEGIN IMMEDIATE holds the write lock already), so a rise is told from a fall."""
    query = Service.select(Service.available).where(Service.id == service_id)
    if isinstance(engine(), PostgresEngine):
        query = query.lock_rows("UPDATE")
    row = await query.first()
    if row is None:
        raise NotFound
    return int(row["available"])


async def set_capacity(
    actor: Actor,
    service_id: int,
    *,
    available: int,
    maximum: int,
    version: int | None = None,
    settings: Settings | None = None,
) -> ServiceView:
    """Set a service's available and maximum capacity, confirmed now. With the ``version`` the
    staff saw, a change made meanwhile (a reservation, a colleague) is a Conflict instead of
    being overwritten."""
    await _own_service(actor, service_id)
    if errors := capacity_problems(available, maximum):
        raise InvalidInput(errors)
    condition: Combinable = Service.id == service_id
    if version is not None:
        condition = condition & (Service.version == version)
    async with write_transaction():
        before = await _locked_available(service_id)
        updated = (
            await Service.update(
                {
                    Service.available: available,
                    Service.maximum: maximum,
                    Service.confirmed_at: now(),
                    Service.version: Service.version + 1,
                }
            )
            .where(condition)
            .returning(Service.id)
        )
        if not updated:
            raise Conflict(
                _("The numbers changed meanwhile (a reservation or a colleague). Check them again.")
            )
        if available > before:
            await record_rise(service_id, "set", available, actor)
        await audit.record(
            "service.capacity_set",
            actor=actor,
            object_type="service",
            object_id=service_id,
            detail={"available": available, "maximum": maximum},
        )
    return service_view(await service_row(service_id), actor, settings or get_settings())


async def confirm_capacity(
    actor: Actor, service_id: int, settings: Settings | None = None
) -> ServiceView:
    """The numbers are still correct: only the confirmation time changes."""
    await _own_service(actor, service_id)
    async with write_transaction():
        await Service.update({Service.confirmed_at: now()}).where(Service.id == service_id)
        await audit.record(
            "service.capacity_confirmed", actor=actor, object_type="service", object_id=service_id
        )
    return service_view(await service_row(service_id), actor, settings or get_settings())
