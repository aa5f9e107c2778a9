"""Which redis-server processes run for a directory, read from /proc (Linux)."""

from __future__ import annotations

from pathlib import Path


def redis_servers_under(directory: Path) -> list[int]:
    """Pids of the live redis-server processes working in ``directory`` or below it.

    redis-server works in its data directory, the var directory of the fristad command (or test
    fixture) that started it. A zombie (exited, not reaped) has no working directory: not listed.
    """
    directory = directory.resolve()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            cwd = (entry / "cwd").readlink()
        except OSError:  # gone meanwhile, a zombie, or not ours to read
            continue
        if b"redis-server" in command and cwd.is_relative_to(directory):
            found.append(int(entry.name))
    return sorted(found)
