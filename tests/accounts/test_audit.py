"""The audit log: hash-chained, verifiable, written with the action it records."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest
from piccolo.querystring import QueryString

from accounts import audit
from accounts.tables import AuditEvent
from fristad.database import engine, write_transaction


async def _events(count: int) -> list[int]:
    for number in range(count):
        await audit.record(
            "test.event", object_type="thing", object_id=number, detail={"n": number}
        )
    return [row["id"] for row in await AuditEvent.select(AuditEvent.id).order_by(AuditEvent.id)]


def _verify_command() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fristad", "audit", "verify"],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_verify_passes_then_fails_naming_the_edited_event(db: None) -> None:
    ids = await _events(5)
    assert (await audit.verify()).ok
    assert _verify_command().returncode == 0

    await engine().run_querystring(
        QueryString("UPDATE audit_event SET object_id = {} WHERE id = {}", "999", ids[2])
    )
    result = await audit.verify()
    assert not result.ok
    assert result.broken_event_id == ids[2]
    assert result.checked == 2
    command = _verify_command()
    assert command.returncode == 1
    assert f"event {ids[2]}" in command.stderr


async def test_verify_names_the_event_after_a_deleted_one(db: None) -> None:
    ids = await _events(4)
    await engine().run_querystring(QueryString("DELETE FROM audit_event WHERE id = {}", ids[1]))
    result = await audit.verify()
    assert not result.ok
    assert result.broken_event_id == ids[2]


async def test_concurrent_appends_keep_one_unbroken_chain(db: None) -> None:
    await asyncio.gather(
        *(audit.record("test.concurrent", object_id=number) for number in range(30))
    )
    result = await audit.verify()
    assert result.ok
    assert result.checked == 30


async def test_an_event_rolls_back_with_its_action(db: None) -> None:
    async def action_that_fails() -> None:
        async with write_transaction():
            await audit.record("test.rolled_back")
            raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        await action_that_fails()
    assert await AuditEvent.count().where(AuditEvent.action == "test.rolled_back") == 0
    assert (await audit.verify()).ok


async def test_admin_browses_and_filters_the_audit_log(client) -> None:  # type: ignore[no-untyped-def]
    from tests.accounts.helpers import make_user, sign_in

    admin = await make_user("admin@f.example", admin=True, mfa=True)
    await sign_in(client, admin)
    await audit.record("test.visible", object_type="thing", object_id=7)
    everything = await client.get("/admin/audit")
    assert everything.status_code == 200
    assert "sign_in.succeeded" in everything.text
    filtered = await client.get("/admin/audit", params={"action": "test.", "page": 1})
    assert "test.visible" in filtered.text
    assert "sign_in.succeeded" not in filtered.text
    assert "admin@f.example" not in filtered.text  # events hold ids, not addresses
