"""The large data set's support requests in every state, with their cost lines, decisions,
payments and ledger.

Money keeps the grants invariants: each approval commits its amount by a ledger entry, each
payment pays by one, each budget is given an allocation entry large enough for what it commits,
and the budgets' running totals are raised by exactly the sums written to the ledger, so
``fristad ledger check`` agrees and no budget goes below zero.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from fristad import crypto
from fristad.large.bulk import Writer
from fristad.large.world import Advance, Context

# How the requests are spread over the states (weights); every state occurs.
STATES = {
    "draft": 6,
    "submitted": 8,
    "in_review": 8,
    "info_requested": 4,
    "awaiting_confirmation": 2,
    "approved": 14,
    "partially_approved": 6,
    "rejected": 10,
    "withdrawn": 4,
    "paid": 14,
    "reported": 12,
    "closed": 12,
}
DECIDED = {"approved", "partially_approved", "rejected", "paid", "reported", "closed"}
COMMITTED = DECIDED - {"rejected"}
PAID = {"paid", "reported", "closed"}
LINES = (
    ("Juridiskt ombud", "timme", 150_000),
    ("Boende", "natt", 95_000),
    ("Tolk", "timme", 60_000),
    ("Resa", "resa", 250_000),
    ("Samtalsstöd", "samtal", 120_000),
)


@dataclass(frozen=True)
class Programme:
    id: int
    starts_on: date
    ends_on: date
    budgets: dict[str, int]  # category -> budget id
    officers: list[int]


@dataclass
class Rows:
    requests: list[tuple[object, ...]] = field(default_factory=list)
    lines: list[tuple[object, ...]] = field(default_factory=list)
    decisions: list[tuple[object, ...]] = field(default_factory=list)
    payments: list[tuple[object, ...]] = field(default_factory=list)
    ledger: list[tuple[object, ...]] = field(default_factory=list)
    committed: dict[int, int] = field(default_factory=dict)
    paid: dict[int, int] = field(default_factory=dict)


async def programme_of(writer: Writer) -> Programme:
    """The demo's programme, its budgets and the officers of its authority."""
    found = await writer.fetch(
        'SELECT id, starts_on, ends_on, authority_id FROM "programme" ORDER BY id LIMIT 1'
    )
    if not found:
        raise RuntimeError("no programme: the ordinary demo makes one first")
    programme_id, starts_on, ends_on, authority_id = found[0]
    budgets = await writer.fetch(
        'SELECT category, id FROM "budget" WHERE programme = ?', programme_id
    )
    officers = await writer.fetch(
        'SELECT "user" FROM "membership" WHERE role = \'officer\' AND organisation = ?',
        authority_id,
    )
    return Programme(
        programme_id,
        _as_date(starts_on),
        _as_date(ends_on),
        {category: budget_id for category, budget_id in budgets},
        [row[0] for row in officers],
    )


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


async def add_support_requests(
    writer: Writer,
    context: Context,
    programme: Programme,
    cases: list[tuple[int, int]],
    count: int,
    rng: random.Random,
    advance: Advance,
) -> int:
    """``count`` requests for ``cases`` in every state, with everything that state implies."""
    if not programme.budgets or not programme.officers:
        raise RuntimeError("the programme has no budgets or no officers")
    ids = {
        table: await writer.next_id(table)
        for table in ("support_request", "cost_line", "grant_decision", "grant_payment")
    }
    justification = crypto.encrypt("Påhittad motivering för en stor demodatamängd.")
    states, weights = list(STATES), list(STATES.values())
    rows = Rows()
    for n in range(count):
        # Every state at least once, then by weight.
        state = states[n] if n < len(states) else rng.choices(states, weights)[0]
        _request(rows, ids, context, programme, rng.choice(cases), state, justification, rng)
        if len(rows.requests) >= 5_000:
            await _flush(writer, rows)
            advance(5_000)
    advance(len(rows.requests))
    await _flush(writer, rows)
    await _allocate(writer, context, programme, rows)
    return count


def _request(
    rows: Rows,
    ids: dict[str, int],
    context: Context,
    programme: Programme,
    case: tuple[int, int],
    state: str,
    justification: str,
    rng: random.Random,
) -> None:
    request_id = ids["support_request"]
    ids["support_request"] += 1
    beneficiary_id, organisation_id = case
    category = rng.choice(sorted(programme.budgets))
    budget_id = programme.budgets[category]
    total = 0
    for position in range(rng.randint(1, 3)):
        description, unit, price = rng.choice(LINES)
        quantity = rng.randint(1, 12)
        rows.lines.append(
            (
                ids["cost_line"],
                request_id,
                position,
                description,
                quantity,
                unit,
                price,
                quantity * price,
            )
        )
        ids["cost_line"] += 1
        total += quantity * price
    span = max(1, (programme.ends_on - programme.starts_on).days - 30)
    period_start = programme.starts_on + timedelta(days=rng.randrange(span))
    created = context.now - timedelta(days=rng.randrange(2, 300), minutes=rng.randrange(1440))
    submitted = None if state == "draft" else created + timedelta(hours=rng.randint(1, 48))
    decided = (
        submitted + timedelta(days=rng.randint(1, 14)) if submitted and state in DECIDED else None
    )
    approved = 0
    if state in COMMITTED:
        approved = total if state != "partially_approved" else total * 6 // 10
    paid = approved if state in PAID else 0
    if state in DECIDED or state == "awaiting_confirmation":
        decision_id = ids["grant_decision"]
        ids["grant_decision"] += 1
        pending = state == "awaiting_confirmation"
        outcome = (
            "rejected"
            if state == "rejected"
            else ("partially_approved" if state == "partially_approved" else "approved")
        )
        rows.decisions.append(
            (
                decision_id,
                request_id,
                outcome,
                approved if not pending else total,
                "Beslut i den stora demodatamängden.",
                rng.choice(programme.officers),
                decided or context.now,
                pending,
                "pending" if pending else "effective",
                None if pending else f"L-{decision_id:07d}",
            )
        )
        if approved:
            rows.ledger.append(
                (
                    budget_id,
                    "commitment",
                    approved,
                    f"commitment:{decision_id}",
                    request_id,
                    decision_id,
                    "",
                    decided,
                )
            )
            rows.committed[budget_id] = rows.committed.get(budget_id, 0) + approved
        if paid:
            payment_id = ids["grant_payment"]
            ids["grant_payment"] += 1
            assert decided is not None
            paid_on = (decided + timedelta(days=rng.randint(3, 20))).date()
            rows.payments.append(
                (
                    payment_id,
                    request_id,
                    paid_on,
                    paid,
                    f"UTB-{payment_id:07d}",
                    rng.choice(programme.officers),
                    decided + timedelta(days=20),
                )
            )
            rows.ledger.append(
                (
                    budget_id,
                    "payment",
                    paid,
                    f"payment:{payment_id}",
                    request_id,
                    None,
                    "",
                    decided + timedelta(days=20),
                )
            )
            rows.paid[budget_id] = rows.paid.get(budget_id, 0) + paid
    reported = decided + timedelta(days=60) if decided and state in {"reported", "closed"} else None
    rows.requests.append(
        (
            request_id,
            programme.id,
            organisation_id,
            beneficiary_id,
            context.caseworkers[organisation_id],
            category,
            period_start,
            period_start + timedelta(days=rng.randint(7, 30)),
            justification,
            "",
            "acute" if rng.random() < 0.1 else "normal",
            state,
            total,
            approved,
            paid,
            submitted,
            submitted + timedelta(days=10) if submitted else None,
            decided,
            (period_start + timedelta(days=60)) if paid else None,
            reported,
            paid if reported else None,
            created,
            decided or submitted or created,
        )
    )


async def _flush(writer: Writer, rows: Rows) -> None:
    await writer.insert(
        "support_request",
        [
            "id",
            "programme",
            "organisation",
            "beneficiary",
            "created_by",
            "category",
            "period_start",
            "period_end",
            "justification_encrypted",
            "gap_encrypted",
            "urgency",
            "state",
            "total",
            "approved_amount",
            "paid_amount",
            "submitted_at",
            "decide_by",
            "decided_at",
            "report_due_on",
            "reported_at",
            "actual_costs",
            "created_at",
            "updated_at",
        ],
        rows.requests,
    )
    await writer.insert(
        "cost_line",
        ["id", "request", "position", "description", "quantity", "unit", "unit_price", "total"],
        rows.lines,
    )
    await writer.insert(
        "grant_decision",
        [
            "id",
            "request",
            "outcome",
            "amount",
            "reason",
            "decided_by",
            "decided_at",
            "needs_confirmation",
            "status",
            "reference",
        ],
        rows.decisions,
    )
    await writer.insert(
        "grant_payment",
        ["id", "request", "paid_on", "amount", "reference", "recorded_by", "recorded_at"],
        rows.payments,
    )
    await writer.insert(
        "ledger_entry",
        ["budget", "kind", "amount", "key", "request", "decision", "reason", "created_at"],
        rows.ledger,
    )
    for batch in (rows.requests, rows.lines, rows.decisions, rows.payments, rows.ledger):
        batch.clear()


async def _allocate(writer: Writer, context: Context, programme: Programme, rows: Rows) -> None:
    """An allocation for each budget covering what the requests committed (and a quarter more),
    and the budgets' running totals raised by what the ledger now says."""
    officer = programme.officers[0]
    for category, budget_id in sorted(programme.budgets.items()):
        committed, paid = rows.committed.get(budget_id, 0), rows.paid.get(budget_id, 0)
        allocation = committed + committed // 4 + 10_000_000
        await writer.insert(
            "ledger_entry",
            ["budget", "kind", "amount", "key", "reason", "created_by", "created_at"],
            [
                (
                    budget_id,
                    "allocation",
                    allocation,
                    f"allocation:large:{budget_id}",
                    f"Stor demodatamängd: {category}",
                    officer,
                    context.now,
                )
            ],
        )
        await writer.execute(
            'UPDATE "budget" SET allocated = allocated + ?, committed = committed + ?, '
            "paid = paid + ? WHERE id = ?",
            allocation,
            committed,
            paid,
            budget_id,
        )
