"""Indexes for figures: support requests of a programme by when they were submitted (requests by
state and category) and by when they were decided (decision times), each with the columns those
queries read, so the database answers them from the index alone."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from fristad.database import engine

ID = "2026-12-03T07:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "figures indexes on support requests by submission and decision"

INDEXES = {
    "support_request_programme_submitted": (
        'ON "support_request" ("programme", "submitted_at", "state", "category")'
    ),
    "support_request_programme_decided": (
        'ON "support_request" ("programme", "decided_at", "submitted_at", "urgency")'
    ),
}


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="grants", description=DESCRIPTION)

    async def create() -> None:
        for name, target in INDEXES.items():
            await engine().run_ddl(f'CREATE INDEX "{name}" {target}')

    async def drop() -> None:
        for name in INDEXES:
            await engine().run_ddl(f'DROP INDEX IF EXISTS "{name}"')

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
