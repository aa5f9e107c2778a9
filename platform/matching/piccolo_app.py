"""Piccolo app: matching."""

from piccolo.conf.apps import AppConfig

from fristad.database import migrations_folder

APP_CONFIG = AppConfig(
    app_name="matching",
    migrations_folder_path=migrations_folder("matching"),
    table_classes=[],
    migration_dependencies=[],
    commands=[],
)
