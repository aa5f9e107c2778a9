"""Programmes made before they had an authority belong to the first authority organisation."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-02T00:21:12:000000"
VERSION = "1.38.0"
DESCRIPTION = "programmes belong to an authority"


async def _assign_authority() -> None:
    from accounts.tables import Organisation
    from grants.tables import Programme

    first = (
        await Organisation.select(Organisation.id)
        .where(Organisation.is_authority.eq(True))
        .order_by(Organisation.id)
        .first()
    )
    if first is not None:
        await Programme.update({Programme.authority_id: first["id"]}).where(
            Programme.authority_id.is_null()
        )


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="grants", description=DESCRIPTION)
    manager.add_raw(_assign_authority)
    return manager
