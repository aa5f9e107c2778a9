"""How fast is the people list at 10 000 records? Prints timings; asserts nothing.

    uv run python bench/beneficiaries_list.py            # embedded SQLite in a temporary folder
    FRISTAD_DATABASE_URL=postgresql://… uv run python bench/beneficiaries_list.py

Inserts 10 000 invented records for 10 organisations (1 000 each, in one organisation's reach),
then times list pages, code search and filters through the real service, as a caseworker sees it.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

RECORDS = 10_000
ORGANISATIONS = 10
REPEAT = 15

# This file's folder comes first on sys.path, and bench/matching.py would hide the matching package.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [path for path in sys.path if os.path.abspath(path or ".") != HERE]
if "FRISTAD_DATABASE_URL" not in os.environ:
    os.environ["FRISTAD_VAR_DIR"] = tempfile.mkdtemp(prefix="fristad-bench-")


async def main() -> None:
    from accounts import services as accounts
    from accounts.domain import Role
    from beneficiaries import services
    from beneficiaries.domain import CODE_ALPHABET
    from beneficiaries.tables import Beneficiary
    from fristad import database

    await database.migrate()
    await database.start()  # a connection pool on PostgreSQL, as in production
    await database.truncate_all()
    generator = random.Random(1)  # noqa: S311 - invented data
    organisation_ids = []
    for number in range(ORGANISATIONS):
        prefix = f"80{number:07d}"
        from stdnum import luhn

        organisation_ids.append(
            await accounts.create_organisation(
                None,
                accounts.NewOrganisation(
                    name=f"Bench {number}",
                    org_number=f"{prefix[:6]}-{prefix[6:]}{luhn.calc_check_digit(prefix)}",
                    is_member_ngo=True,
                ),
            )
        )
    user_id = await accounts.create_user("bench@example.org", "Bench", "x", check_strength=False)
    await accounts.add_membership(None, user_id, organisation_ids[0], Role.CASEWORKER)
    actor = await accounts.load_actor(user_id, session_epoch=None, membership_id=None)
    assert actor is not None

    started = time.perf_counter()
    now = datetime.now(UTC)
    codes: set[str] = set()
    batch = []
    for number in range(RECORDS):
        while (code := "".join(generator.choice(CODE_ALPHABET) for _ in range(6))) in codes:
            pass
        codes.add(code)
        batch.append(
            Beneficiary(
                code=f"{code[:3]}-{code[3:]}",
                organisation=organisation_ids[number % ORGANISATIONS],
                gender=generator.choice(["woman", "man"]),
                age_band=generator.choice(["18-24", "25-34", "35-49"]),
                exploitation_types=generator.choice(["sexual_exploitation", "forced_labour"]),
                region=generator.choice(["stockholm", "syd", "vast"]),
                needs=generator.choice(["shelter", "legal_aid shelter", "rehabilitation"]),
                status=generator.choice(["open", "open", "placed", "closed"]),
                created_at=now,
                updated_at=now - timedelta(minutes=number),
            )
        )
        if len(batch) == 500:
            await Beneficiary.insert(*batch)
            batch = []
    print(f"inserted {RECORDS} records in {time.perf_counter() - started:.1f} s")

    async def timed(label: str, filters: services.Filters) -> None:
        durations = []
        for _ in range(REPEAT):
            begin = time.perf_counter()
            rows, total = await services.list_beneficiaries(actor, filters)
            durations.append((time.perf_counter() - begin) * 1000)
        print(
            f"{label:<34} median {statistics.median(durations):6.1f} ms"
            f"  max {max(durations):6.1f} ms  ({len(rows)} rows of {total})"
        )

    await timed("first page", services.Filters())
    await timed("page 40 (last)", services.Filters(page=40))
    await timed("code prefix search", services.Filters(code=next(iter(codes))[:2]))
    await timed(
        "status + need + region filters",
        services.Filters(status="open", need="shelter", region="syd"),
    )
    await timed(
        "exploitation filter, page 10", services.Filters(exploitation_type="forced_labour", page=10)
    )
    await database.stop()


if __name__ == "__main__":
    asyncio.run(main())
