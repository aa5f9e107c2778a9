"""Piccolo app: grants."""

from piccolo.conf.apps import AppConfig

from fristad.database import migrations_folder
from grants.tables import (
    Attachment,
    Budget,
    CostLine,
    Decision,
    LedgerEntry,
    Payment,
    Programme,
    SupportRequest,
)

APP_CONFIG = AppConfig(
    app_name="grants",
    migrations_folder_path=migrations_folder("grants"),
    table_classes=[
        Programme,
        Budget,
        SupportRequest,
        CostLine,
        Decision,
        LedgerEntry,
        Payment,
        Attachment,
    ],
    migration_dependencies=["beneficiaries.piccolo_app"],
    commands=[],
)
