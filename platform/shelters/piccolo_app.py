"""Piccolo app: shelters."""

from piccolo.conf.apps import AppConfig

from fristad.database import migrations_folder

APP_CONFIG = AppConfig(
    app_name="shelters",
    migrations_folder_path=migrations_folder("shelters"),
    table_classes=[],
    migration_dependencies=[],
    commands=[],
)
