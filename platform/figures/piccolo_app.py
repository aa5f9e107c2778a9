"""Piccolo app: figures."""

from piccolo.conf.apps import AppConfig

from figures.tables import FigureExport
from fristad.database import migrations_folder

APP_CONFIG = AppConfig(
    app_name="figures",
    migrations_folder_path=migrations_folder("figures"),
    table_classes=[FigureExport],
    migration_dependencies=["accounts.piccolo_app"],
    commands=[],
)
