"""Constraints of the matching tables: one funding link per hold and per support request, one
alert per freed bed and case, one cursor per reader."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from fristad.database import add_check, add_unique

ID = "2026-12-01T21:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "matching constraints"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="matching", description=DESCRIPTION)
    add_unique(manager, "funding_link", "funding_link_one_per_hold", ["hold"])
    add_unique(manager, "funding_link", "funding_link_one_per_request", ["support_request"])
    add_check(
        manager,
        "funding_link",
        "funding_link_known_outcome",
        """"outcome" IN ('open', 'settled', 'released', 'lapsed')""",
    )
    add_check(
        manager,
        "funding_link",
        "funding_link_amounts",
        '"nights" > 0 AND "price_per_night" >= 0 AND "paid_amount" >= 0 AND "released_amount" >= 0',
    )
    add_unique(manager, "bed_alert", "bed_alert_once_per_event_and_case", ["event", "beneficiary"])
    add_unique(manager, "matching_cursor", "matching_cursor_name", ["name"])
    return manager
