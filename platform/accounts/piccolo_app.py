"""Piccolo app: accounts."""

from piccolo.conf.apps import AppConfig

from accounts.tables import (
    ApiToken,
    AuditEvent,
    Invitation,
    Membership,
    Organisation,
    PasswordReset,
    RecoveryCode,
    User,
)
from fristad.database import migrations_folder

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=migrations_folder("accounts"),
    table_classes=[
        Organisation,
        User,
        Membership,
        RecoveryCode,
        ApiToken,
        Invitation,
        PasswordReset,
        AuditEvent,
    ],
    migration_dependencies=[],
    commands=[],
)
