"""Settings: defaults give the embedded mode; bad values stop start-up naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

import msgspec
import pytest
from cryptography.fernet import Fernet

from fristad.settings import DEFAULT_SECRET_KEY, SettingsError, load_settings


def test_defaults_are_the_embedded_mode() -> None:
    settings = load_settings({})
    assert settings.env == "development"
    assert not settings.uses_postgres
    assert settings.embedded_redis
    assert settings.sqlite_path.name == "fristad.sqlite3"
    assert settings.sqlite_path.parent.name == "var"


def test_values_are_read_from_fristad_variables() -> None:
    settings = load_settings(
        {"FRISTAD_PORT": "9000", "FRISTAD_HTTPS": "true", "FRISTAD_DEBUG": "no"}
    )
    assert (settings.port, settings.https, settings.debug) == (9000, True, False)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("FRISTAD_PORT", "eighty"),
        ("FRISTAD_PORT", "70000"),
        ("FRISTAD_ENV", "staging"),
        ("FRISTAD_HTTPS", "maybe"),
        ("FRISTAD_DATABASE_URL", "mysql://db/fristad"),
        ("FRISTAD_REDIS_URL", "memcached://cache"),
        ("FRISTAD_DATA_KEYS", "not-a-key"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        load_settings({variable: value})


def _production(**overrides: str) -> dict[str, str]:
    environ = {
        "FRISTAD_ENV": "production",
        "FRISTAD_SECRET_KEY": "s" * 48,
        "FRISTAD_DATA_KEYS": Fernet.generate_key().decode(),
        "FRISTAD_PUBLIC_URL": "https://fristad.example",
    }
    environ.update(overrides)
    return environ


def test_production_starts_with_its_own_secrets() -> None:
    assert load_settings(_production()).env == "production"


def test_production_refuses_the_default_secret_key() -> None:
    with pytest.raises(SettingsError, match="FRISTAD_SECRET_KEY"):
        load_settings(_production(FRISTAD_SECRET_KEY=DEFAULT_SECRET_KEY))


def test_production_refuses_a_missing_data_key() -> None:
    environ = _production()
    del environ["FRISTAD_DATA_KEYS"]
    with pytest.raises(SettingsError, match="FRISTAD_DATA_KEYS"):
        load_settings(environ)


def test_production_refuses_a_missing_public_url() -> None:
    environ = _production()
    del environ["FRISTAD_PUBLIC_URL"]
    with pytest.raises(SettingsError, match="FRISTAD_PUBLIC_URL"):
        load_settings(environ)


@pytest.mark.parametrize(
    ("environ", "public_url"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"FRISTAD_PORT": "8101"}, "http://127.0.0.1:8101"),
        ({"FRISTAD_HOST": "0.0.0.0", "FRISTAD_PORT": "8101"}, "http://127.0.0.1:8101"),  # noqa: S104
        ({"FRISTAD_HOST": "::1", "FRISTAD_PORT": "8101"}, "http://[::1]:8101"),
        ({"FRISTAD_PORT": "8101", "FRISTAD_PUBLIC_URL": "https://x.example"}, "https://x.example"),
    ],
)
def test_links_point_to_the_port_served_unless_a_public_url_is_set(
    environ: dict[str, str], public_url: str
) -> None:
    assert load_settings(environ).public_url == public_url


def test_production_refuses_debug() -> None:
    with pytest.raises(SettingsError, match="FRISTAD_DEBUG"):
        load_settings(_production(FRISTAD_DEBUG="true"))


@pytest.mark.parametrize(
    ("environ", "enabled"),
    [
        ({}, True),
        ({"FRISTAD_DEV_OUTBOX": "false"}, False),
        ({"FRISTAD_ENV": "test"}, False),
        ({"FRISTAD_ENV": "test", "FRISTAD_DEV_OUTBOX": "true"}, True),
        (_production(), False),
    ],
)
def test_the_development_outbox_page_is_on_only_in_development_unless_set(
    environ: dict[str, str], enabled: bool
) -> None:
    assert load_settings(environ).dev_outbox_enabled is enabled


def test_production_refuses_the_development_outbox() -> None:
    with pytest.raises(SettingsError, match="FRISTAD_DEV_OUTBOX"):
        load_settings(_production(FRISTAD_DEV_OUTBOX="true"))
    # Built without the check: still off.
    settings = msgspec.structs.replace(load_settings(_production()), dev_outbox=True)
    assert not settings.dev_outbox_enabled


def test_production_with_the_outbox_on_does_not_start() -> None:
    env = {**os.environ, **_production(FRISTAD_DEV_OUTBOX="yes")}
    result = subprocess.run(
        [sys.executable, "-m", "fristad", "check"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    [line] = result.stderr.strip().splitlines()
    assert "FRISTAD_DEV_OUTBOX" in line


def test_a_bad_value_stops_the_command_with_one_line_and_no_traceback() -> None:
    env = {**os.environ, "FRISTAD_PORT": "eighty"}
    result = subprocess.run(
        [sys.executable, "-m", "fristad", "check"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert "FRISTAD_PORT" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_summary_hides_secrets() -> None:
    settings = load_settings(
        _production(FRISTAD_DATABASE_URL="postgresql://fristad:hemligt@db:5432/fristad")
    )
    shown = " ".join(settings.public_summary().values())
    assert "hemligt" not in shown
    assert settings.secret_key not in shown
    assert settings.data_keys[0] not in shown
