"""About 60 invented people across organisations, regions, nationalities and exploitation types."""

from __future__ import annotations

import random

from accounts import services as accounts
from accounts.domain import Role
from accounts.tables import Membership
from beneficiaries import services
from beneficiaries.schemas import BeneficiaryForm, ConsentForm, IdentityForm
from beneficiaries.tables import Beneficiary
from fristad.regions import municipalities_in

COUNT = 60
CITIZENSHIPS = ["RO", "BG", "NG", "VN", "TH", "UA", "AL", "MA", "SE", "CN", "ER", "HU", "PH"]
LANGUAGES = {
    "RO": "ro",
    "BG": "bg",
    "NG": "en",
    "VN": "vi",
    "TH": "th",
    "UA": "uk",
    "AL": "sq",
    "MA": "ar",
    "SE": "sv",
    "CN": "zh",
    "ER": "ti",
    "HU": "hu",
    "PH": "tl",
}
FIRST_NAMES = [
    "Ana",
    "Maria",
    "Ioana",
    "Blessing",
    "Linh",
    "Somchai",
    "Olena",
    "Arben",
    "Fatima",
    "Mei",
    "Saba",
    "Eszter",
    "Joy",
    "Elena",
    "Tuan",
    "Ivan",
]
EXPLOITATION = [
    "sexual_exploitation",
    "forced_labour",
    "forced_begging",
    "criminal_activities",
    "forced_marriage",
    "other",
]
REGIONS = ["stockholm", "vast", "syd", "ost", "mitt", "nord", "bergslagen"]


async def populate() -> list[str]:
    if await Beneficiary.count():
        return ["Demo people: the database has cases already; nothing added."]
    caseworkers = await Membership.select(Membership.user, Membership.id).where(
        (Membership.role == Role.CASEWORKER) & (Membership.active == True)  # noqa: E712
    )
    if not caseworkers:
        return ["Demo people: no caseworkers to register them."]
    generator = random.Random(2026)  # noqa: S311 - demo data, not security  # nosec B311
    closed = 0
    for number in range(COUNT):
        membership = caseworkers[number % len(caseworkers)]
        actor = await accounts.load_actor(
            membership["user"], session_epoch=None, membership_id=membership["id"]
        )
        assert actor is not None
        citizenship = generator.choice(CITIZENSHIPS)
        region = generator.choice(REGIONS)
        minor = number % 11 == 0
        gender = "woman" if generator.random() < 0.7 else generator.choice(["man", "non_binary"])
        children = generator.choice([0, 0, 0, 1, 2]) if not minor else 0
        needs = generator.sample(
            ["shelter", "legal_aid", "rehabilitation", "healthcare", "return_support"],
            k=generator.randint(1, 3),
        )
        language = LANGUAGES[citizenship]
        if language != "sv":
            needs.append("interpreter")
        form = BeneficiaryForm(
            gender=gender,
            birth_year=2026 - (generator.randint(14, 17) if minor else generator.randint(19, 58)),
            citizenship=citizenship,
            languages=sorted({language, "en"} if generator.random() < 0.5 else {language}),
            children_count=children,
            children_ages=[generator.randint(0, 15) for _ in range(children)],
            exploitation_types=generator.sample(EXPLOITATION, k=generator.choice([1, 1, 2])),
            trafficking_status=generator.choice(["presumed", "presumed", "confirmed"]),
            identified_by=generator.choice(
                ["police", "ngo", "social_services", "migration_agency"]
            ),
            region=region,
            municipality=generator.choice(municipalities_in(region)).code,
            migration_status="eu_citizen"
            if citizenship in {"RO", "BG", "HU"}
            else generator.choice(["asylum_seeker", "temporary_permit", "irregular", "other"]),
            gap=generator.choice(
                [
                    "Ingen kommun tar ansvar eftersom personen saknar uppehållsrätt.",
                    "Reflektionstiden har gått ut och Migrationsverket har avslagit ansökan.",
                    "Socialtjänsten har inte fattat beslut; behovet är akut.",
                ]
            ),
            needs=needs,
            shelter_requirements=(["women_only"] if gender == "woman" else [])
            + (["with_children"] if children else []),
            interpreter_language=language if language != "sv" else "",
            protected_identity=generator.choice(["none"] * 8 + ["confidentiality_marking"]),
        )
        identity = (
            IdentityForm(
                name=f"{generator.choice(FIRST_NAMES)} (demo)", contact="via kontaktperson"
            )
            if number % 3 == 0
            else None
        )
        beneficiary_id = (await services.create_beneficiary(actor, form, identity)).id
        for scope in ("store_data", "share_shelter", "share_funder"):
            if scope == "store_data" or generator.random() < 0.8:
                await services.record_consent(actor, beneficiary_id, ConsentForm(scope=scope))
        if number % 8 == 7:
            await services.change_status(actor, beneficiary_id, "closed", "needs_met")
            closed += 1
    return [f"Demo people: {COUNT} invented cases ({closed} closed) under pseudonymous codes."]
