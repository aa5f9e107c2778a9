"""What happens when a person is registered, for apps above beneficiaries (which it may not
import): the composition root hands over each app's hook, and they run in the registration's
own transaction, so a registration and what it starts (the minors' path) commit together."""

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
