"""A programme with budgets and about 80 invented support requests in every state, some acute.

Runs after the accounts and beneficiaries demos: officers are the members of the authority,
requests are made by a caseworker of the organisation that owns each case, for people who
consented to share with the funder.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from accounts import services as accounts
from accounts.domain import Actor, Role
from accounts.tables import Membership
from beneficiaries import services as beneficiaries
from beneficiaries.tables import Beneficiary
from grants import services
from grants.domain import State
from grants.schemas import CostLineIn, RequestIn
from grants.tables import Programme

COUNT = 80
KR = 100
BUDGETS = {
    "legal_aid": 2_000_000 * KR,
    "shelter": 3_000_000 * KR,
    "rehabilitation": 1_500_000 * KR,
    "return": 800_000 * KR,
    "other": 400_000 * KR,
}
THRESHOLD = 25_000 * KR
# description, unit, unit price (kr), quantity range
COSTS = {
    "legal_aid": [("Ombud vid överklagande", "timme", 1_500, (4, 20))],
    "shelter": [("Plats i skyddat boende", "natt", 1_250, (7, 45))],
    "rehabilitation": [("Traumabehandling", "session", 1_100, (4, 12))],
    "return": [("Resa hem", "resa", 4_500, (1, 2)), ("Stöd vid ankomst", "månad", 6_000, (1, 3))],
    "other": [("Tolk", "timme", 850, (2, 10))],
}
TARGETS = [
    State.DRAFT,
    State.SUBMITTED,
    State.IN_REVIEW,
    State.INFO_REQUESTED,
    State.AWAITING_CONFIRMATION,
    State.APPROVED,
    State.PARTIALLY_APPROVED,
    State.REJECTED,
    State.WITHDRAWN,
    State.PAID,
    State.REPORTED,
    State.CLOSED,
]


async def _actor(user_id: int, membership_id: int) -> Actor:
    actor = await accounts.load_actor(user_id, session_epoch=None, membership_id=membership_id)
    assert actor is not None
    return actor


async def _officers() -> list[Actor]:
    rows = await Membership.select(Membership.user, Membership.id).where(
        (Membership.role == Role.OFFICER)
        & (Membership.organisation.is_authority == True)  # noqa: E712
        & (Membership.active == True)  # noqa: E712
    )
    return [await _actor(row["user"], row["id"]) for row in rows]


async def _caseworkers() -> dict[int, Actor]:
    rows = await Membership.select(Membership.user, Membership.id, Membership.organisation).where(
        (Membership.role == Role.CASEWORKER) & (Membership.active == True)  # noqa: E712
    )
    found: dict[int, Actor] = {}
    for row in rows:
        if row["organisation"] not in found:
            found[row["organisation"]] = await _actor(row["user"], row["id"])
    return found


async def populate() -> list[str]:
    if await Programme.count():
        return ["Demo grants: the database has programmes already; nothing added."]
    officers = await _officers()
    caseworkers = await _caseworkers()
    if len(officers) < 2 or not caseworkers:
        return ["Demo grants: two officers and a caseworker are needed; nothing added."]
    today = date.today()
    programme_id = await services.create_programme(
        officers[0],
        f"Stödprogrammet {today.year}",
        date(today.year, 1, 1),
        date(today.year + 1, 12, 31),
        THRESHOLD,
        BUDGETS,
    )
    people = [
        row
        for row in await Beneficiary.select(Beneficiary.id, Beneficiary.organisation)
        .where(Beneficiary.status != "closed")
        .order_by(Beneficiary.id)
        if row["organisation"] in caseworkers
        and await beneficiaries.has_valid_consent(row["id"], "share_funder")
    ]
    if not people:
        return ["Demo grants: a programme, but no people who consented to share with the funder."]
    generator = random.Random(6)  # noqa: S311 - demo data, not security  # nosec B311
    counts: dict[str, int] = {}
    for number in range(COUNT):
        person = people[number % len(people)]
        caseworker = caseworkers[person["organisation"]]
        category = list(BUDGETS)[number % len(BUDGETS)]
        lines = [
            CostLineIn(
                description=text,
                quantity=generator.randint(*quantities),
                unit=unit,
                unit_price=price * KR,
            )
            for text, unit, price, quantities in COSTS[category]
        ]
        # Within the programme's period (it starts on 1 January).
        start = max(today - timedelta(days=generator.randint(0, 200)), date(today.year, 1, 1))
        request_id = await services.create_request(
            caseworker,
            RequestIn(
                programme_id=programme_id,
                beneficiary_id=person["id"],
                category=category,
                period_start=start,
                period_end=start + timedelta(days=generator.randint(30, 120)),
                justification="Behovet kan inte täckas av någon myndighet just nu (demo).",
                urgency="acute" if number % 7 == 0 else "normal",
                lines=lines,
            ),
        )
        target = TARGETS[number % len(TARGETS)]
        officer, second = officers[number % 2], officers[(number + 1) % 2]
        reached = await _advance(request_id, target, caseworker, officer, second, today)
        counts[reached] = counts.get(reached, 0) + 1
    summary = ", ".join(f"{state} {count}" for state, count in sorted(counts.items()))
    return [f"Demo grants: programme with budgets and {COUNT} support requests ({summary})."]


async def _advance(
    request_id: int, target: State, caseworker: Actor, officer: Actor, second: Actor, today: date
) -> str:
    """Take the request through the real workflow until it reaches ``target``."""
    if target == State.DRAFT:
        return target
    if target == State.WITHDRAWN:
        await services.withdraw(caseworker, request_id)
        return target
    await services.submit(caseworker, request_id)
    if target == State.SUBMITTED:
        return target
    in_review = await services.start_review(officer, request_id)
    if target == State.IN_REVIEW:
        return target
    if target == State.INFO_REQUESTED:
        await services.request_info(officer, request_id, "Bifoga en offert (demo).")
        return target
    total = in_review.total
    if target == State.REJECTED:
        await services.decide(officer, request_id, 0, "Kostnaderna ryms inte i programmet (demo).")
        return target
    if target == State.AWAITING_CONFIRMATION:
        if total <= THRESHOLD:
            return State.IN_REVIEW
        await services.decide(officer, request_id, total, "Beviljas enligt ansökan (demo).")
        return target
    amount = total * 3 // 4 if target == State.PARTIALLY_APPROVED else total
    result = await services.decide(officer, request_id, amount, "Beviljas (demo).")
    if not result.takes_effect:
        await services.confirm(second, request_id)
    if target in (State.APPROVED, State.PARTIALLY_APPROVED):
        return target
    await services.record_payment(officer, request_id, today, amount, f"DEMO-{request_id}")
    if target == State.PAID:
        return target
    await services.report(caseworker, request_id, amount, "Stödet gavs enligt plan (demo).")
    if target == State.REPORTED:
        return target
    await services.close(officer, request_id)
    return target
