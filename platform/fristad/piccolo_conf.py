"""Piccolo's configuration module (``PICCOLO_CONF=fristad.piccolo_conf``): the engine and the
apps' Piccolo configurations. A leaf, as in Piccolo's project template: fristad.database finds the
engine through Piccolo's ``engine_finder``.
"""

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from fristad.settings import get_settings
from fristad.sqlite_engine import KeptConnectionsSQLiteEngine

_settings = get_settings()
if _settings.uses_postgres:
    DB: PostgresEngine | SQLiteEngine = PostgresEngine(
        config={"dsn": _settings.database_url}, log_queries=False
    )
else:
    _settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    # timeout: how long a writer waits for SQLite's write lock before giving up (seconds).
    # Reads outside transactions reuse kept connections (fristad.sqlite_engine).
    DB = KeptConnectionsSQLiteEngine(path=str(_settings.sqlite_path), timeout=30)

APP_REGISTRY = AppRegistry(
    apps=[
        "fristad.piccolo_app",
        "accounts.piccolo_app",
        "beneficiaries.piccolo_app",
        "grants.piccolo_app",
        "shelters.piccolo_app",
        "providers.piccolo_app",
        "matching.piccolo_app",
        "pathways.piccolo_app",
        "figures.piccolo_app",
    ]
)
