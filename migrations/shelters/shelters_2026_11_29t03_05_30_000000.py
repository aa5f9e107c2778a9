"""Constraints of the shelters tables: counts that add up, and no double booking.

CHECK constraints through fristad.database.add_check (triggers on SQLite); partial UNIQUE indexes
(``… WHERE status = 'pending'``) are the same SQL on both engines.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from fristad.database import add_check, add_unique, engine

ID = "2026-11-29T03:05:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "shelters constraints"

COUNTS = ("capacity", "out_of_service", "occupied", "held", "external", "free")


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
    manager = MigrationManager(migration_id=ID, app_name="shelters", description=DESCRIPTION)
    add_check(
        manager,
        "bed_category",
        "bed_category_counts",
        " AND ".join(f'"{count}" >= 0' for count in COUNTS)
        + ' AND "free" <= "capacity"'
        + ' AND "free" = "capacity" - "out_of_service" - "occupied" - "held" - "external"',
    )
    add_check(
        manager,
        "hold",
        "hold_known_status",
        """"status" IN ('pending', 'accepted', 'declined', 'released', 'expired')""",
    )
    add_partial_unique(
        manager,
        "hold",
        "hold_one_pending_per_beneficiary",
        ["beneficiary"],
        "\"status\" = 'pending'",
    )
    add_unique(manager, "hold", "hold_idempotency_key", ["organisation", "idempotency_key"])
    add_partial_unique(
        manager,
        "placement",
        "placement_one_active_per_beneficiary",
        ["beneficiary"],
        '"discharged_at" IS NULL',
    )
    add_unique(manager, "placement", "placement_one_per_hold", ["hold"])
    return manager
