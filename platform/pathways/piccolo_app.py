"""Piccolo app: pathways."""

from piccolo.conf.apps import AppConfig

from fristad.database import migrations_folder
from pathways.tables import CasePlanAction, CasePlanNotice, MinorPath, ReturnPlan, ReturnTask

APP_CONFIG = AppConfig(
    app_name="pathways",
    migrations_folder_path=migrations_folder("pathways"),
    table_classes=[CasePlanAction, CasePlanNotice, MinorPath, ReturnPlan, ReturnTask],
    migration_dependencies=["accounts.piccolo_app", "beneficiaries.piccolo_app"],
    commands=[],
)
