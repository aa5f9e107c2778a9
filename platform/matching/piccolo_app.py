"""Piccolo app: matching."""

from piccolo.conf.apps import AppConfig

from fristad.database import migrations_folder
from matching.tables import (
    BedAlert,
    FundingLink,
    MatchingCursor,
    ServiceAlert,
    ServiceFundingLink,
    UnmetDemand,
)

APP_CONFIG = AppConfig(
    app_name="matching",
    migrations_folder_path=migrations_folder("matching"),
    table_classes=[
        FundingLink,
        ServiceFundingLink,
        UnmetDemand,
        BedAlert,
        ServiceAlert,
        MatchingCursor,
    ],
    migration_dependencies=[
        "shelters.piccolo_app",
        "grants.piccolo_app",
        "providers.piccolo_app",
    ],
    commands=[],
)
