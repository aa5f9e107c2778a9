"""Constraints of the issue-11 columns (a migration's raw steps run before its columns are
added, so they come in a migration of their own): decision references are UNIQUE, and the
officer who confirms an adjustment is not the one who made it."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from fristad.database import add_check, add_unique

ID = "2026-12-02T04:30:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "constraints of references and confirmed adjustments"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="grants", description=DESCRIPTION)
    add_unique(manager, "grant_decision", "grant_decision_unique_reference", ["reference"])
    add_check(
        manager,
        "ledger_entry",
        "ledger_entry_second_officer",
        '"confirmed_by" IS NULL OR "confirmed_by" <> "created_by"',
    )
    return manager
