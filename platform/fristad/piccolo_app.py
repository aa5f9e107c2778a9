"""Piccolo app: fristad (the job outbox)."""

from piccolo.conf.apps import AppConfig

from fristad.database import migrations_folder
from fristad.tables import JobOutboxEntry

APP_CONFIG = AppConfig(
    app_name="fristad",
    migrations_folder_path=migrations_folder("fristad"),
    table_classes=[JobOutboxEntry],
    migration_dependencies=[],
    commands=[],
)
