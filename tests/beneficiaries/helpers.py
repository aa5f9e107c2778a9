"""Building blocks for tests that need people in the system (also used by shelters and grants)."""

from __future__ import annotations

from typing import Any

from accounts import services as accounts
from accounts.domain import Actor
from beneficiaries import services
from beneficiaries.schemas import BeneficiaryForm, ConsentForm, IdentityForm


async def actor_of(user_id: int, membership_id: int | None = None) -> Actor:
    actor = await accounts.load_actor(user_id, session_epoch=None, membership_id=membership_id)
    assert actor is not None
    return actor


def record(**overrides: Any) -> BeneficiaryForm:
    values: dict[str, Any] = {
        "gender": "woman",
        "birth_year": 1996,
        "citizenship": "RO",
        "languages": ["ro", "en"],
        "exploitation_types": ["sexual_exploitation"],
        "region": "stockholm",
        "municipality": "0180",
        "migration_status": "eu_citizen",
        "gap": "Ingen kommun tar ansvar: EU-medborgare utan uppehållsrätt.",
        "needs": ["shelter", "legal_aid"],
        "shelter_requirements": ["women_only"],
    }
    values.update(overrides)
    return BeneficiaryForm(**values)


async def make_beneficiary(
    actor: Actor,
    *,
    identity: IdentityForm | None = None,
    consents: tuple[str, ...] = (),
    **overrides: Any,
) -> int:
    """Register a person as ``actor`` (a caseworker) with the given consents in force."""
    beneficiary_id = (await services.create_beneficiary(actor, record(**overrides), identity)).id
    for scope in consents:
        await services.record_consent(actor, beneficiary_id, ConsentForm(scope=scope))
    return beneficiary_id
