"""Piccolo app: providers."""

from piccolo.conf.apps import AppConfig

from fristad.database import migrations_folder
from providers.tables import CapacityChange, Reservation, Service

APP_CONFIG = AppConfig(
    app_name="providers",
    migrations_folder_path=migrations_folder("providers"),
    table_classes=[Service, Reservation, CapacityChange],
    migration_dependencies=["beneficiaries.piccolo_app"],
    commands=[],
)
