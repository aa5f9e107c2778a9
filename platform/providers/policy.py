"""Providers' actions in the policy table (accounts.policy); reach is decided in services.

The object of the provider actions is the provider organisation's id: staff act only for their
own organisation's services.
"""

from __future__ import annotations

from typing import Any

from accounts.domain import Actor, Role
from accounts.policy import ALLOW, Decision, deny, rule
from fristad.i18n import gettext as _

# Who may see how much capacity a service has left (the directory hides the numbers from others).
CAPACITY_ROLES = (Role.CASEWORKER, Role.COORDINATOR, Role.OFFICER)
RESERVING_ROLES = (Role.CASEWORKER, Role.COORDINATOR)
# A provider's people: services take their reach (and whom to notify) from this too.
PROVIDER_ROLES = (Role.PROVIDER_STAFF, Role.ORG_ADMIN)


def _provides(actor: Actor, provider_id: int | None) -> bool:
    membership = actor.membership
    return (
        membership is not None
        and membership.is_provider
        and actor.organisation_id == provider_id
        and actor.has_role(*PROVIDER_ROLES)
    )


@rule("service.directory", scope="read")
def _directory(actor: Actor, _obj: Any) -> Decision:
    """The directory of services is for everyone signed in to an organisation."""
    if actor.is_admin or actor.membership is not None:
        return ALLOW
    return deny(_("Sign in to an organisation to see the directory of services."))


@rule("service.capacity", scope="read")
def _capacity(actor: Actor, provider_id: int | None) -> Decision:
    if actor.is_admin or actor.has_role(*CAPACITY_ROLES) or _provides(actor, provider_id):
        return ALLOW
    return deny(_("Capacity is shown to caseworkers, coordinators, officers and the provider."))


@rule("provider.operate", scope="read")
def _operate(actor: Actor, _obj: Any) -> Decision:
    """The provider pages: staff and administrators of a service provider."""
    membership = actor.membership
    if membership and membership.is_provider and actor.has_role(*PROVIDER_ROLES):
        return ALLOW
    return deny(_("Only a service provider's staff keep its services."))


@rule("service.manage", scope="write")
def _manage(actor: Actor, provider_id: int | None) -> Decision:
    if actor.is_admin or _provides(actor, provider_id):
        return ALLOW
    return deny(_("Only the provider's own staff register and describe its services."))


@rule("service.update", scope="write")
def _update(actor: Actor, provider_id: int | None) -> Decision:
    if _provides(actor, provider_id):
        return ALLOW
    return deny(_("Only the provider's own staff update its capacity."))


@rule("service.edit", scope="write")
def _edit(actor: Actor, provider_id: int | None) -> Decision:
    """A registered service is described by the provider's own staff and administrators."""
    if _provides(actor, provider_id):
        return ALLOW
    return deny(_("Only the provider's own staff change its services."))


@rule("reservation.create", scope="write")
def _reserve(actor: Actor, _obj: Any) -> Decision:
    if actor.has_role(*RESERVING_ROLES):
        return ALLOW
    return deny(_("Only caseworkers and coordinators reserve services."))


@rule("reservation.list", scope="read")
def _list(actor: Actor, _obj: Any) -> Decision:
    """The reservations one's own organisation made: the reservers'."""
    if actor.has_role(*RESERVING_ROLES):
        return ALLOW
    return deny(_("Only caseworkers and coordinators reserve services."))


@rule("reservation.read", scope="read")
def _read(actor: Actor, _obj: Any) -> Decision:
    """Reservers and a provider's people read reservations; services decide which (their own)."""
    if actor.has_role(*RESERVING_ROLES, *PROVIDER_ROLES):
        return ALLOW
    return deny(_("Only caseworkers, coordinators and a provider's staff see reservations."))


@rule("reservation.answer", scope="write")
def _answer(actor: Actor, provider_id: int | None) -> Decision:
    if _provides(actor, provider_id):
        return ALLOW
    return deny(_("Only the provider's staff answer a reservation."))


@rule("reservation.release", scope="write")
def _release(actor: Actor, organisation_id: int | None) -> Decision:
    if actor.organisation_id == organisation_id and actor.has_role(*RESERVING_ROLES):
        return ALLOW
    return deny(_("Only the caseworkers of the organisation that reserved release it."))
