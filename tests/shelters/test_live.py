"""Live board across processes: a change made through one web process reaches an SSE client
connected to another within a second (Redis pub/sub), on the test database and Redis."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
from redis.asyncio import Redis

from fristad.settings import Settings
from shelters.events import CHANNEL
from tests.accounts.helpers import csrf, sign_in
from tests.browser import start_server, stop_server
from tests.shelters.helpers import ADDRESS, category, make_world


async def test_change_through_process_a_reaches_an_sse_client_on_process_b_within_a_second(
    settings: Settings, jobs: Redis, test_dir: Path
) -> None:
    world = await make_world(capacity=5)
    web_a = start_server("serve", test_dir)
    web_b = start_server("serve", test_dir)
    try:
        async with (
            httpx.AsyncClient(base_url=web_a.url) as staff,
            httpx.AsyncClient(base_url=web_b.url, timeout=10) as viewer,
        ):
            await sign_in(staff, world.staff)
            await sign_in(viewer, world.caseworker)
            operate = f"/shelters/operate/{world.shelter_id}"
            token = await csrf(staff, operate)
            version = (await category(world.category_id))["version"]

            async with viewer.stream("GET", "/shelters/board/events") as stream:
                assert stream.status_code == 200
                assert stream.headers["content-type"].startswith("text/event-stream")
                lines = stream.aiter_lines()
                async with asyncio.timeout(5):
                    while (await anext(lines)) != "event: ready":
                        pass
                started = time.monotonic()
                changed = await staff.post(
                    f"/shelters/operate/categories/{world.category_id}/adjust",
                    data={"what": "free", "delta": -1, "version": version},
                    headers={"HX-Request": "true", "x-csrftoken": token},
                )
                assert changed.status_code == 200, changed.text
                received: list[str] = []
                async with asyncio.timeout(1):
                    while True:
                        line = await anext(lines)
                        received.append(line)
                        if line == "" and any(f"shelter-{world.shelter_id}" in r for r in received):
                            break
                elapsed = time.monotonic() - started
            # The viewer left: process B lets go of its subscription.
            async with asyncio.timeout(5):
                while (await jobs.pubsub_numsub(CHANNEL))[0][1] > 0:  # noqa: ASYNC110 - polls Redis
                    await asyncio.sleep(0.05)
    finally:
        stop_server(web_a)
        stop_server(web_b)
    assert elapsed < 1
    assert "event: replace" in received
    data = "\n".join(line.removeprefix("data: ") for line in received if line.startswith("data:"))
    assert f'id="shelter-{world.shelter_id}"' in data
    assert f'<span class="bed-board__free" data-category="{world.category_id}">4</span>' in data
    assert ADDRESS not in data
