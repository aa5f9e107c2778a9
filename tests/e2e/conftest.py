"""Fixtures of the browser tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from fristad import queue
from fristad.app import JOBS, populate_demo
from fristad.settings import Settings


@pytest.fixture
async def demo_world(settings: Settings, db: None, redis: Any) -> AsyncIterator[None]:
    """The demo world in the test database (its jobs queued on the test Redis)."""
    await queue.open_queue(settings, JOBS.names())
    await populate_demo()
    yield
    await queue.close_queue()
