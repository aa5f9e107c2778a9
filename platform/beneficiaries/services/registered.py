"""What happens when a person is registered or their data is erased, for apps above
beneficiaries (which it may not import): the composition root hands over each app's hook, and
they run in the registration's or the erasure's own transaction, so the two commit together."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from accounts.domain import Actor
from beneficiaries.services.models import BeneficiaryRecord

Registered = Callable[[Actor, BeneficiaryRecord], Awaitable[None]]
_hooks: list[Registered] = []


def on_registration(hook: Registered) -> None:
    """The composition root adds an app's hook (e.g. pathways starts the minors' path)."""
    if hook not in _hooks:
        _hooks.append(hook)


async def announce_registration(actor: Actor, record: BeneficiaryRecord) -> None:
    """Run every hook for a person just registered (inside the registration's transaction)."""
    for hook in _hooks:
        await hook(actor, record)


Anonymised = Callable[[int], Awaitable[None]]
_erasure_hooks: list[Anonymised] = []


def on_anonymised(hook: Anonymised) -> None:
    """The composition root adds an app's hook that erases what it keeps about a person (e.g.
    pathways the guardian of the minors' path); called with the person's id."""
    if hook not in _erasure_hooks:
        _erasure_hooks.append(hook)


async def announce_anonymised(beneficiary_id: int) -> None:
    """Run every hook for a person whose data was just erased (inside the erasure's transaction)."""
    for hook in _erasure_hooks:
        await hook(beneficiary_id)
