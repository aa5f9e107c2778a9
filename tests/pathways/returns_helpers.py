"""Building blocks for the return programme's tests: an NGO with a caseworker and a case that
wants to return home, Länsstyrelsen with a return officer, IOM with its staff."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accounts import services as accounts
from accounts.domain import Actor, Role
from beneficiaries import services as beneficiaries
from beneficiaries.schemas import ConsentForm
from fristad import i18n
from pathways import services
from tests.accounts.helpers import TestUser, make_org, make_user, org_number
from tests.beneficiaries.helpers import actor_of, make_beneficiary


@dataclass
class ReturnWorld:
    ngo_id: int
    caseworker: TestUser
    caseworker_actor: Actor
    authority_id: int
    return_officer: TestUser
    return_officer_actor: Actor
    iom_id: int
    iom_staff: TestUser
    iom_actor: Actor
    beneficiary_id: int


async def make_return_world(*, consent: bool = True, **case: Any) -> ReturnWorld:
    """The world, and a Romanian woman (a case of the NGO) who needs support to return home
    and (unless told otherwise) consented to sharing with IOM. Messages in English."""
    i18n.activate("en")
    ngo_id = await make_org("Stiftelsen Trygg Hamn", "802471350")
    caseworker = await make_user(
        "lina@trygghamn.example", organisation_id=ngo_id, role=Role.CASEWORKER
    )
    authority_id = await make_org("Länsstyrelsen Stockholm", "202100223", ngo=False, authority=True)
    return_officer = await make_user(
        "sara@lansstyrelsen.example",
        organisation_id=authority_id,
        role=Role.RETURN_OFFICER,
        mfa=True,
    )
    iom_id = await accounts.create_organisation(
        None,
        accounts.NewOrganisation(
            name="IOM Helsinki", org_number=org_number("802500123"), is_partner=True
        ),
    )
    iom_staff = await make_user("mika@iom.example", organisation_id=iom_id, role=Role.PARTNER_STAFF)
    caseworker_actor = await actor_of(caseworker.id)
    beneficiary_id = await make_beneficiary(
        caseworker_actor,
        needs=case.pop("needs", ["shelter", "return_support"]),
        consents=("share_iom",) if consent else (),
        **case,
    )
    return ReturnWorld(
        ngo_id=ngo_id,
        caseworker=caseworker,
        caseworker_actor=caseworker_actor,
        authority_id=authority_id,
        return_officer=return_officer,
        return_officer_actor=await actor_of(return_officer.id),
        iom_id=iom_id,
        iom_staff=iom_staff,
        iom_actor=await actor_of(iom_staff.id),
        beneficiary_id=beneficiary_id,
    )


def referral(world: ReturnWorld, **overrides: Any) -> services.ReferralIn:
    values: dict[str, Any] = {
        "beneficiary_id": world.beneficiary_id,
        "authority_id": world.authority_id,
        "country": "RO",
        "language": "ro",
        "interpreter_present": True,
    }
    values.update(overrides)
    return services.ReferralIn(**values)


async def accepted_plan(world: ReturnWorld) -> int:
    """Referred by the caseworker and accepted by the return officer with IOM brought in."""
    plan = await services.refer_to_return(world.caseworker_actor, referral(world))
    await services.accept_referral(world.return_officer_actor, plan.id, world.iom_id)
    return plan.id


async def share_iom_consent_id(world: ReturnWorld) -> int:
    consents = await beneficiaries.consents_of(world.caseworker_actor, world.beneficiary_id)
    return next(entry.id for entry in consents if entry.scope == "share_iom")


async def give_share_iom(world: ReturnWorld) -> None:
    await beneficiaries.record_consent(
        world.caseworker_actor, world.beneficiary_id, ConsentForm(scope="share_iom")
    )
