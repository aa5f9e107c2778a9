"""Constraints of the return programme's tables: one task of each kind per plan, known states,
and at most one running plan per person (a double-submitted referral makes one).

CHECK constraints through fristad.database.add_check (triggers on SQLite); the partial UNIQUE
index is the same SQL on both engines.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from fristad.database import add_check, add_unique, engine

ID = "2026-12-02T17:10:50:000000"
VERSION = "1.38.0"
DESCRIPTION = "return programme constraints"

_PLAN_STATES = "'referred', 'accepted', 'departed', 'completed', 'declined', 'stopped'"
_TASK_STATES = "'open', 'in_progress', 'done', 'not_needed'"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="pathways", description=DESCRIPTION)
    add_unique(manager, "return_task", "return_task_plan_kind", ["plan", "kind"])
    add_check(manager, "return_plan", "return_plan_known_state", f'"state" IN ({_PLAN_STATES})')
    add_check(manager, "return_task", "return_task_known_state", f'"state" IN ({_TASK_STATES})')

    async def one_running_plan() -> None:
        await engine().run_ddl(
            'CREATE UNIQUE INDEX "return_plan_one_running" ON "return_plan" ("beneficiary") '
            "WHERE \"state\" IN ('referred', 'accepted', 'departed')"
        )

    async def drop_one_running_plan() -> None:
        await engine().run_ddl('DROP INDEX IF EXISTS "return_plan_one_running"')

    manager.add_raw(one_running_plan)
    manager.add_raw_backwards(drop_one_running_plan)
    return manager
