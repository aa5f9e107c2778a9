"""Figures in a real browser: an officer opens the dashboard, changes the period (htmx swaps the
figures), starts an export, watches its progress reach 100 % and downloads the XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.async_api import expect

from tests.browser import ServerProcess, start_server, stop_server
from tests.e2e.test_grants import _sign_in
from tests.figures.helpers import make_world

pytestmark = pytest.mark.browser


async def test_an_officer_changes_the_period_and_downloads_an_export(
    page: Any, live_server: ServerProcess, test_dir: Path
) -> None:
    world = await make_world()
    worker = start_server("worker", test_dir)
    try:
        await _sign_in(page, live_server, world.officer_user, "/figures/")
        region = page.locator("table[data-table='occupancy_1'] tr[data-code='stockholm'] td")
        await expect(region.nth(1)).to_have_text("7")
        # Every chart has its text alternative: a title and a description it is labelled by.
        charts = page.locator("svg.chart[role='img']")
        assert await charts.count() >= 8
        for index in range(await charts.count()):
            labelled_by = await charts.nth(index).get_attribute("aria-labelledby")
            title, description = (labelled_by or "").split()
            assert await page.locator(f"#{title}").text_content()
            assert await page.locator(f"#{description}").text_content()

        await page.locator("#f-end").fill("2027-03-31")
        await page.locator("form.filters button").click()
        await expect(region.nth(1)).to_have_text("<5")
        assert "end=2027-03-31" in page.url  # the period stays in the address (history)

        await page.locator("form[action='/figures/exports'] button").click()
        await expect(page.locator("#export-progress")).to_have_attribute(
            "value", "100", timeout=60_000
        )
        async with page.expect_download() as waiting:
            await page.locator("a[href$='/xlsx']").click()
        download = await waiting.value
        saved = test_dir / "figures-export.xlsx"
        await download.save_as(saved)
        workbook = openpyxl.load_workbook(saved)
        occupancy = {
            row[0]: row[2] for row in workbook["occupancy_1"].iter_rows(min_row=3, values_only=True)
        }
        assert occupancy["Region Stockholm"] == "<5"
    finally:
        stop_server(worker)
