"""Indexes for figures: the availability history read per category in time order (occupancy at
a moment and month by month), and holds by when they were answered (answer times)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from fristad.database import engine

ID = "2026-12-02T17:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "figures indexes on the availability history and holds"

INDEXES = {
    "availability_change_category_at": 'ON "availability_change" ("category", "at", "id")',
    "hold_answered_at": 'ON "hold" ("answered_at")',
}


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="shelters", description=DESCRIPTION)

    async def create() -> None:
        for name, target in INDEXES.items():
            await engine().run_ddl(f'CREATE INDEX "{name}" {target}')

    async def drop() -> None:
        for name in INDEXES:
            await engine().run_ddl(f'DROP INDEX IF EXISTS "{name}"')

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
