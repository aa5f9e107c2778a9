"""Constraints of the service alerts: one alert per rise of capacity and case."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from fristad.database import add_unique

ID = "2026-12-03T06:12:54:000000"
VERSION = "1.38.0"
DESCRIPTION = "service alert constraints"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="matching", description=DESCRIPTION)
    add_unique(
        manager, "service_alert", "service_alert_once_per_event_and_case", ["event", "beneficiary"]
    )
    return manager
