"""Unmet demand: searches that found nothing and holds refused for lack of a bed (no identity)."""

from __future__ import annotations

from beneficiaries.services import CaseFacts
from matching.services.facts import now
from matching.tables import UnmetDemand


def target_group_of(case: CaseFacts) -> str:
    """The target group a person would be placed in, for the count (not for matching)."""
    if case.is_minor:
        return "minors"
    if case.children_count:
        return "families"
    return {"woman": "women", "man": "men"}.get(case.gender, "")


async def record_unmet(case: CaseFacts, kind: str, help: str = "shelter") -> None:
    """One row of unmet demand; coded facts only, so statistics can count it forever."""
    await UnmetDemand.insert(
        UnmetDemand(
            at=now(),
            kind=kind,
            help=help,
            region=case.region,
            age_band=case.age_band,
            gender=case.gender,
            target_group=target_group_of(case),
            protected=case.protected_identity != "none",
        )
    )
