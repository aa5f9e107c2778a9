"""The fristad command: check, migrate, demo."""

from __future__ import annotations

import os
import subprocess
import sys

from fristad.settings import Settings
from tests.browser import free_port


def _fristad(*arguments: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fristad", *arguments],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_prints_the_configuration_and_passes(settings: Settings, migrated: None) -> None:
    result = _fristad("check")
    assert result.returncode == 0, result.stderr
    assert "database: ok" in result.stdout
    assert "redis: ok" in result.stdout
    assert settings.secret_key not in result.stdout


def test_check_with_a_wrong_database_url_prints_one_clear_line(settings: Settings) -> None:
    url = f"postgresql://fristad:hemligt-losen@127.0.0.1:{free_port()}/fristad"
    result = _fristad("check", FRISTAD_DATABASE_URL=url)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if "database:" in line]
    assert len(lines) == 1
    assert "unreachable" in lines[0]
    assert "hemligt-losen" not in result.stdout


def test_check_with_unreachable_redis_prints_one_clear_line(settings: Settings) -> None:
    result = _fristad("check", FRISTAD_REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip().startswith("redis:")]
    assert len(lines) == 1
    assert "unreachable" in lines[0]


def test_migrate_is_repeatable(settings: Settings, migrated: None) -> None:
    first = _fristad("migrate")
    second = _fristad("migrate")
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr


def test_worker_refuses_to_start_without_a_redis_url(settings: Settings) -> None:
    env = {key: value for key, value in os.environ.items() if key != "FRISTAD_REDIS_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "fristad", "worker"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "FRISTAD_REDIS_URL" in result.stderr
    assert "Traceback" not in result.stderr
