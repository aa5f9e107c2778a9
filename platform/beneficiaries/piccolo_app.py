"""Piccolo app: beneficiaries."""

from piccolo.conf.apps import AppConfig

from beneficiaries.tables import Beneficiary, CaseNote, Consent, Share, StatusChange
from fristad.database import migrations_folder

APP_CONFIG = AppConfig(
    app_name="beneficiaries",
    migrations_folder_path=migrations_folder("beneficiaries"),
    table_classes=[Beneficiary, StatusChange, CaseNote, Consent, Share],
    migration_dependencies=["accounts.piccolo_app"],
    commands=[],
)
