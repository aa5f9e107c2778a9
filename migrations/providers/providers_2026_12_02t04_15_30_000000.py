"""Constraints of the providers tables: capacity that adds up, and no double reservation.

CHECK constraints through fristad.database.add_check (triggers on SQLite); partial UNIQUE indexes
(``… WHERE status = 'pending'``) are the same SQL on both engines.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from fristad.database import add_check, add_unique, engine

ID = "2026-12-02T04:15:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "providers constraints"


def add_partial_unique(
    manager: MigrationManager, table: str, name: str, columns: list[str], where: str
) -> None:
    column_list = ", ".join(f'"{column}"' for column in columns)

    async def forwards() -> None:
        await engine().run_ddl(
            f'CREATE UNIQUE INDEX "{name}" ON "{table}" ({column_list}) WHERE {where}'
        )

    async def backwards() -> None:
        await engine().run_ddl(f'DROP INDEX IF EXISTS "{name}"')

    manager.add_raw(forwards)
    manager.add_raw_backwards(backwards)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="providers", description=DESCRIPTION)
    add_check(
        manager,
        "provider_service",
        "provider_service_capacity",
        '"available" >= 0 AND "available" <= "maximum" AND "reserved" >= 0 AND "price" >= 0',
    )
    add_check(
        manager,
        "provider_service",
        "provider_service_known_codes",
        """"kind" IN ('legal_aid', 'rehabilitation', 'interpreting', 'healthcare', 'other')"""
        """ AND "price_unit" IN ('hour', 'place', 'case')"""
        """ AND "capacity_unit" IN ('hours', 'places', 'cases')""",
    )
    add_check(
        manager,
        "service_reservation",
        "service_reservation_known_status",
        """"status" IN ('pending', 'accepted', 'declined', 'released', 'expired')"""
        """ AND "units" > 0""",
    )
    add_partial_unique(
        manager,
        "service_reservation",
        "service_reservation_one_pending_per_person_and_service",
        ["beneficiary", "service"],
        "\"status\" = 'pending'",
    )
    add_unique(
        manager,
        "service_reservation",
        "service_reservation_idempotency_key",
        ["organisation", "idempotency_key"],
    )
    return manager
