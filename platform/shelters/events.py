"""Live availability: changes are published on Redis pub/sub, so every web process hears them.

A service publishes a shelter's id after its transaction has committed; each open bed board
(a server-sent-event stream in any process) subscribes and re-renders that shelter's row.
Nothing is kept in process memory but the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import AsyncIterator

import anyio
from redis.asyncio import Redis
from redis.exceptions import RedisError

from fristad import redisconn
from fristad.settings import get_settings

log = logging.getLogger("fristad.shelters")

CHANNEL = "fristad:shelters:availability"
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Redis] = weakref.WeakKeyDictionary()


def _client() -> Redis | None:
    url = get_settings().redis_url
    if not url:
        return None
    loop = asyncio.get_running_loop()
    if loop not in _clients:
        _clients[loop] = redisconn.client(url)
    return _clients[loop]


async def publish(shelter_id: int) -> None:
    """Tell every open board that the shelter's availability changed.

    A lost message costs a viewer one stale row until the next change or reload; it never
    undoes the change, so a Redis hiccup is logged and not raised.
    """
    client = _client()
    if client is None:
        return
    try:
        await client.publish(CHANNEL, str(shelter_id))
    except (RedisError, OSError) as error:
        log.warning("availability event for shelter %s not published: %s", shelter_id, error)


async def changes(redis_url: str, *, tick_seconds: float = 15.0) -> AsyncIterator[int | None]:
    """Shelter ids as their availability changes; None once subscribed, and after every
    ``tick_seconds`` of silence (a stream sends a keep-alive, and so notices a client gone)."""
    client = redisconn.client(redis_url)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    try:
        await pubsub.subscribe(CHANNEL)
        yield None  # subscribed: from here on no change is missed
        loop = asyncio.get_running_loop()
        quiet_since = loop.time()
        while True:
            message = await pubsub.get_message(timeout=1.0)
            if message is not None and message.get("type") == "message":
                with contextlib.suppress(ValueError):
                    yield int(message["data"])
                    quiet_since = loop.time()
            elif loop.time() - quiet_since >= tick_seconds:
                quiet_since = loop.time()
                yield None
    finally:
        # A stream ends by cancellation (the viewer left); shielded, the goodbye still happens.
        with anyio.CancelScope(shield=True):
            with contextlib.suppress(RedisError, OSError):
                await pubsub.unsubscribe(CHANNEL)
                await pubsub.aclose()  # type: ignore[no-untyped-call]
            await client.aclose()
