"""Demo data: each app that has a ``demo`` module adds its invented part of the world.

An app's ``demo.populate()`` fills what is empty and returns lines to print (credentials, counts).
Apps run in dependency order (accounts first), so later apps find the organisations and users.
"""

from __future__ import annotations

import importlib
import importlib.util

from fristad.database import APPS


async def populate() -> list[str]:
    lines: list[str] = []
    for app in APPS:
        module_name = f"{app}.demo"
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        lines += await module.populate()
    return lines or ["No demo data yet: no app provides any."]
