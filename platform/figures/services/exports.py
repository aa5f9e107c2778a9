"""Exports of the dashboard: asked for in a page (a row and its job, in one transaction), built
by a worker (progress in the row), downloaded by whoever asked, deleted after 30 days. Every
request and download is audited."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from accounts import audit
from accounts import services as accounts
from accounts.domain import Actor
from accounts.policy import require
from figures import export
from figures.services.dashboard import choose, dashboard
from figures.tables import FigureExport
from fristad import i18n
from fristad.database import write_transaction
from fristad.errors import NotFound
from fristad.queue import enqueue
from fristad.settings import get_settings

EXPORT_DIR: Final = "figures"
KEEP: Final = timedelta(days=30)
FILES: Final = {"xlsx": ".xlsx", "csv": ".zip"}


@dataclass(frozen=True)
class ExportRecord:
    id: int
    programme_id: int | None
    first_day: date
    last_day: date
    status: str
    progress: int
    created_at: datetime

    @property
    def done(self) -> bool:
        return self.status == "done"

    @property
    def failed(self) -> bool:
        return self.status == "failed"


def _record(row: dict[str, Any]) -> ExportRecord:
    return ExportRecord(
        row["id"],
        row["programme_id"],
        row["first_day"],
        row["last_day"],
        row["status"],
        row["progress"],
        row["created_at"],
    )


def _directory() -> Path:
    return get_settings().var_path / EXPORT_DIR


async def request_export(
    actor: Actor, programme_id: int | None, start: date | None, end: date | None
) -> ExportRecord:
    """Ask for the dashboard's tables as files; a worker builds them."""
    # The same checks as the page (the programme in reach, a sane period), before any row.
    _programmes, programme, first_day, last_day = await choose(actor, programme_id, start, end)
    async with write_transaction():
        rows = await FigureExport.insert(
            FigureExport(
                user_id=actor.user_id,
                membership_id=actor.membership.id if actor.membership else None,
                programme_id=programme.id if programme else None,
                first_day=first_day,
                last_day=last_day,
                locale=i18n.active_locale(),
                created_at=datetime.now(UTC),
            )
        )
        export_id = int(rows[0]["id"])
        await enqueue("build_figure_export", export_id, job_id=f"figure-export:{export_id}")
        await audit.record(
            "figures.export_requested",
            actor=actor,
            object_type="figure_export",
            object_id=export_id,
            detail={"first_day": first_day.isoformat(), "last_day": last_day.isoformat()},
        )
    return await export_status(actor, export_id)


async def export_status(actor: Actor, export_id: int) -> ExportRecord:
    """An export of the actor's own (anyone else's is out of reach: 404)."""
    require(actor, "figures.network")
    row = (
        await FigureExport.select()
        .where((FigureExport.id == export_id) & (FigureExport.user_id == actor.user_id))
        .first()
    )
    if row is None:
        raise NotFound
    return _record(row)


async def open_export(actor: Actor, export_id: int, kind: str) -> tuple[str, bytes]:
    """The file of a finished export (``xlsx`` or ``csv``, a ZIP of CSV files) and its name."""
    record = await export_status(actor, export_id)
    storage = await FigureExport.select(FigureExport.storage_name).where(
        FigureExport.id == export_id
    )
    path = _directory() / f"{storage[0]['storage_name']}{FILES.get(kind, '')}"
    if not record.done or kind not in FILES or not path.is_file():
        raise NotFound
    async with write_transaction():
        await audit.record(
            "figures.export_downloaded",
            actor=actor,
            object_type="figure_export",
            object_id=export_id,
            detail={"kind": kind},
        )
    name = f"figures-{record.first_day.isoformat()}-{record.last_day.isoformat()}{FILES[kind]}"
    return name, path.read_bytes()


async def _progress(export_id: int, progress: int, **values: Any) -> None:
    changes: dict[Any, Any] = {FigureExport.progress: progress, **values}
    await FigureExport.update(changes).where(FigureExport.id == export_id)


async def build_export(export_id: int) -> bool:
    """Build the files of one export (the job). A finished export is left alone, so a second
    run changes nothing; a run that died midway is simply run again from the start."""
    row = await FigureExport.select().where(FigureExport.id == export_id).first()
    if row is None or row["status"] == "done":
        return False
    await _progress(export_id, 10, status="running")
    actor = await accounts.load_actor(
        row["user_id"], session_epoch=None, membership_id=row["membership_id"]
    )
    if actor is None:
        await _progress(export_id, 100, status="failed", finished_at=datetime.now(UTC))
        return False
    with i18n.language(row["locale"]):
        figures = await dashboard(actor, row["programme_id"], row["first_day"], row["last_day"])
        await _progress(export_id, 50)
        found = export.sheets(figures)
        xlsx = export.as_xlsx(found)
        await _progress(export_id, 75)
        zipped = export.as_zip_of_csv(found)
    directory = _directory()
    directory.mkdir(parents=True, exist_ok=True)
    storage_name = secrets.token_hex(16)
    (directory / f"{storage_name}.xlsx").write_bytes(xlsx)
    (directory / f"{storage_name}.zip").write_bytes(zipped)
    await _progress(
        export_id, 100, status="done", storage_name=storage_name, finished_at=datetime.now(UTC)
    )
    return True


async def delete_old_exports(now: datetime | None = None) -> int:
    """Exports asked for more than 30 days ago go, their files first; returns how many."""
    cutoff = (now or datetime.now(UTC)) - KEEP
    rows = await FigureExport.select(FigureExport.id, FigureExport.storage_name).where(
        FigureExport.created_at < cutoff
    )
    for row in rows:
        for suffix in FILES.values():
            if row["storage_name"]:
                (_directory() / f"{row['storage_name']}{suffix}").unlink(missing_ok=True)
        await FigureExport.delete().where(FigureExport.id == row["id"])
    return len(rows)


async def record_annual_export(actor: Actor, year: int) -> None:
    """The annual report's XLSX is built on request (one small workbook); its download is
    audited like an export's."""
    async with write_transaction():
        await audit.record(
            "figures.annual_report_downloaded",
            actor=actor,
            object_type="figure_annual_report",
            object_id=year,
        )
