"""Constraints of the grants tables (see fristad.database.add_unique / add_check), and the
append-only ledger: an UPDATE of a ledger entry is refused on both engines."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine

from fristad.database import add_check, add_unique, engine

ID = "2026-11-29T03:05:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "grants constraints"

CATEGORIES = "('legal_aid', 'shelter', 'rehabilitation', 'return', 'other')"
STATES = (
    "('draft', 'submitted', 'in_review', 'info_requested', 'awaiting_confirmation', 'approved', "
    "'partially_approved', 'rejected', 'withdrawn', 'paid', 'reported', 'closed')"
)


async def _ledger_append_only() -> None:
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.run_ddl(
            "CREATE FUNCTION ledger_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'ledger entries are append-only'; END $$"
        )
        await db.run_ddl(
            'CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON "ledger_entry" '
            "FOR EACH ROW EXECUTE FUNCTION ledger_entry_append_only()"
        )
        return
    await db.run_ddl(
        'CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON "ledger_entry" '
        "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END"
    )


async def _drop_ledger_append_only() -> None:
    db = engine()
    await db.run_ddl(
        'DROP TRIGGER IF EXISTS ledger_entry_no_update ON "ledger_entry"'
        if isinstance(db, PostgresEngine)
        else "DROP TRIGGER IF EXISTS ledger_entry_no_update"
    )
    if isinstance(db, PostgresEngine):
        await db.run_ddl("DROP FUNCTION IF EXISTS ledger_entry_append_only()")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="grants", description=DESCRIPTION)
    add_unique(manager, "budget", "budget_unique_category", ["programme", "category"])
    add_check(manager, "budget", "budget_known_category", f'"category" IN {CATEGORIES}')
    add_check(
        manager,
        "budget",
        "budget_never_overspent",
        '"paid" >= 0 AND "paid" <= "committed" AND "committed" >= 0 AND "committed" <= "allocated"',
    )
    add_check(manager, "programme", "programme_period", '"starts_on" <= "ends_on"')
    add_check(manager, "programme", "programme_threshold", '"four_eyes_threshold" >= 0')
    add_check(manager, "support_request", "support_request_known_state", f'"state" IN {STATES}')
    add_check(
        manager, "support_request", "support_request_known_category", f'"category" IN {CATEGORIES}'
    )
    add_check(
        manager,
        "support_request",
        "support_request_amounts",
        '"total" >= 0 AND "approved_amount" >= 0 AND "approved_amount" <= "total" '
        'AND "paid_amount" >= 0 AND "paid_amount" <= "approved_amount"',
    )
    add_check(
        manager, "support_request", "support_request_period", '"period_start" <= "period_end"'
    )
    add_check(
        manager,
        "cost_line",
        "cost_line_amounts",
        '"quantity" > 0 AND "unit_price" >= 0 AND "total" = "quantity" * "unit_price"',
    )
    add_check(
        manager,
        "grant_decision",
        "decision_outcome",
        """"outcome" IN ('approved', 'partially_approved', 'rejected') AND "amount" >= 0""",
    )
    add_check(
        manager,
        "grant_decision",
        "decision_four_eyes",
        '"confirmed_by" IS NULL OR "confirmed_by" <> "decided_by"',
    )
    add_check(
        manager,
        "ledger_entry",
        "ledger_entry_kind",
        """"kind" IN ('allocation', 'adjustment', 'commitment', 'release', 'payment')""",
    )
    # One commitment per decision, whatever its idempotency key says.
    add_unique(manager, "ledger_entry", "ledger_entry_one_per_decision", ["decision", "kind"])
    add_check(manager, "grant_payment", "payment_positive", '"amount" > 0')
    manager.add_raw(_ledger_append_only)
    manager.add_raw_backwards(_drop_ledger_append_only)
    return manager
