"""What the providers' use cases share: the clock, reach, rows as read models."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from accounts.domain import Actor
from accounts.policy import has_permission
from fristad.errors import Conflict, NotFound
from fristad.settings import Settings
from providers.domain import cost_of
from providers.policy import PROVIDER_ROLES
from providers.services.models import ReservationView, ServiceView
from providers.tables import Reservation, Service

SERVICE_COLUMNS = (*Service.all_columns(), Service.provider.name)
RESERVATION_COLUMNS = (
    Reservation.id,
    Reservation.service,
    Reservation.service.name,
    Reservation.service.kind,
    Reservation.service.capacity_unit,
    Reservation.service.price,
    Reservation.service.price_unit,
    Reservation.service.referral_contact,
    Reservation.provider,
    Reservation.provider.name,
    Reservation.organisation,
    Reservation.beneficiary,
    Reservation.beneficiary.code,
    Reservation.units,
    Reservation.matter,
    Reservation.status,
    Reservation.created_at,
    Reservation.expires_at,
    Reservation.answered_at,
    Reservation.decline_reason,
    Reservation.misfit,
)


def now() -> datetime:
    return datetime.now(UTC)


def is_constraint_error(error: BaseException) -> bool:
    """A UNIQUE or CHECK constraint refused the write (sqlite3 or asyncpg)."""
    if isinstance(error, sqlite3.IntegrityError):
        return True
    try:
        from asyncpg.exceptions import IntegrityConstraintViolationError
    except ImportError:  # pragma: no cover - asyncpg comes with piccolo[postgres]
        return False
    return isinstance(error, IntegrityConstraintViolationError)


class NoCapacity(Conflict):
    """Nothing is left of the service's capacity (or it is not offered now)."""


def provides(actor: Actor, provider_id: int) -> bool:
    """The actor works for the provider (its staff or administrators)."""
    return (
        actor.membership is not None
        and actor.membership.is_provider
        and actor.organisation_id == provider_id
        and actor.has_role(*PROVIDER_ROLES)
    )


def service_view(row: dict[str, Any], actor: Actor | None, settings: Settings) -> ServiceView:
    show = actor is None or bool(has_permission(actor, "service.capacity", row["provider"]))
    return ServiceView.of(row, show_capacity=show, now=now(), stale_hours=settings.stale_hours)


async def service_row(service_id: int) -> dict[str, Any]:
    row = await Service.select(*SERVICE_COLUMNS).where(Service.id == service_id).first()
    if row is None:
        raise NotFound
    return dict(row)


def reservation_view(row: dict[str, Any], *, with_code: bool) -> ReservationView:
    return ReservationView(
        id=row["id"],
        service_id=row["service"],
        service_name=row["service.name"],
        kind=row["service.kind"],
        provider_id=row["provider"],
        provider_name=row["provider.name"],
        organisation_id=row["organisation"],
        beneficiary_id=row["beneficiary"],
        units=row["units"],
        unit=row["service.capacity_unit"],
        matter=row["matter"],
        status=row["status"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        answered_at=row["answered_at"],
        decline_reason=row["decline_reason"],
        cost=cost_of(row["service.price"], row["service.price_unit"], row["units"]),
        referral_contact=row["service.referral_contact"],
        code=row["beneficiary.code"] if with_code else None,
        misfit=row["misfit"],
    )


async def reservation_row(reservation_id: int) -> dict[str, Any]:
    row = (
        await Reservation.select(*RESERVATION_COLUMNS)
        .where(Reservation.id == reservation_id)
        .first()
    )
    if row is None:
        raise NotFound
    return dict(row)
