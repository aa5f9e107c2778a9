"""Issue 11 in grants: budget changes above the threshold wait for a second officer (and the
ledger names who confirmed them); officers mark reports reviewed;
the lines as they were when more information was asked for."""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import BigInt, ForeignKey, Text, Timestamptz

from accounts.tables import User
from fristad.database import add_check

ID = "2026-12-02T04:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "four eyes on budget adjustments, reviewed reports, lines asked about"


def _column(
    manager: MigrationManager,
    class_name: str,
    table: str,
    name: str,
    column_class: Any,
    **params: Any,
) -> None:
    """A nullable column without an index (a foreign key to User when ``column_class`` is one)."""
    if column_class is ForeignKey:
        params |= {
            "references": User,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
        }
    manager.add_column(
        table_class_name=class_name,
        tablename=table,
        column_name=name,
        db_column_name=name,
        column_class_name=column_class.__name__,
        column_class=column_class,
        params={"default": None, "null": True, "unique": False, "index": False, **params},
        schema=None,
    )


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="grants", description=DESCRIPTION)
    _column(manager, "Budget", "budget", "pending_amount", BigInt)
    _column(manager, "Budget", "budget", "pending_reason", Text)
    _column(manager, "Budget", "budget", "pending_by", ForeignKey)
    _column(manager, "Budget", "budget", "pending_at", Timestamptz)
    _column(manager, "LedgerEntry", "ledger_entry", "confirmed_by", ForeignKey)
    _column(manager, "SupportRequest", "support_request", "report_reviewed_at", Timestamptz)
    _column(manager, "SupportRequest", "support_request", "report_reviewed_by", ForeignKey)
    _column(manager, "SupportRequest", "support_request", "info_requested_at", Timestamptz)
    _column(manager, "SupportRequest", "support_request", "lines_asked_about", Text)
    add_check(
        manager,
        "ledger_entry",
        "ledger_entry_second_officer",
        '"confirmed_by" IS NULL OR "confirmed_by" <> "created_by"',
    )
    return manager
