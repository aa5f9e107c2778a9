"""Constraints of the accounts tables (see fristad.database.add_unique / add_check)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from fristad.database import add_check, add_unique

ID = "2026-11-29T02:43:50:874422"
VERSION = "1.38.0"
DESCRIPTION = "accounts constraints"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)
    add_unique(manager, "membership", "membership_unique_role", ["user", "organisation", "role"])
    add_check(
        manager,
        "membership",
        "membership_known_role",
        """"role" IN ('caseworker', 'coordinator', 'officer', 'shelter_staff', 'org_admin')""",
    )
    return manager
