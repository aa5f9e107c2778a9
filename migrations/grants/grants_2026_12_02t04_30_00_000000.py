"""Issue 11 in grants: budget changes above the threshold wait for a second officer (and the
ledger names who confirmed them); officers mark reports reviewed;
the lines as they were when more information was asked for; the officer a request is
assigned to, and officers' in-app notices; the decision's reference and appeal text."""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import BigInt, ForeignKey, Integer, Text, Timestamptz, Varchar

from accounts.tables import User
from grants.tables import SupportRequest

ID = "2026-12-02T04:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "four eyes on budget adjustments, reviewed reports, lines asked about, assignment, notices, references"


def _column(
    manager: MigrationManager,
    class_name: str,
    table: str,
    name: str,
    column_class: Any,
    **params: Any,
) -> None:
    """A nullable column without an index (a foreign key to User unless ``references`` says)."""
    if column_class is ForeignKey:
        params = {
            "references": User,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            **params,
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
    _column(manager, "SupportRequest", "support_request", "assigned_to", ForeignKey)
    manager.add_table(class_name="GrantNotice", tablename="grant_notice", schema=None, columns=None)
    _column(manager, "GrantNotice", "grant_notice", "user", ForeignKey, null=False, index=True)
    _column(
        manager, "GrantNotice", "grant_notice", "kind", Varchar, null=False, default="", length=20
    )
    _column(
        manager,
        "GrantNotice",
        "grant_notice",
        "request",
        ForeignKey,
        references=SupportRequest,
        null=False,
    )
    _column(manager, "GrantNotice", "grant_notice", "created_at", Timestamptz, null=False)
    _column(manager, "GrantNotice", "grant_notice", "read_at", Timestamptz)
    _column(
        manager,
        "Programme",
        "programme",
        "reference_format",
        Varchar,
        null=False,
        default="{year}-{seq:05d}",
        length=60,
    )
    _column(manager, "Programme", "programme", "reference_seq", Integer, null=False, default=0)
    _column(manager, "Programme", "programme", "appeal_info", Text, null=False, default="")
    _column(manager, "Decision", "grant_decision", "reference", Varchar, length=60)
    return manager
