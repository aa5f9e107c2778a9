"""Providers tests enqueue jobs (reservation expiry): the queue is open on the test Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from fristad import queue
from fristad.app import JOBS
from fristad.settings import Settings


@pytest.fixture
async def jobs(settings: Settings, db: None, redis: Redis) -> AsyncIterator[Redis]:
    """A clean database and Redis, with this process's job queue open on the test Redis."""
    await queue.open_queue(settings, JOBS.names())
    yield redis
    await queue.close_queue()
