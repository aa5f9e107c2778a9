"""Constraints of the service funding links and service alerts: one link per reservation and per
support request, known outcomes, sane amounts."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from fristad.database import add_check, add_unique

ID = "2026-12-02T17:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "service funding link constraints"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="matching", description=DESCRIPTION)
    add_unique(
        manager, "service_funding_link", "service_funding_link_one_per_reservation", ["reservation"]
    )
    add_unique(
        manager,
        "service_funding_link",
        "service_funding_link_one_per_request",
        ["support_request"],
    )
    add_check(
        manager,
        "service_funding_link",
        "service_funding_link_known_outcome",
        """"outcome" IN ('open', 'confirmed', 'released', 'lapsed')""",
    )
    add_check(
        manager,
        "service_funding_link",
        "service_funding_link_amounts",
        '"units" > 0 AND "unit_price" >= 0 AND "expected_cost" >= 0',
    )
    return manager
