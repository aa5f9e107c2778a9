"""The return programme's part of the demo world: IOM as partner with its staff, a return
officer at Länsstyrelsen, and the source's two stories — the 17-year-old from Romania who
returned home via IOM with an escort, and "X", 24, with two small children, whose appeal lawyer
is funded and whose return plan is prepared in case the appeal fails. Runs after grants."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

from stdnum import luhn

from accounts import services as accounts
from accounts.demo import DEMO_PASSWORD
from accounts.domain import Actor, Role
from accounts.tables import Membership, Organisation, User
from beneficiaries import services as beneficiaries
from beneficiaries.schemas import BeneficiaryForm, ConsentForm
from fristad.errors import DomainError
from grants import services as grants
from grants.schemas import CostLineIn, RequestIn
from pathways import services
from pathways.returns_schemas import CostIn
from pathways.tables import ReturnPlan

IOM_STAFF = ("aino@iom.example", "Aino Virtanen")
RETURN_OFFICER = ("ulla@lansstyrelsen.example", "Ulla Sandberg")


def _org_number(first_nine: str) -> str:
    digits = first_nine + luhn.calc_check_digit(first_nine)
    return f"{digits[:6]}-{digits[6:]}"


async def _actor_of(email: str) -> Actor | None:
    user = await User.select(User.id).where(User.email == email).first()
    if user is None:
        return None
    membership = await Membership.select(Membership.id).where(Membership.user == user["id"]).first()
    return await accounts.load_actor(
        user["id"], session_epoch=None, membership_id=membership["id"] if membership else None
    )


async def _person(actor: Actor, form: BeneficiaryForm) -> int:
    beneficiary_id = (await beneficiaries.create_beneficiary(actor, form, None)).id
    for scope in ("share_iom", "share_funder"):
        await beneficiaries.record_consent(actor, beneficiary_id, ConsentForm(scope=scope))
    return beneficiary_id


async def populate() -> list[str]:
    if await ReturnPlan.count():
        return ["Demo returns: the database has return plans already; nothing added."]
    authority = (
        await Organisation.select(Organisation.id)
        .where(Organisation.org_number == _org_number("202100231"))
        .first()
    )
    caseworker = await _actor_of("lina@trygghamn.example")
    if authority is None or caseworker is None:
        return ["Demo returns: no Länsstyrelsen or caseworker to work with."]
    iom_id = await accounts.create_organisation(
        None,
        accounts.NewOrganisation(
            name="IOM Helsingfors (demo)", org_number=_org_number("802540019"), is_partner=True
        ),
    )
    for (email, name), organisation_id, role in (
        (IOM_STAFF, iom_id, Role.PARTNER_STAFF),
        (RETURN_OFFICER, authority["id"], Role.RETURN_OFFICER),
    ):
        user_id = await accounts.create_user(
            email, name, DEMO_PASSWORD, is_demo=True, check_strength=False
        )
        await accounts.add_membership(None, user_id, organisation_id, role, None)
    iom = await _actor_of(IOM_STAFF[0])
    officer = await _actor_of(RETURN_OFFICER[0])
    assert iom is not None
    assert officer is not None
    year = datetime.now(UTC).year
    lines = [
        "",
        "Demo return programme (password as above):",
        f"  {IOM_STAFF[0]:<32} {Role.PARTNER_STAFF} @ IOM Helsingfors (demo)",
        f"  {RETURN_OFFICER[0]:<32} {Role.RETURN_OFFICER} @ Länsstyrelsen i Stockholm",
    ]
    # The 17-year-old from Romania: returned home via IOM with an escort from social services.
    girl = await _person(
        caseworker,
        BeneficiaryForm(
            gender="woman",
            birth_year=year - 17,
            citizenship="RO",
            languages=["ro"],
            exploitation_types=["sexual_exploitation"],
            identified_by="social_services",
            region="bergslagen",
            migration_status="eu_citizen",
            gap="Ingen kommun tar ansvar för hemresan; socialtjänsten eskorterar.",
            needs=["shelter", "return_support", "interpreter"],
            interpreter_language="ro",
            shelter_requirements=["women_only"],
        ),
    )
    plan = await services.refer_to_return(
        caseworker,
        services.ReferralIn(
            beneficiary_id=girl,
            authority_id=authority["id"],
            country="RO",
            language="ro",
            interpreter_present=True,
        ),
    )
    await services.accept_referral(officer, plan.id, iom_id)
    accepted = await services.get_return_plan(officer, plan.id)
    for task in accepted.tasks:
        if task.stage != "after":
            await services.move_task(officer, plan.id, task.id, "done")
    departed = await services.record_departure(iom, plan.id)
    for task in departed.tasks:
        if task.kind in ("housing", "schooling_work", "healthcare", "follow_up_1", "follow_up_3"):
            outcome = "supported" if task.kind.startswith("follow_up") else None
            await services.move_task(iom, plan.id, task.id, "done", outcome=outcome)
    lines.append(f"  {departed.code}: returned home to Romania via IOM with an escort.")
    # "X", 24, with two small children: the appeal lawyer funded, a return plan prepared.
    x = await _person(
        caseworker,
        BeneficiaryForm(
            gender="woman",
            birth_year=year - 24,
            citizenship="NG",
            languages=["en", "pcm"],
            children_count=2,
            children_ages=[1, 3],
            exploitation_types=["sexual_exploitation"],
            region="stockholm",
            migration_status="asylum_seeker",
            gap="Avslag på asylansökan; överklagandet behöver ett ombud som ingen betalar.",
            needs=["shelter", "legal_aid", "return_support"],
            shelter_requirements=["with_children"],
        ),
    )
    programmes = await grants.open_programmes()
    if programmes:
        today = datetime.now(UTC).date()
        with contextlib.suppress(DomainError):
            lawyer = await grants.create_request(
                caseworker,
                RequestIn(
                    programme_id=programmes[0].id,
                    beneficiary_id=x,
                    category="legal_aid",
                    period_start=today,
                    period_end=today + timedelta(days=90),
                    justification="Ombud för överklagandet av avslaget på asylansökan.",
                    lines=[
                        CostLineIn(
                            description="Ombud", quantity=10, unit="hour", unit_price=150_000
                        )
                    ],
                ),
            )
            await grants.submit(caseworker, lawyer)
            karin = await _actor_of("karin@lansstyrelsen.example")
            if karin is not None:
                await grants.start_review(karin, lawyer)
                await grants.decide(karin, lawyer, 1_500_000, "Överklagandet har goda skäl.")
    x_plan = await services.refer_to_return(
        caseworker,
        services.ReferralIn(
            beneficiary_id=x, authority_id=authority["id"], country="NG", language="en"
        ),
    )
    await services.accept_referral(officer, x_plan.id, iom_id)
    if programmes:
        with contextlib.suppress(DomainError):
            await services.draft_return_cost(
                caseworker,
                x_plan.id,
                CostIn(
                    programme_id=programmes[0].id,
                    travel=1_200_000,
                    escort=0,
                    reintegration=2_000_000,
                ),
            )
    lines.append(f"  {x_plan.code}: appeal lawyer funded; return plan prepared if it fails.")
    return lines
