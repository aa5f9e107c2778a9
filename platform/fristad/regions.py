"""Sweden's seven police regions, the regional unit of the coordinators and the bed board."""

from __future__ import annotations

from typing import Final

from fristad.i18n import gettext

# code -> Swedish name (proper names: the same in both languages).
POLICE_REGIONS: Final = {
    "nord": "Region Nord",
    "mitt": "Region Mitt",
    "stockholm": "Region Stockholm",
    "ost": "Region Öst",
    "vast": "Region Väst",
    "syd": "Region Syd",
    "bergslagen": "Region Bergslagen",
}


def region_name(code: str | None) -> str:
    if code is None:
        return gettext("National")
    return POLICE_REGIONS.get(code, code)
