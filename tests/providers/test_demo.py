"""The demo world's providers: law firms taking migration appeals in several languages, a
one-year residential programme with few places, interpreters in all seven regions."""

from __future__ import annotations

from redis.asyncio import Redis

from accounts import demo as accounts_demo
from beneficiaries import demo as beneficiaries_demo
from beneficiaries.domain import split_codes
from fristad.regions import POLICE_REGIONS
from providers import demo, services
from providers.tables import Reservation, Service


async def test_demo_offers_lawyers_rehabilitation_and_interpreters_everywhere(jobs: Redis) -> None:
    await accounts_demo.populate()
    await beneficiaries_demo.populate()
    lines = await demo.populate()
    assert "services" in lines[-1]

    rows = await Service.select()
    appeals = [
        row
        for row in rows
        if row["kind"] == "legal_aid" and "migration_appeal" in split_codes(row["matters"])
    ]
    assert len(appeals) >= 3
    assert len({code for row in appeals for code in split_codes(row["languages"])}) >= 8
    [programme] = [row for row in rows if row["kind"] == "rehabilitation" and row["residential"]]
    assert (programme["length_months"], programme["maximum"], programme["available"]) == (12, 4, 1)
    interpreting = [row for row in rows if row["kind"] == "interpreting"]
    served = {region for row in interpreting for region in split_codes(row["regions"])}
    assert served == set(POLICE_REGIONS)
    languages = {code for row in interpreting for code in split_codes(row["languages"])}
    assert {"ro", "bg", "pcm", "th", "mn", "vi"} <= languages
    assert await Reservation.count() >= 1
    assert await services.broken_invariants() == []
    assert (await demo.populate())[0].startswith("Demo providers: the database has services")
