"""Browser harness: Debian's Chromium driven by Playwright against a live server process.

Browser tests skip when no Chromium is installed, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    explicit = os.environ.get("FRISTAD_CHROMIUM")
    if explicit:
        return explicit
    for name in CHROMIUM_CANDIDATES:
        if found := shutil.which(name):
            return found
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_server(
    command: str, test_dir: Path, extra_env: dict[str, str] | None = None, port: int | None = None
) -> ServerProcess:
    """Start ``fristad <command>`` (serve or worker) in its own process, with the test config."""
    port = port or free_port()
    env = {**os.environ, "FRISTAD_DATABASE_POOL_SIZE": "5", **(extra_env or {})}
    log_path = test_dir / f"{command}-{port}.log"
    arguments = [sys.executable, "-m", "fristad", command]
    if command == "serve":
        arguments += ["--port", str(port)]
    process = subprocess.Popen(
        arguments, env=env, stdout=log_path.open("wb"), stderr=subprocess.STDOUT
    )
    server = ServerProcess(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path)
    if command == "serve":
        _wait_until_ready(server)
    return server


def _wait_until_ready(server: ServerProcess, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited:\n{server.log()}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    stop_server(server)
    raise RuntimeError(f"server did not start within {timeout} s:\n{server.log()}")


def stop_server(server: ServerProcess) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture
def live_server(settings: Any, db: None, redis: Any, test_dir: Path) -> Iterator[ServerProcess]:
    """``fristad serve`` on a free port, sharing the test database and Redis."""
    server = start_server("serve", test_dir)
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required under CI=true but was not found")
        pytest.skip("Chromium is not installed")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


@pytest.fixture
async def page(browser: Any) -> AsyncIterator[Any]:
    """A fresh browser context (no cookies) with a Swedish browser locale."""
    context = await browser.new_context(locale="sv-SE")
    context.set_default_timeout(10_000)
    opened = await context.new_page()
    yield opened
    await context.close()
