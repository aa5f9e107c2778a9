"""Grants tests run with the job queue open (decisions enqueue e-mail notices)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from fristad import queue
from fristad.app import JOBS
from fristad.settings import Settings


@pytest.fixture(autouse=True)
async def open_queue(settings: Settings, redis: Redis, db: None) -> AsyncIterator[None]:
    await queue.open_queue(settings, JOBS.names())
    yield
    await queue.close_queue()
