"""Constraints of the job outbox: one entry per reason, and the sweep finds the pending quickly."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from fristad.database import add_check, add_unique, engine

ID = "2026-12-01T23:44:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "job outbox constraints"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="fristad", description=DESCRIPTION)
    add_unique(manager, "job_outbox", "job_outbox_one_per_key", ["key"])
    add_check(manager, "job_outbox", "job_outbox_relays", '"relays" >= 0')

    async def index_pending() -> None:
        await engine().run_ddl('CREATE INDEX "job_outbox_pending" ON "job_outbox" ("done_at")')

    async def drop_index() -> None:
        await engine().run_ddl('DROP INDEX IF EXISTS "job_outbox_pending"')

    manager.add_raw(index_pending)
    manager.add_raw_backwards(drop_index)
    return manager
