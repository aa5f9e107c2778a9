"""Constraints of the case plan tables: one action of a kind per case, one notice per lapse,
one minors' path per case, and known states."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from fristad.database import add_check, add_unique

ID = "2026-12-02T17:10:49:000000"
VERSION = "1.38.0"
DESCRIPTION = "case plan constraints"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="pathways", description=DESCRIPTION)
    add_unique(
        manager, "case_plan_action", "case_plan_action_one_per_code", ["beneficiary", "code"]
    )
    add_check(
        manager,
        "case_plan_action",
        "case_plan_action_known_state",
        """"state" IN ('open', 'in_progress', 'done', 'not_applicable')""",
    )
    add_unique(manager, "case_plan_notice", "case_plan_notice_once_per_lapse", ["action", "due_on"])
    add_unique(manager, "minor_path", "minor_path_one_per_case", ["beneficiary"])
    return manager
