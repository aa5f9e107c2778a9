"""Provider use cases: services, capacity, reservations.

Callers write ``from providers import services; services.reserve_service(...)``; each use case
lives in its own module.
"""

from providers.domain import ServiceData, ServiceDetails
from providers.services._common import NoCapacity
from providers.services.capacity import confirm_capacity, set_capacity
from providers.services.catalogue import (
    DirectoryFilters,
    create_service,
    directory,
    get_service,
    provider_services,
    service_offer,
    service_offers,
    update_service,
)
from providers.services.history import (
    capacity_rises,
    latest_capacity_change,
    reserved_or_answered,
)
from providers.services.models import Capacity, CapacityRise, ReservationView, ServiceView
from providers.services.reservations import (
    CONSENT_SCOPE,
    ReservationResult,
    accept_reservation,
    broken_invariants,
    decline_reservation,
    end_reservations_of_case,
    expire_overdue,
    expire_reservation,
    pending_reservations_of_case,
    person_facts,
    release_reservation,
    release_unfunded_reservation,
    reservation_facts,
    reservation_for_api,
    reservations_for_provider,
    reservations_of_organisation,
    reserve_service,
)

__all__ = [
    "CONSENT_SCOPE",
    "Capacity",
    "CapacityRise",
    "DirectoryFilters",
    "NoCapacity",
    "ReservationResult",
    "ReservationView",
    "ServiceData",
    "ServiceDetails",
    "ServiceView",
    "accept_reservation",
    "broken_invariants",
    "capacity_rises",
    "confirm_capacity",
    "create_service",
    "decline_reservation",
    "directory",
    "end_reservations_of_case",
    "expire_overdue",
    "expire_reservation",
    "get_service",
    "latest_capacity_change",
    "pending_reservations_of_case",
    "person_facts",
    "provider_services",
    "release_reservation",
    "release_unfunded_reservation",
    "reservation_facts",
    "reservation_for_api",
    "reservations_for_provider",
    "reservations_of_organisation",
    "reserve_service",
    "reserved_or_answered",
    "service_offer",
    "service_offers",
    "set_capacity",
    "update_service",
]
