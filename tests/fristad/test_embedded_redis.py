"""The embedded Redis lives exactly as long as the fristad command that started it (issue #18).

The tests run real ``fristad`` processes in the embedded mode (no FRISTAD_REDIS_URL), each on a
var directory of its own, and find their redis-server processes by working directory in /proc.
"""

from __future__ import annotations

import email
import email.message
import email.policy
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fristad import redisconn
from tests.accounts.helpers import csrf_from
from tests.browser import ServerProcess, _wait_until_ready, free_port, stop_server
from tests.fristad.redis_processes import redis_servers_under

# The embedded mode is SQLite whatever the suite runs on: these run once.
pytestmark = [
    pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="reads /proc"),
    pytest.mark.once,
]

# Generous: two cores shared with other work, and the demo data takes a while to write.
START_WAIT_SECONDS = 180
EXIT_WAIT_SECONDS = 60


@pytest.fixture
def var_dir(test_dir: Path) -> Iterator[Path]:
    # Under the run's directory, so the session's final check sees what a test left behind.
    directory = Path(tempfile.mkdtemp(prefix="var-", dir=test_dir))
    yield directory
    for pid in redis_servers_under(directory):  # only after a failure: the tests assert none
        os.kill(pid, signal.SIGTERM)


@pytest.fixture
def serve(var_dir: Path) -> Iterator[Callable[..., ServerProcess]]:
    """Start ``fristad serve`` on ``var_dir``; whatever a failing test left running is stopped."""
    started: list[ServerProcess] = []

    def start(*arguments: str) -> ServerProcess:
        started.append(_serve(var_dir, *arguments))
        return started[-1]

    yield start
    for server in started:
        if server.process.poll() is None:
            stop_server(server)


def _embedded_env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("FRISTAD_REDIS_URL", "FRISTAD_INPROCESS_WORKER")
    }
    env["FRISTAD_VAR_DIR"] = str(var_dir)
    env["FRISTAD_DATABASE_URL"] = f"sqlite:///{var_dir / 'fristad.sqlite3'}"
    env["FRISTAD_DATABASE_POOL_SIZE"] = "5"
    env["PYTHONUNBUFFERED"] = "1"  # the log shows how far a process got
    return {**env, **extra}


def _serve(var_dir: Path, *arguments: str) -> ServerProcess:
    """``fristad serve`` in the embedded mode on a free port, answering /healthz."""
    port = free_port()
    log_path = var_dir / f"serve-{port}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "fristad", "serve", "--port", str(port), *arguments],
        env=_embedded_env(var_dir),
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
    )
    server = ServerProcess(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path)
    _wait_until_ready(server, timeout=START_WAIT_SECONDS)
    return server


def _fristad(var_dir: Path, *arguments: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fristad", *arguments],
        env=_embedded_env(var_dir, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _owner(var_dir: Path) -> dict[str, Any]:
    """What the running owner recorded: its pid, its redis-server's pid and URL."""
    record: dict[str, Any] = json.loads((var_dir / redisconn.LOCK_NAME).read_text())
    return record


def _end(server: ServerProcess, signum: int) -> int:
    server.process.send_signal(signum)
    return server.process.wait(timeout=EXIT_WAIT_SECONDS)


def _gone(pid: int, var_dir: Path) -> bool:
    deadline = time.monotonic() + EXIT_WAIT_SECONDS
    while pid in redis_servers_under(var_dir):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.mark.parametrize(
    ("signum", "arguments"),
    [(signal.SIGINT, ("--demo",)), (signal.SIGTERM, ("--demo",)), (signal.SIGHUP, ())],
    ids=["SIGINT", "SIGTERM", "SIGHUP"],
)
def test_serve_stops_its_redis_server_when_it_is_stopped_by_a_signal(
    var_dir: Path, serve: Callable[..., ServerProcess], signum: int, arguments: tuple[str, ...]
) -> None:
    server = serve(*arguments)
    owner = _owner(var_dir)
    assert owner["owner"] == server.process.pid
    assert redis_servers_under(var_dir) == [owner["server"]]

    returncode = _end(server, signum)

    assert redis_servers_under(var_dir) == [], server.log()
    assert not Path(owner["url"].removeprefix("unix://")).parent.exists()
    assert (var_dir / "redis.db").exists()  # saved on the way out
    # Ctrl-C is a normal stop; SIGTERM (a hang-up is taken for one) still ends the process, by
    # that signal, once the server is down.
    assert returncode == (0 if signum == signal.SIGINT else -signal.SIGTERM), server.log()


def test_a_second_serve_on_the_same_var_dir_refuses_in_one_line(
    var_dir: Path, serve: Callable[..., ServerProcess]
) -> None:
    first = serve()
    owner = _owner(var_dir)

    second = _fristad(var_dir, "serve", "--port", str(free_port()))

    assert second.returncode != 0
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1, second.stderr
    assert f"pid {first.process.pid}" in lines[0]
    assert str(var_dir) in lines[0]
    assert redis_servers_under(var_dir) == [owner["server"]]

    # `fristad check` beside it uses the running server, and leaves it running.
    check = _fristad(var_dir, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "redis: ok" in check.stdout
    assert _owner(var_dir) == owner
    assert redis_servers_under(var_dir) == [owner["server"]]

    _end(first, signal.SIGTERM)
    assert redis_servers_under(var_dir) == []


def test_serve_starts_after_a_killed_serve_left_its_redis_server_running(
    var_dir: Path, serve: Callable[..., ServerProcess]
) -> None:
    # What `kill -9` or the OOM killer does: redis-server is a daemon and outlives serve.
    first = serve()
    leftover = _owner(var_dir)["server"]
    _end(first, signal.SIGKILL)
    assert redis_servers_under(var_dir) == [leftover]

    second = serve()

    assert _gone(leftover, var_dir)  # shut down by the second serve, which runs its own
    assert redis_servers_under(var_dir) == [_owner(var_dir)["server"]]
    _end(second, signal.SIGTERM)
    assert redis_servers_under(var_dir) == []


def test_serve_starts_after_a_crash_left_a_stale_socket_and_pid_file(
    var_dir: Path, serve: Callable[..., ServerProcess]
) -> None:
    # What a crash of the machine leaves: both processes gone, their files still there.
    first = serve()
    owner = _owner(var_dir)
    _end(first, signal.SIGKILL)
    os.kill(owner["server"], signal.SIGKILL)
    assert _gone(owner["server"], var_dir)
    socket = Path(owner["url"].removeprefix("unix://"))
    assert socket.exists()
    # After a restart, the stale pid may well belong to another process: here, this one.
    registry = json.loads((var_dir / redisconn.REGISTRY_NAME).read_text())
    Path(registry["pidfile"]).write_text(str(os.getpid()))

    second = serve()

    assert redis_servers_under(var_dir) == [_owner(var_dir)["server"]]
    assert not socket.parent.exists()
    _end(second, signal.SIGTERM)
    assert redis_servers_under(var_dir) == []


def test_serve_stops_its_redis_server_when_the_migration_fails(var_dir: Path) -> None:
    unopenable = var_dir / "directory.sqlite3"
    unopenable.mkdir()

    result = _fristad(
        var_dir, "serve", "--port", str(free_port()), FRISTAD_DATABASE_URL=f"sqlite:///{unopenable}"
    )

    assert result.returncode != 0
    assert (var_dir / "redis.db").exists(), result.stderr  # its server ran, and saved at the end
    assert redis_servers_under(var_dir) == []


def test_serve_stops_its_redis_server_when_the_demo_fails(var_dir: Path) -> None:
    # PostgreSQL is not migrated at start, so the demo is the first to find nobody listening.
    unreachable = f"postgresql://fristad@127.0.0.1:{free_port()}/fristad"

    result = _fristad(
        var_dir, "serve", "--demo", "--port", str(free_port()), FRISTAD_DATABASE_URL=unreachable
    )

    assert result.returncode != 0
    assert "database:" in result.stderr
    assert (var_dir / "redis.db").exists(), result.stderr
    assert redis_servers_under(var_dir) == []


@pytest.mark.parametrize("command", ["demo", "check"])
def test_demo_and_check_stop_the_redis_server_they_start(var_dir: Path, command: str) -> None:
    result = _fristad(var_dir, command)

    assert result.returncode == 0, result.stdout + result.stderr
    assert (var_dir / "redis.db").exists()
    assert redis_servers_under(var_dir) == []


def test_embedded_redis_stop_waits_until_its_server_is_gone(var_dir: Path) -> None:
    server = redisconn.EmbeddedRedis(var_dir)
    assert redis_servers_under(var_dir) == [server.pid]
    with pytest.raises(redisconn.EmbeddedRedisInUse) as in_use:
        redisconn.EmbeddedRedis(var_dir)
    assert in_use.value.owner_pid == os.getpid()
    assert in_use.value.url == server.url

    server.stop()
    server.stop()  # twice is harmless

    assert redis_servers_under(var_dir) == []
    with redisconn.EmbeddedRedis(var_dir) as again:  # the directory is free again
        assert redis_servers_under(var_dir) == [again.pid]
    assert redis_servers_under(var_dir) == []


def test_serve_demo_prints_its_users_last_and_mails_link_to_the_port_served(
    var_dir: Path, serve: Callable[..., ServerProcess]
) -> None:
    """Issue #11 items 19 and 20: what a first run shows, and where its e-mails point."""
    server = serve("--demo")
    _wait_for(lambda: f"Fristad on {server.url}" in server.log(), server)
    after_start = server.log().split("Application startup complete.", 1)[1]
    assert "lina@trygghamn.example" in after_start, server.log()
    assert f"Fristad on {server.url}" in after_start

    with httpx.Client(base_url=server.url, timeout=30) as client:
        form = client.get("/password/forgot")
        token = csrf_from(form.text)
        sent = client.post(
            "/password/forgot", data={"email": "lina@trygghamn.example", "_csrf_token": token}
        )
        assert sent.status_code < 400, sent.text

    outbox = var_dir / "outbox"
    _wait_for(lambda: any("/password/reset/" in _text_of(mail) for mail in _mails(outbox)), server)
    [reset] = [mail for mail in _mails(outbox) if "/password/reset/" in _text_of(mail)]
    assert f"{server.url}/password/reset/" in _text_of(reset)
    # The worker ran (demo mails, this one) without telling of every job at INFO.
    assert "arq.worker" not in server.log()
    assert "written to the outbox" not in server.log()


def _mails(outbox: Path) -> list[Path]:
    return sorted(outbox.glob("*.eml")) if outbox.is_dir() else []


def _text_of(path: Path) -> str:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    body = message.get_body(preferencelist=("plain",))
    return body.get_content() if body is not None else ""


def _wait_for(condition: Callable[[], bool], server: ServerProcess) -> None:
    deadline = time.monotonic() + START_WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, server.log()
        time.sleep(0.2)
