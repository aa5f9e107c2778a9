"""Figures tables: the exports people asked for, while they are built and kept (30 days).

Users and organisations are kept by id, not as foreign keys: figures reads the other apps only
in figures.queries, and an export outlives nothing it points at (its file holds only figures).
"""

from __future__ import annotations

from piccolo.columns import Date, Integer, Serial, Timestamptz, Varchar
from piccolo.table import Table


class FigureExport(Table, tablename="figure_export"):
    id: Serial
    user_id = Integer(index=True)
    membership_id = Integer(null=True, default=None)
    programme_id = Integer(null=True, default=None)
    first_day = Date()
    last_day = Date()
    locale = Varchar(length=5, default="sv")
    # queued -> running -> done | failed
    status = Varchar(length=10, default="queued")
    progress = Integer(default=0)  # percent
    # The files under <var>/figures/ (random names); set when done.
    storage_name = Varchar(length=64, null=True, default=None)
    created_at = Timestamptz(index=True)
    finished_at = Timestamptz(null=True, default=None)
