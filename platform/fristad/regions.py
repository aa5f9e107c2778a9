"""Sweden's seven police regions and 290 municipalities (SCB codes), the places Fristad knows.

The municipality list is reference data (facts) kept in fristad/data/municipalities.csv.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

# code -> name (proper names: the same in both languages).
POLICE_REGIONS: Final = {
    "nord": "Region Nord",
    "mitt": "Region Mitt",
    "stockholm": "Region Stockholm",
    "ost": "Region Öst",
    "vast": "Region Väst",
    "syd": "Region Syd",
    "bergslagen": "Region Bergslagen",
}
_REGION_BY_NAME: Final = {
    name.removeprefix("Region "): code for code, name in POLICE_REGIONS.items()
}
DATA_FILE: Final = Path(__file__).parent / "data" / "municipalities.csv"


@dataclass(frozen=True)
class Municipality:
    code: str  # SCB's four-digit kommunkod
    name: str
    county: str
    region: str  # police region code


@cache
def municipalities() -> dict[str, Municipality]:
    """All 290 municipalities by code, in the file's (SCB) order."""
    with DATA_FILE.open(encoding="utf-8", newline="") as data:
        return {
            row["municipality_code"]: Municipality(
                code=row["municipality_code"],
                name=row["municipality_name"],
                county=row["county_name"],
                region=_REGION_BY_NAME[row["police_region"]],
            )
            for row in csv.DictReader(data)
        }


def municipalities_in(region: str) -> list[Municipality]:
    return [m for m in municipalities().values() if m.region == region]


def municipality_name(code: str | None) -> str:
    if not code:
        return ""
    found = municipalities().get(code)
    return found.name if found else code
