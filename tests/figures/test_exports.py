"""Exports: asked for in the page, built by a real worker, progress polled, downloaded as XLSX
(read back with openpyxl: the page's numbers) and CSV, audited, deleted after 30 days."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts.domain import Role
from accounts.tables import AuditEvent
from figures import services
from figures.tables import FigureExport
from fristad.settings import Settings
from tests.accounts.helpers import csrf_from, make_user
from tests.figures.helpers import FiguresWorld, make_world
from tests.figures.test_pages import _as, tables_of
from tests.jobs import run_queued_jobs

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def world(db: None) -> FiguresWorld:
    return await make_world()


async def _ask(client: Client) -> int:
    page = await client.get("/figures/")
    response = await client.post(
        "/figures/exports",
        data={
            "programme": "",
            "start": "2027-01-01",
            "end": "2027-12-31",
            "_csrf_token": csrf_from(page.text),
        },
        headers={"hx-request": "true"},
    )
    assert response.status_code == 200, response.text
    found = re.search(r'hx-get="/figures/exports/(\d+)" hx-trigger="every 1s"', response.text)
    assert found, response.text
    return int(found.group(1))


async def test_an_export_is_built_polled_downloaded_and_equals_the_page(
    client: Client, world: FiguresWorld, settings: Settings
) -> None:
    await _as(client, world.officer_user)
    export_id = await _ask(client)
    assert await AuditEvent.exists().where(AuditEvent.action == "figures.export_requested")
    assert 'value="0"' in (await client.get(f"/figures/exports/{export_id}")).text
    assert (await client.get(f"/figures/exports/{export_id}/xlsx")).status_code == 404

    await run_queued_jobs(settings)
    status = await client.get(f"/figures/exports/{export_id}")
    assert 'value="100"' in status.text
    assert "hx-trigger" not in status.text  # done: the polling stops

    download = await client.get(f"/figures/exports/{export_id}/xlsx")
    assert download.status_code == 200
    assert "attachment" in download.headers["content-disposition"]
    assert await AuditEvent.exists().where(AuditEvent.action == "figures.export_downloaded")
    workbook = openpyxl.load_workbook(io.BytesIO(download.content))
    page = tables_of((await client.get("/figures/")).text)
    for key in ("people_by_gender", "people_by_age", "requests_by_state", "returns_by_country"):
        sheet = list(workbook[key].iter_rows(min_row=3, values_only=True))
        assert [str(value) for _label, value in sheet] == [
            value.replace("\u00a0", "") for value in page[key].values()
        ]
    budget = list(workbook["budget"].iter_rows(min_row=3, values_only=True))
    assert budget[0][1:] == (1_000_000, 100_000, 40_000, 900_000)

    archive = zipfile.ZipFile(
        io.BytesIO((await client.get(f"/figures/exports/{export_id}/csv")).content)
    )
    gender = archive.read("people_by_gender.csv").decode("utf-8-sig").splitlines()
    assert gender[1:3] == ["Kvinna;15", "Man;6"]


async def test_an_export_is_its_askers_only(
    client: Client, world: FiguresWorld, settings: Settings
) -> None:
    await _as(client, world.officer_user)
    export_id = await _ask(client)
    await _as(client, world.caseworker_user)
    assert (await client.get(f"/figures/exports/{export_id}")).status_code == 403
    colleague = await make_user(
        "johan@lst.example",
        organisation_id=world.officer.organisation_id,
        role=Role.OFFICER,
        mfa=True,
    )
    await _as(client, colleague)
    assert (await client.get(f"/figures/exports/{export_id}")).status_code == 404
    assert (await client.get(f"/figures/exports/{export_id}/xlsx")).status_code == 404


async def test_exports_are_deleted_after_30_days(
    client: Client, world: FiguresWorld, settings: Settings
) -> None:
    await _as(client, world.officer_user)
    export_id = await _ask(client)
    await run_queued_jobs(settings)
    assert await services.delete_old_exports(datetime.now(UTC) + timedelta(days=29)) == 0
    [row] = await FigureExport.select(FigureExport.storage_name)
    files = list((settings.var_path / "figures").glob(f"{row['storage_name']}.*"))
    assert len(files) == 2
    assert await services.delete_old_exports(datetime.now(UTC) + timedelta(days=31)) == 1
    assert not any(path.exists() for path in files)
    assert (await client.get(f"/figures/exports/{export_id}")).status_code == 404
