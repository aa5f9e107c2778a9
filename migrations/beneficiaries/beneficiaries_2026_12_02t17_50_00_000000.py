from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T17:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "consents record the language they were explained in and whether an interpreter was there"
)

_COMMON = {
    "null": False,
    "primary_key": False,
    "unique": False,
    "index": False,
    "index_method": IndexMethod.btree,
    "choices": None,
    "db_column_name": None,
    "secret": False,
}


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="beneficiaries", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Consent",
        tablename="consent",
        column_name="language",
        db_column_name="language",
        column_class_name="Varchar",
        column_class=Varchar,
        params={**_COMMON, "length": 3, "default": "", "null": True},
        schema=None,
    )
    manager.add_column(
        table_class_name="Consent",
        tablename="consent",
        column_name="interpreter_present",
        db_column_name="interpreter_present",
        column_class_name="Boolean",
        column_class=Boolean,
        params={**_COMMON, "default": False},
        schema=None,
    )
    return manager
