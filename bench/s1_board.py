"""S1 and S5: the bed board under load, as a ratio to a ceiling measured in the same run. Prints
figures; asserts nothing.

    uv run python bench/s1_board.py                      # embedded SQLite, in a temporary folder
    FRISTAD_DATABASE_URL=postgresql://postgres@127.0.0.1:5499/fristad_t_bench \\
        uv run python bench/s1_board.py                  # PostgreSQL: the database is EMPTIED

For the engine chosen it fills the database with ``fristad demo`` and adds shelters until the board
lists ``--shelters`` of them (50 by default; through ``fristad.large``, the generator of
``demo --scale large``), starts ``fristad serve`` (the embedded Redis, env "test" so templates
are compiled once), signs in as the demo's caseworker and runs ``wrk``
(Debian's package) at 32 connections for ``--seconds`` against:

- the board page ``/shelters/`` and its htmx fragment (``HX-Request: true``), through the whole
  application: session in Redis, the actor, CSRF, security headers, authorisation in the service;
- S5: the same board served by the same route handlers, services and template engine but without
  the security middleware (no session, no CSRF, no security headers): the caseworker's actor is
  still loaded from the database per request, by a bare middleware that trusts a fixed user id;
- the ceiling: a bare Litestar handler rendering ``shelters/board.html`` (the fragment, and the
  page) from the board read once at start-up and kept in memory, with the same template engine.

Each line gives requests/s, p50 and p95 of latency, and the ratio to the ceiling. S5's cost is the
share of throughput the security middleware takes (1 - with/without).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from typing import Any

from litestar import Litestar, Request, get
from litestar.response import Template

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [path for path in sys.path if os.path.abspath(path or ".") != HERE]

EMAIL = "lina@trygghamn.example"
PASSWORD = "Fristad-demo-2026"  # noqa: S105 - the demo's published password
WRK = shutil.which("wrk") or "/usr/bin/wrk"
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.2f %.2f %d %d\\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    summary.requests))
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_ready(url: str, server: subprocess.Popen[bytes], path: str = "/readyz") -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server for {url} ended ({server.returncode})")
        try:
            # An http URL this script built (no file: or other scheme).
            with urllib.request.urlopen(url + path, timeout=2) as answer:  # noqa: S310  # nosec B310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"{url} did not start")


def start(args: list[str], env: dict[str, str], port: int, ready: str) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, *args],
        env={**env, "FRISTAD_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_ready(f"http://127.0.0.1:{port}", server, ready)
    return server


def sign_in(url: str) -> str:
    """The Cookie header of a signed-in caseworker's browser."""
    import httpx

    with httpx.Client(base_url=url, follow_redirects=True) as client:
        form = client.get("/sign-in")
        token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
        assert token, "no CSRF token on the sign-in page"
        answer = client.post(
            "/sign-in", data={"email": EMAIL, "password": PASSWORD, "_csrf_token": token[1]}
        )
        assert "/sign-in" not in str(answer.url), "sign-in refused"
        board = client.get("/shelters/")
        assert board.status_code == 200, board.status_code
        assert "<table" in board.text, "no board shown"
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def seed(env: dict[str, str], shelters: int) -> None:
    """The demo, then more invented shelters (a few beds each) until there are ``shelters``."""
    subprocess.run(
        [sys.executable, "-m", "fristad", "demo"], env=env, check=True, stdout=subprocess.DEVNULL
    )
    code = f"""
import asyncio
from fristad import database
from fristad.large import Scale, build
from fristad.settings import get_settings
from shelters.tables import Shelter

async def main():
    await database.start()
    extra = {shelters} - await Shelter.count()
    if extra > 0:
        scale = Scale(beneficiaries=10, shelters=extra, beds=extra * 8, services=1,
                      support_requests=10, history_days=7)
        await build(get_settings(), scale, lambda name, total: lambda done: None)
    await database.stop()

asyncio.run(main())
"""
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def check(url: str, headers: dict[str, str]) -> tuple[int, int]:
    """The size of the board answered and how many shelters it lists."""
    import httpx

    answer = httpx.get(url, headers=headers)
    assert answer.status_code == 200, (url, answer.status_code)
    assert "<table" in answer.text, (url, "no board shown")
    return len(answer.content), len(re.findall(r'id="shelter-\d+"', answer.text))


def other_pages(base: str, cookie: dict[str, str]) -> list[tuple[str, str]]:
    """The people list, one person's page (the first listed), and "my requests"."""
    import httpx

    listing = httpx.get(base + "/beneficiaries/", headers=cookie).text
    person = re.search(r'href="(/beneficiaries/\d+)"', listing)
    pages = [("other page: the people list", "/beneficiaries/")]
    if person:
        pages.append(("other page: a person's page", person.group(1)))
    pages.append(("other page: my requests", "/grants/requests"))
    return pages


def wrk(url: str, headers: dict[str, str], seconds: int, connections: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    command = [WRK, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s"]
    command += [script.name]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    match = re.search(r"RESULT (\S+) (\S+) (\S+) (\d+) (\d+)", out)
    assert match, out
    rps, p50, p95, errors, total = match.groups()
    return {"rps": float(rps), "p50": float(p50), "p95": float(p95), "errors": int(errors)} | {
        "requests": int(total)
    }


def report(label: str, result: dict[str, float], ceiling: float | None) -> None:
    ratio = f"{result['rps'] / ceiling:6.2f}" if ceiling else "     -"
    errors = f"  errors {int(result['errors'])}" if result["errors"] else ""
    print(
        f"  {label:<44} {result['rps']:8.1f} req/s  p50 {result['p50']:7.1f} ms  "
        f"p95 {result['p95']:7.1f} ms  ratio {ratio}{errors}",
        flush=True,
    )


# --- the ceiling and the board without security middleware (run as their own processes) --------


def ceiling_app() -> Any:
    """A bare Litestar handler rendering the board from data read once, with no middleware."""
    import contextlib

    from litestar.plugins.htmx import HTMXPlugin
    from litestar.template.config import TemplateConfig

    from accounts.services import load_actor
    from accounts.tables import User
    from fristad import database, i18n
    from fristad.app import APPS
    from fristad.regions import POLICE_REGIONS
    from fristad.web import create_template_engine
    from shelters import services, views

    kept: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> Any:
        await database.start()
        user = await User.select(User.id).where(User.email == EMAIL).first()
        actor = await load_actor(user["id"], session_epoch=None, membership_id=None)
        assert actor is not None
        filters = views._filters("", "", "", "", "")
        kept["actor"] = actor
        kept["context"] = {
            "errors": {},
            "shelters": await services.board(actor, filters),
            "filters": filters,
            "staff_languages": [],
            "query": "",
            "regions": POLICE_REGIONS,
            "groups": views._groups(),
            "can_hold": views._can_hold(actor),
        }
        yield
        await database.stop()

    @get("/shelters/", sync_to_thread=False)
    def board(request: Request[Any, Any, Any]) -> Template:
        request.scope["user"] = kept["actor"]
        i18n.activate(kept["actor"].locale or "sv")
        return Template("shelters/board.html", context={**kept["context"], "query": ""})

    @get("/readyz", sync_to_thread=False)
    def ready() -> str:
        return "ok"

    engine = create_template_engine(APPS)
    engine.engine.auto_reload = False
    return Litestar(
        route_handlers=[board, ready],
        lifespan=[lifespan],
        plugins=[HTMXPlugin()],
        template_config=TemplateConfig(instance=engine),
    )


def insecure_app() -> Any:
    """Every route handler of the app and its template engine, without the session, CSRF and
    security-header middleware: the caseworker's actor is loaded per request from a fixed id."""
    import contextlib

    from litestar.datastructures import State
    from litestar.di import Provide
    from litestar.plugins.htmx import HTMXPlugin
    from litestar.template.config import TemplateConfig
    from litestar.types import ASGIApp, Receive, Scope, Send

    from accounts.services import load_actor
    from accounts.tables import User
    from accounts.web import provide_actor, provide_viewer
    from fristad import database
    from fristad.app import APPS
    from fristad.health import HealthController
    from fristad.settings import get_settings
    from fristad.web import before_request, create_template_engine

    settings = get_settings()
    kept: dict[str, int] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> Any:
        await database.start()
        user = await User.select(User.id).where(User.email == EMAIL).first()
        kept["user_id"] = user["id"]
        yield
        await database.stop()

    def actor_middleware(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http":
                scope["user"] = await load_actor(
                    kept["user_id"], session_epoch=None, membership_id=None
                )
            await app(scope, receive, send)

        return middleware

    return Litestar(
        route_handlers=[
            HealthController,
            *(handler for app in APPS for handler in app.route_handlers),
        ],
        lifespan=[lifespan],
        state=State({"settings": settings, "start_pages": []}),
        dependencies={
            "actor": Provide(provide_actor, sync_to_thread=False),
            "viewer": Provide(provide_viewer, sync_to_thread=False),
            "settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False),
            # No handler measured here uses Redis (sign-in does: it is not measured here).
            "redis": Provide(lambda: None, use_cache=True, sync_to_thread=False),
        },
        middleware=[actor_middleware],
        plugins=[HTMXPlugin()],
        template_config=TemplateConfig(instance=create_template_engine(APPS)),
        before_request=before_request,
    )


def serve(factory: str, port: int) -> None:
    import uvicorn

    uvicorn.run(
        f"__main__:{factory}",
        factory=True,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
    )


# --- the run ------------------------------------------------------------------------------------


def run(seconds: int, connections: int, shelters: int) -> None:
    env = {
        **os.environ,
        "FRISTAD_ENV": "test",
        "FRISTAD_HOST": "127.0.0.1",
        "FRISTAD_SECRET_KEY": secrets.token_urlsafe(32),
    }
    uses_postgres = bool(env.get("FRISTAD_DATABASE_URL"))
    if not uses_postgres:
        env["FRISTAD_VAR_DIR"] = tempfile.mkdtemp(prefix="fristad-bench-s1-")
    else:
        env.setdefault("FRISTAD_VAR_DIR", tempfile.mkdtemp(prefix="fristad-bench-s1-"))
        subprocess.run(
            [sys.executable, "-m", "fristad", "migrate"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import asyncio; from fristad import database; "
                "asyncio.run(database.truncate_all())",
            ],
            env=env,
            check=True,
        )
    engine = "PostgreSQL" if uses_postgres else "embedded SQLite"
    app_port, bare_port, ceiling_port = free_port(), free_port(), free_port()
    servers = []
    try:
        seed({**env, "FRISTAD_LOG_LEVEL": "WARNING"}, shelters)
        servers.append(
            start(
                ["-m", "fristad", "serve"],
                {**env, "FRISTAD_LOG_LEVEL": "WARNING"},
                app_port,
                "/readyz",
            )
        )
        me = os.path.abspath(__file__)
        servers.append(start([me, "--serve", "insecure_app"], env, bare_port, "/healthz"))
        servers.append(start([me, "--serve", "ceiling_app"], env, ceiling_port, "/readyz"))
        app, bare, ceiling = (
            f"http://127.0.0.1:{p}/shelters/" for p in (app_port, bare_port, ceiling_port)
        )
        cookie = {"Cookie": sign_in(f"http://127.0.0.1:{app_port}")}
        htmx = {"HX-Request": "true"}
        size, listed = check(app, cookie)
        print(
            f"S1/S5 on {engine}: wrk, {connections} connections, {seconds} s each; "
            f"board page {size / 1000:.0f} KB, {listed} shelters listed",
            flush=True,
        )
        for _ in range(2):  # warm every process up (templates, connections) before measuring
            for url, headers in ((app, cookie), (bare, {}), (ceiling, {})):
                check(url, headers)
                check(url, headers | htmx)
        ceiling_fragment = wrk(ceiling, htmx, seconds, connections)
        report("ceiling: bare handler, board fragment", ceiling_fragment, None)
        ceiling_page = wrk(ceiling, {}, seconds, connections)
        report("ceiling: bare handler, board page", ceiling_page, None)
        fragment = wrk(app, cookie | htmx, seconds, connections)
        report("S1 board fragment (htmx), signed in", fragment, ceiling_fragment["rps"])
        full = wrk(app, cookie, seconds, connections)
        report("S1 board page, signed in", full, ceiling_page["rps"])
        bare_fragment = wrk(bare, htmx, seconds, connections)
        report(
            "S5 board fragment without security middleware", bare_fragment, ceiling_fragment["rps"]
        )
        bare_page = wrk(bare, {}, seconds, connections)
        report("S5 board page without security middleware", bare_page, ceiling_page["rps"])
        for label, with_, without in (
            ("fragment", fragment, bare_fragment),
            ("page", full, bare_page),
        ):
            print(
                f"  S5 security middleware's cost, {label}: "
                f"{1 - with_['rps'] / without['rps']:.0%} of throughput",
                flush=True,
            )
        # "The other main pages within 1.5x of it": the caseworker's own pages, each right after
        # the board page once more (a shared machine's load moves between runs), as a share of
        # that board page's rate (target >= 0.67).
        base = f"http://127.0.0.1:{app_port}"
        for label, path in other_pages(base, cookie):
            board = wrk(app, cookie, seconds, connections)
            result = wrk(base + path, cookie, seconds, connections)
            report(label, result, None)
            print(
                f"    {'':44} share of the board page's rate just before "
                f"({board['rps']:.1f} req/s): {result['rps'] / board['rps']:.2f}"
            )
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--shelters", type=int, default=50, help="shelters on the board")
    parser.add_argument("--serve", choices=["ceiling_app", "insecure_app"], help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve(options.serve, int(os.environ["FRISTAD_PORT"]))
    else:
        run(options.seconds, options.connections, options.shelters)


if __name__ == "__main__":
    main()
