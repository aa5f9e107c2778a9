"""Constraints of the capacity history: known kinds of rise, and something available after it."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from fristad.database import add_check

ID = "2026-12-03T06:12:33:000000"
VERSION = "1.38.0"
DESCRIPTION = "service capacity history constraints"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="providers", description=DESCRIPTION)
    add_check(
        manager,
        "service_capacity_change",
        "service_capacity_change_known_rise",
        """"kind" IN ('created', 'set', 'declined', 'released', 'expired')"""
        """ AND "available" > 0""",
    )
    return manager
