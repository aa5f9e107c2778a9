"""Building blocks for case-plan tests: an NGO with a caseworker, a second NGO whose
coordinator supports the region, and a case shared between them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from accounts import services as accounts
from accounts.domain import Actor, Role
from beneficiaries import services as beneficiaries
from beneficiaries.schemas import ConsentForm
from fristad import i18n
from tests.accounts.helpers import TestUser, make_org, make_user
from tests.beneficiaries.helpers import actor_of, make_beneficiary

CHILD_BORN = date.today().year - 16


@dataclass
class PlanWorld:
    ngo_id: int
    caseworker: Actor
    caseworker_user: TestUser
    other_ngo_id: int
    coordinator: Actor
    coordinator_user: TestUser
    stranger: Actor

    async def token(self, actor: Actor, scopes: tuple[str, ...] = ("read", "write")) -> str:
        _id, token = await accounts.create_token(actor, "tests", list(scopes))
        return token


async def make_plan_world() -> PlanWorld:
    i18n.activate("en")
    ngo_id = await make_org("Stiftelsen Trygg Hamn", "802471350")
    caseworker_user = await make_user(
        "lina@trygghamn.example", organisation_id=ngo_id, role=Role.CASEWORKER
    )
    other_ngo_id = await make_org("Bergslagens kvinnojour", "802471368")
    coordinator_user = await make_user(
        "sara@kvinnojour.example",
        organisation_id=other_ngo_id,
        role=Role.COORDINATOR,
        region="stockholm",
        mfa=True,
    )
    stranger_org = await make_org("Främmande förening", "802471376")
    stranger = await make_user(
        "ola@frammande.example", organisation_id=stranger_org, role=Role.CASEWORKER
    )
    return PlanWorld(
        ngo_id=ngo_id,
        caseworker=await actor_of(caseworker_user.id),
        caseworker_user=caseworker_user,
        other_ngo_id=other_ngo_id,
        coordinator=await actor_of(coordinator_user.id),
        coordinator_user=coordinator_user,
        stranger=await actor_of(stranger.id),
    )


async def make_case(world: PlanWorld, *, shared: bool = False, **overrides: Any) -> int:
    """A case of the world's NGO (an adult by default), shared with the coordinator's NGO."""
    beneficiary_id = await make_beneficiary(world.caseworker, **overrides)
    if shared:
        await beneficiaries.record_consent(
            world.caseworker,
            beneficiary_id,
            ConsentForm(scope="share_organisation", organisation_id=world.other_ngo_id),
        )
        share_id = await beneficiaries.share_case(
            world.caseworker, beneficiary_id, world.other_ngo_id
        )
        await beneficiaries.answer_share(world.coordinator, share_id, accept=True)
    return beneficiary_id
