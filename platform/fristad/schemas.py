"""Bounded types for every app's forms and API payloads (msgspec), so that nothing typed or sent
can overflow a column: ids and counts fit PostgreSQL's INTEGER (SQLite would take up to 2^63, so
without a bound the two engines answer differently), amounts a sane maximum, text its VARCHAR.

The bounds are msgspec ``Meta`` constraints: msgspec enforces them when a form or body is read,
and Litestar publishes them in the OpenAPI schema (minimum, maximum, maxLength).
"""

from __future__ import annotations

import re
from typing import Annotated, Final

import msgspec

INT32_MAX: Final = 2_147_483_647
# A billion kronor, in öre: more than any programme holds, far inside BIGINT even summed.
MAX_AMOUNT: Final = 1_000_000_000 * 100
MAX_QUANTITY: Final = 100_000

# Each with an example, which the OpenAPI schema shows beside the bounds.
DbId = Annotated[int, msgspec.Meta(ge=1, le=INT32_MAX, description="An object's id", examples=[42])]
Int32 = Annotated[int, msgspec.Meta(ge=-INT32_MAX, le=INT32_MAX, examples=[-1])]
Count = Annotated[int, msgspec.Meta(ge=0, le=INT32_MAX, examples=[3])]
Amount = Annotated[
    int,
    msgspec.Meta(
        ge=0,
        le=MAX_AMOUNT,
        description="Öre (1 kr = 100 öre), at most a billion kr",
        examples=[1_250_000],
    ),
]
Quantity = Annotated[int, msgspec.Meta(ge=1, le=MAX_QUANTITY, examples=[10])]
# A list of Int32: Litestar leaves the items' bounds out of the schema, so they are given here.
Int32List = Annotated[
    list[Int32],
    msgspec.Meta(
        extra_json_schema={
            "extra": {"items": {"type": "integer", "minimum": -INT32_MAX, "maximum": INT32_MAX}}
        }
    ),
]

# Text as long as its column (VARCHAR(n)); free text (TEXT columns) gets a generous limit.
Code = Annotated[str, msgspec.Meta(max_length=30)]
Email = Annotated[str, msgspec.Meta(max_length=320, examples=["lina@trygghamn.example"])]
Name = Annotated[str, msgspec.Meta(max_length=200)]
ShortName = Annotated[str, msgspec.Meta(max_length=100)]
Password = Annotated[str, msgspec.Meta(max_length=1000)]
LocalPath = Annotated[str, msgspec.Meta(max_length=2000)]
FreeText = Annotated[str, msgspec.Meta(max_length=20_000)]


class Problem(msgspec.Struct, omit_defaults=True):
    """An API error as RFC 9457 problem details; ``errors`` are field messages by field name."""

    type: str
    title: str
    status: int
    detail: str
    errors: dict[str, str] = {}


_WHOLE_NUMBER = re.compile(r"\A\s*([0-9]{1,18})\s*\Z")


def whole_number(text: str, maximum: int = INT32_MAX) -> int | None:
    """A whole number typed into a form (ASCII digits, at most ``maximum``); None when it is
    none. (``str.isdigit`` takes "²" and "١٢", and ``int`` then fails or reads them.)"""
    match = _WHOLE_NUMBER.match(text)
    if match is None or int(match.group(1)) > maximum:
        return None
    return int(match.group(1))
