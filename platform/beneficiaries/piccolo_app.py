"""Piccolo app: beneficiaries."""

from piccolo.conf.apps import AppConfig

from fristad.database import migrations_folder

APP_CONFIG = AppConfig(
    app_name="beneficiaries",
    migrations_folder_path=migrations_folder("beneficiaries"),
    table_classes=[],
    migration_dependencies=[],
    commands=[],
)
