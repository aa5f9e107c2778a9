"""Reserving a service's capacity for a case: one conditional write takes it, so the last unit
is never reserved twice. The provider accepts or declines; the caseworker may release; an
unanswered reservation expires and gives its units back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from piccolo.columns.combination import WhereRaw

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from beneficiaries import services as beneficiaries
from beneficiaries.domain import MinimalProfile
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from fristad.i18n import gettext as _
from fristad.queue import QueueNotOpenError, enqueue
from fristad.settings import Settings, get_settings
from providers.domain import (
    CASE_ENDED,
    DECLINE_REASONS,
    LEGAL_MATTERS,
    RETURNS_UNITS,
    PersonFacts,
    exclusion_text,
    exclusions,
    units_problem,
)
from providers.services._common import (
    RESERVATION_COLUMNS,
    NoCapacity,
    is_constraint_error,
    now,
    provides,
    reservation_row,
    reservation_view,
    service_row,
    service_view,
)
from providers.services.history import record_rise
from providers.services.models import ReservationView
from providers.tables import Reservation, Service

log = logging.getLogger("fristad.providers")

# The consent that lets a provider see the person's minimal profile (with the provider named).
CONSENT_SCOPE = "share_provider"


@dataclass(frozen=True)
class ReservationResult:
    reservation: ReservationView
    created: bool  # False: the same request (idempotency key) had made it already


async def person_facts(beneficiary_id: int) -> PersonFacts:
    """The coded facts the service rules read (for the system: the caller has authorised)."""
    facts = await beneficiaries.matching_facts(None, beneficiary_id)
    return PersonFacts(
        region=facts.region,
        languages=facts.languages,
        is_minor=facts.is_minor,
        age_known=facts.age_known,
        gender=facts.gender,
        children_count=facts.children_count,
        interpreter_language=facts.interpreter_language,
    )


async def reserve_service(
    actor: Actor,
    service_id: int,
    beneficiary_id: int,
    *,
    units: int = 1,
    matter: str | None = None,
    idempotency_key: str | None = None,
    settings: Settings | None = None,
) -> ReservationResult:
    """Reserve units of a service's capacity for one of the actor's organisation's cases.

    The units are taken by a single conditional UPDATE (``available >= units``); a refusal
    (nothing left, the service does not fit the person, a pending reservation of the same
    service) is a Conflict. A repeated request with the same idempotency key returns the first
    reservation and takes nothing more.
    """
    settings = settings or get_settings()
    require(actor, "reservation.create")
    await beneficiaries.case_for(actor, beneficiary_id)
    service = await service_row(service_id)
    if not await beneficiaries.has_valid_consent(
        beneficiary_id, CONSENT_SCOPE, service["provider"]
    ):
        raise PermissionDenied(
            _("The person has not consented to sharing their details with this provider.")
        )
    errors = {}
    if problem := units_problem(service["capacity_unit"], units):
        errors["units"] = problem
    matter = matter or None
    if matter is not None and (service["kind"] != "legal_aid" or matter not in LEGAL_MATTERS):
        errors["matter"] = _("Choose a legal matter the service takes.")
    if errors:
        raise InvalidInput(errors)
    key = (idempotency_key or "").strip()[:80] or None
    if key is not None and (found := await _by_key(actor, key, service_id, beneficiary_id)):
        return ReservationResult(found, created=False)
    created_at = now()
    try:
        async with write_transaction():
            # The case row first: a case closing meanwhile is refused here, and a repeated
            # request waits here for the first and then finds its reservation.
            await beneficiaries.lock_case(beneficiary_id, refuse=CASE_ENDED)
            # Checked again under the write lock: the same request may have run meanwhile.
            if key is not None and (found := await _by_key(actor, key, service_id, beneficiary_id)):
                return ReservationResult(found, created=False)
            view = service_view(service, None, settings)
            excluded = exclusions(view.facts, await person_facts(beneficiary_id), matter)
            if excluded:
                raise Conflict(exclusion_text(excluded[0]))
            if await Reservation.exists().where(
                (Reservation.beneficiary == beneficiary_id)
                & (Reservation.service == service_id)
                & (Reservation.status == "pending")
            ):
                raise Conflict(_("The person has this service reserved already."))
            await _take_units(service_id, units)
            reservation = Reservation(
                service=service_id,
                provider=service["provider"],
                beneficiary=beneficiary_id,
                organisation=actor.organisation_id,
                created_by=actor.user_id,
                created_at=created_at,
                expires_at=created_at + timedelta(hours=settings.hold_hours),
                units=units,
                matter=matter,
                idempotency_key=key,
            )
            await reservation.save()
            await audit.record(
                "reservation.created",
                actor=actor,
                object_type="reservation",
                object_id=reservation.id,
                detail={"service_id": service_id, "beneficiary_id": beneficiary_id},
            )
            made = reservation_view(await reservation_row(int(reservation.id)), with_code=True)
            await _schedule_expiry(made)
    except Exception as error:
        if not is_constraint_error(error):
            raise
        # A concurrent request won a race the UNIQUE indexes settle (PostgreSQL).
        if key is not None and (found := await _by_key(actor, key, service_id, beneficiary_id)):
            return ReservationResult(found, created=False)
        raise Conflict(_("The person has this service reserved already.")) from None
    return ReservationResult(made, created=True)


async def _take_units(service_id: int, units: int) -> None:
    """One conditional UPDATE and no read before it: of concurrent attempts on the last unit
    only one finds ``available >= units``."""
    taken = (
        await Service.update(
            {
                Service.available: Service.available - units,
                Service.reserved: Service.reserved + units,
                Service.version: Service.version + 1,
            }
        )
        .where(
            (Service.id == service_id)
            & (Service.active == True)  # noqa: E712
            & (Service.available >= units)
        )
        .returning(Service.id)
    )
    if not taken:
        raise NoCapacity(
            _("Nothing is left of this service's capacity. Choose another or try later.")
        )


async def _give_back(service_id: int, units: int) -> int | None:
    """The units of a reservation that ended unused are available again, up to the maximum
    (the provider may have lowered it meanwhile). Returns what is available after, when that
    rose; None when the service was full to its maximum already."""
    given = (
        await Service.update(
            {
                Service.available: Service.available + units,
                Service.reserved: Service.reserved - units,
                Service.version: Service.version + 1,
            }
        )
        .where((Service.id == service_id) & WhereRaw('"available" + {} <= "maximum"', units))
        .returning(Service.available)
    )
    if not given:
        given = (
            await Service.update(
                {
                    Service.available: Service.maximum,
                    Service.reserved: Service.reserved - units,
                    Service.version: Service.version + 1,
                }
            )
            .where((Service.id == service_id) & WhereRaw('"available" < "maximum"'))
            .returning(Service.available)
        )
    if not given:
        await Service.update(
            {Service.reserved: Service.reserved - units, Service.version: Service.version + 1}
        ).where(Service.id == service_id)
        return None
    return int(given[0]["available"])


async def _by_key(
    actor: Actor, key: str, service_id: int, beneficiary_id: int
) -> ReservationView | None:
    """The reservation an earlier request with this key made; a key reused for another service
    or person is refused rather than answered with the wrong reservation."""
    found = (
        await Reservation.select(Reservation.id, Reservation.service, Reservation.beneficiary)
        .where(
            (Reservation.organisation == actor.organisation_id)
            & (Reservation.idempotency_key == key)
        )
        .first()
    )
    if found is None:
        return None
    if (found["service"], found["beneficiary"]) != (service_id, beneficiary_id):
        raise Conflict(_("This form has been sent already. Reload the page and try again."))
    return reservation_view(await reservation_row(found["id"]), with_code=True)


async def _schedule_expiry(reservation: ReservationView) -> None:
    """The expiry job at the deadline; should it be lost, the sweep expires the reservation."""
    try:
        await enqueue(
            "expire_reservation",
            reservation.id,
            job_id=f"reservation-expiry:{reservation.id}",
            defer_until=reservation.expires_at,
        )
    except QueueNotOpenError as error:
        log.warning(
            "expiry of reservation %s not scheduled (%s); the sweep will expire it",
            reservation.id,
            error,
        )


# --- ending a reservation ------------------------------------------------------------------


async def _end(
    reservation_id: int,
    status: str,
    *,
    actor: Actor | None,
    reason: str | None = None,
    only_if_due: bool = False,
    with_code: bool = False,
) -> ReservationView | None:
    """Move a pending reservation to ``status`` by a conditional UPDATE (the first answer wins;
    a second finds it answered and changes nothing) and settle its units; None when it was not
    pending (or, with ``only_if_due``, not yet due)."""
    condition = (Reservation.id == reservation_id) & (Reservation.status == "pending")
    if only_if_due:
        condition = condition & (Reservation.expires_at <= now())
    async with write_transaction():
        ended = (
            await Reservation.update(
                {
                    Reservation.status: status,
                    Reservation.answered_at: now(),
                    Reservation.answered_by: actor.user_id if actor else None,
                    Reservation.decline_reason: reason,
                }
            )
            .where(condition)
            .returning(Reservation.service, Reservation.units)
        )
        if not ended:
            return None
        service_id, units = ended[0]["service"], ended[0]["units"]
        if status in RETURNS_UNITS:
            if (available := await _give_back(service_id, units)) is not None:
                await record_rise(service_id, status, available, actor)
        else:  # accepted: the units are used, no longer only reserved
            await Service.update({Service.reserved: Service.reserved - units}).where(
                Service.id == service_id
            )
        await audit.record(
            f"reservation.{status}",
            actor=actor,
            object_type="reservation",
            object_id=reservation_id,
            detail={"reason": reason} if reason else None,
        )
    return reservation_view(await reservation_row(reservation_id), with_code=with_code)


def _not_pending() -> Conflict:
    return Conflict(_("The reservation has been answered already."))


async def _for_provider(actor: Actor, reservation_id: int) -> dict[str, Any]:
    row = await reservation_row(reservation_id)
    if not provides(actor, row["provider"]):
        raise NotFound
    require(actor, "reservation.answer", row["provider"])
    return row


async def accept_reservation(actor: Actor, reservation_id: int) -> ReservationView:
    """The provider takes the person on: the reserved units are used."""
    await _for_provider(actor, reservation_id)
    if (ended := await _end(reservation_id, "accepted", actor=actor)) is None:
        raise _not_pending()
    return ended


async def decline_reservation(actor: Actor, reservation_id: int, reason: str) -> ReservationView:
    """The provider declines with a reason (a code, no free text about the person)."""
    await _for_provider(actor, reservation_id)
    if reason not in DECLINE_REASONS:
        raise InvalidInput({"reason": _("Choose a reason.")})
    if (ended := await _end(reservation_id, "declined", actor=actor, reason=reason)) is None:
        raise _not_pending()
    return ended


async def release_reservation(actor: Actor, reservation_id: int) -> ReservationView:
    """The reserving organisation no longer needs it: the units are available again."""
    row = await reservation_row(reservation_id)
    if row["organisation"] != actor.organisation_id:
        raise NotFound
    require(actor, "reservation.release", row["organisation"])
    if (ended := await _end(reservation_id, "released", actor=actor, with_code=True)) is None:
        raise _not_pending()
    return ended


async def expire_reservation(reservation_id: int) -> bool:
    """Expire a reservation whose time is up (the expiry job and the sweep); False when it was
    answered, released or not yet due, so running twice changes nothing."""
    return await _end(reservation_id, "expired", actor=None, only_if_due=True) is not None


async def release_unfunded_reservation(reservation_id: int) -> bool:
    """Give a pending reservation's units back because its funding was refused (matching's
    sweep, for the system); False when it was no longer pending."""
    return await _end(reservation_id, "released", actor=None) is not None


async def reservation_facts(reservation_id: int) -> ReservationView:
    """A reservation without the person's code, for the funding link (the system's read)."""
    return reservation_view(await reservation_row(reservation_id), with_code=False)


async def expire_overdue() -> int:
    """The sweep: expire every pending reservation past its time (a lost job's backstop)."""
    due = await Reservation.select(Reservation.id).where(
        (Reservation.status == "pending") & (Reservation.expires_at <= now())
    )
    return sum([await expire_reservation(row["id"]) for row in due])


# --- a case that closes or returns home ---------------------------------------------------


async def pending_reservations_of_case(beneficiary_id: int) -> list[ReservationView]:
    """The person's reservations still waiting for a provider (a case ending lists them)."""
    rows = await Reservation.select(*RESERVATION_COLUMNS).where(
        (Reservation.beneficiary == beneficiary_id) & (Reservation.status == "pending")
    )
    return [reservation_view(row, with_code=True) for row in rows]


async def end_reservations_of_case(actor: Actor, beneficiary_id: int) -> list[ReservationView]:
    """Release them inside the caller's transaction (the units go back, each audited)."""
    ended = []
    for pending in await pending_reservations_of_case(beneficiary_id):
        released = await _end(pending.id, "released", actor=actor, with_code=True)
        if released is not None:
            ended.append(released)
    return ended


# --- lists ---------------------------------------------------------------------------------


async def reservations_of_organisation(actor: Actor) -> list[ReservationView]:
    """The reservations the actor's organisation made, newest first (with the cases' codes)."""
    require(actor, "reservation.list")
    rows = (
        await Reservation.select(*RESERVATION_COLUMNS)
        .where(Reservation.organisation == (actor.organisation_id or 0))
        .order_by(Reservation.created_at, ascending=False)
        .limit(200)
    )
    return [reservation_view(row, with_code=True) for row in rows]


async def reservations_for_provider(actor: Actor) -> list[ReservationView]:
    """The reservations of the actor's provider, newest first. The person's minimal profile is
    shown only while their consent to share with this provider holds; each read is audited."""
    require(actor, "provider.operate")
    provider_id = actor.organisation_id or 0
    rows = (
        await Reservation.select(*RESERVATION_COLUMNS)
        .where(Reservation.provider == provider_id)
        .order_by(Reservation.created_at, ascending=False)
        .limit(200)
    )
    views = []
    for row in rows:
        view = reservation_view(row, with_code=False)
        if view.status in {"pending", "accepted"} and await beneficiaries.has_valid_consent(
            view.beneficiary_id, CONSENT_SCOPE, provider_id
        ):
            async with write_transaction():
                await audit.record(
                    "beneficiary.minimal_profile_read",
                    actor=actor,
                    object_type="beneficiary",
                    object_id=view.beneficiary_id,
                    detail={"reservation_id": view.id},
                )
            view = _with_profile(view, await beneficiaries.minimal_profile(view.beneficiary_id))
        views.append(view)
    return views


def _with_profile(view: ReservationView, profile: MinimalProfile) -> ReservationView:
    return replace(view, profile=profile, code=profile.code)


async def reservation_for_api(actor: Actor, reservation_id: int) -> ReservationView:
    """One reservation: for the reserving organisation (with the code) or the provider."""
    require(actor, "reservation.read")
    row = await reservation_row(reservation_id)
    if row["organisation"] == actor.organisation_id:
        return reservation_view(row, with_code=True)
    if provides(actor, row["provider"]):
        return reservation_view(row, with_code=False)
    raise NotFound


async def broken_invariants() -> list[str]:
    """What does not add up (tests and `fristad check`): each service's reserved units are its
    pending reservations' units, and available lies between 0 and the maximum."""
    problems = []
    pending: dict[int, int] = {}
    for row in await Reservation.select(Reservation.service, Reservation.units).where(
        Reservation.status == "pending"
    ):
        pending[row["service"]] = pending.get(row["service"], 0) + row["units"]
    for row in await Service.select(
        Service.id, Service.available, Service.maximum, Service.reserved
    ):
        if row["reserved"] != pending.get(row["id"], 0):
            problems.append(f"service {row['id']}: reserved {row['reserved']} != pending")
        if not 0 <= row["available"] <= row["maximum"]:
            problems.append(f"service {row['id']}: available out of range")
    return problems
