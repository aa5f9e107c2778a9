"""The large data set's generator (`fristad demo --scale large`), at a tiny scale: the rows it
writes in bulk keep the invariants the services keep, and the app reads them back."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from redis.asyncio import Redis

from fristad import queue
from fristad.app import JOBS, populate_demo
from fristad.large import SCALES, Stage, build
from fristad.settings import Settings
from grants.services import ledger_check
from grants.tables import Budget, LedgerEntry, SupportRequest
from providers.tables import Service
from shelters import services as shelters
from shelters.tables import AvailabilityChange, BedCategory

TINY = SCALES["tiny"]


def progress_of() -> tuple[dict[str, list[int]], Stage]:
    """A stage reporter that counts what each stage said it did, against its total."""
    stages: dict[str, list[int]] = {}

    def stage(name: str, total: int) -> Callable[[int], None]:
        stages[name] = [0, total]

        def advance(done: int) -> None:
            stages[name][0] += done

        return advance

    return stages, stage


@pytest.fixture
async def demo(settings: Settings, db: None, redis: Redis) -> AsyncIterator[None]:
    await queue.open_queue(settings, JOBS.names())
    await populate_demo()
    yield
    await queue.close_queue()


async def test_the_tiny_scale_keeps_the_ledger_and_the_bed_counts(
    settings: Settings, demo: None
) -> None:
    requests_before = await SupportRequest.count()
    beds_before = sum(row["capacity"] for row in await BedCategory.select(BedCategory.capacity))
    stages, stage = progress_of()

    built = await build(settings, TINY, stage)

    assert await ledger_check() == []
    assert await shelters.broken_invariants() == []
    assert await SupportRequest.count() == requests_before + TINY.support_requests
    states = {row["state"] for row in await SupportRequest.select(SupportRequest.state)}
    assert states >= {
        "draft", "submitted", "in_review", "info_requested", "awaiting_confirmation", "approved",
        "partially_approved", "rejected", "withdrawn", "paid", "reported", "closed",
    }  # fmt: skip
    beds = sum(row["capacity"] for row in await BedCategory.select(BedCategory.capacity))
    assert beds - beds_before == built.beds == TINY.beds
    for budget in await Budget.select():
        assert 0 <= budget["paid"] <= budget["committed"] <= budget["allocated"]
    assert await LedgerEntry.count().where(LedgerEntry.kind == "commitment") > 0
    assert await Service.count() >= TINY.services
    # Each category's history ends at its present counts.
    for category in await BedCategory.select().where(BedCategory.id > 0):
        last = (
            await AvailabilityChange.select()
            .where(AvailabilityChange.category == category["id"])
            .order_by(AvailabilityChange.at, ascending=False)
            .first()
        )
        if last is not None and last["kind"] == "adjust":
            assert (last["free"], last["external"]) == (category["free"], category["external"])
    # The board reads the new shelters (dates and booleans as Piccolo wrote them).
    board = await shelters.availability(shelters.BoardFilters())
    assert sum(1 for shelter in board if shelter.name.startswith("Skyddat boende")) == TINY.shelters
    # Every stage reported its progress to the end.
    assert all(done == total for done, total in stages.values()), stages
