"""Invented providers for the demo world (filled in below)."""

from __future__ import annotations


async def populate() -> list[str]:
    return []
