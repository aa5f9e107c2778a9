"""Piccolo app: shelters."""

from piccolo.conf.apps import AppConfig

from fristad.database import migrations_folder
from shelters.tables import AvailabilityChange, BedCategory, Hold, Notice, Placement, Shelter

APP_CONFIG = AppConfig(
    app_name="shelters",
    migrations_folder_path=migrations_folder("shelters"),
    table_classes=[Shelter, BedCategory, AvailabilityChange, Hold, Placement, Notice],
    migration_dependencies=["beneficiaries.piccolo_app"],
    commands=[],
)
