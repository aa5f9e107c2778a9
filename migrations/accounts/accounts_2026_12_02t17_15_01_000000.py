"""The return programme's roles: the membership role CHECK is replaced by one that knows them."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from fristad.database import replace_check

ID = "2026-12-02T17:15:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "return_officer and partner_staff roles"

_BEFORE = (
    """"role" IN ('caseworker', 'coordinator', 'officer', 'shelter_staff', 'provider_staff', """
    """'org_admin')"""
)
_AFTER = (
    """"role" IN ('caseworker', 'coordinator', 'officer', 'shelter_staff', 'provider_staff', """
    """'org_admin', 'return_officer', 'partner_staff')"""
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)
    replace_check(manager, "membership", "membership_known_role", _BEFORE, _AFTER)
    return manager
