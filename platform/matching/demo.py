"""Three invented people for whom help now has something to show (after the shelters demo):
a 16-year-old girl in Bergslagen, whose region's minors' place is full but the next region has
one; a mother of two in Stockholm, who needs a family room; a man trafficked for forced labour in
Väst, for whom few shelters exist."""

from __future__ import annotations

from datetime import date

from accounts import services as accounts
from accounts.domain import Role
from accounts.tables import Membership
from beneficiaries import services as beneficiaries
from beneficiaries.schemas import BeneficiaryForm, ConsentForm
from beneficiaries.tables import Beneficiary

MARKER = "Demo: help now"
STORIES = [
    BeneficiaryForm(
        gender="woman",
        birth_year=date.today().year - 16,
        citizenship="RO",
        languages=["ro"],
        exploitation_types=["sexual_exploitation"],
        trafficking_status="presumed",
        identified_by="police",
        region="bergslagen",
        municipality="1880",  # Örebro
        migration_status="eu_citizen",
        gap=f"{MARKER}. Hittad vid en razzia; socialtjänsten har ännu inte fattat beslut.",
        needs=["shelter", "interpreter"],
        interpreter_language="ro",
    ),
    BeneficiaryForm(
        gender="woman",
        birth_year=2002,
        citizenship="NG",
        languages=["en"],
        children_count=2,
        children_ages=[2, 5],
        exploitation_types=["sexual_exploitation"],
        trafficking_status="confirmed",
        identified_by="ngo",
        region="stockholm",
        municipality="0180",  # Stockholm
        migration_status="temporary_permit",
        gap=f"{MARKER}. Det tillfälliga uppehållstillståndet har gått ut; överklagande pågår.",
        needs=["shelter", "legal_aid"],
        shelter_requirements=["with_children"],
    ),
    BeneficiaryForm(
        gender="man",
        birth_year=1984,
        citizenship="UA",
        languages=["uk", "ru"],
        exploitation_types=["forced_labour"],
        trafficking_status="presumed",
        identified_by="social_services",
        region="vast",
        municipality="1480",  # Göteborg
        migration_status="other",
        gap=f"{MARKER}. Ingen myndighet har ansvar; arbetsgivaren har tagit passet.",
        needs=["shelter", "legal_aid"],
    ),
]


async def populate() -> list[str]:
    caseworker = (
        await Membership.select(Membership.user, Membership.id)
        .where((Membership.role == Role.CASEWORKER) & (Membership.active == True))  # noqa: E712
        .order_by(Membership.id)
        .first()
    )
    if caseworker is None or not await Beneficiary.count():
        return ["Demo matching: no caseworker or no cases; nothing added."]
    actor = await accounts.load_actor(
        caseworker["user"], session_epoch=None, membership_id=caseworker["id"]
    )
    assert actor is not None
    last = STORIES[-1]
    if await Beneficiary.exists().where(
        (Beneficiary.birth_year == last.birth_year)
        & (Beneficiary.region == last.region)
        & (Beneficiary.citizenship == last.citizenship)
    ):
        return ["Demo matching: the help-now people are there already."]
    codes = []
    for story in STORIES:
        record = await beneficiaries.create_beneficiary(actor, story, None)
        for scope in ("store_data", "share_shelter", "share_funder"):
            await beneficiaries.record_consent(actor, record.id, ConsentForm(scope=scope))
        codes.append(record.code)
    return [
        "Demo matching: open these cases and look under Help now: "
        + ", ".join(codes)
        + " (a 16-year-old girl in Bergslagen, a mother of two, a man in forced labour)."
    ]
