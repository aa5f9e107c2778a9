"""Piccolo app: accounts."""

from piccolo.conf.apps import AppConfig

from fristad.database import migrations_folder

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=migrations_folder("accounts"),
    table_classes=[],
    migration_dependencies=[],
    commands=[],
)
