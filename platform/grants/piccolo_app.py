"""Piccolo app: grants."""

from piccolo.conf.apps import AppConfig

from fristad.database import migrations_folder

APP_CONFIG = AppConfig(
    app_name="grants",
    migrations_folder_path=migrations_folder("grants"),
    table_classes=[],
    migration_dependencies=[],
    commands=[],
)
