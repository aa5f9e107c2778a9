"""The audit log: hash-chained, verifiable, written with the action it records."""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest
from piccolo.querystring import QueryString

from accounts import audit
from accounts.jobs import anchor_audit_chain
from accounts.tables import AuditEvent
from fristad.database import engine, write_transaction

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


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


async def _edit(event_id: int, object_id: str = "999") -> None:
    await engine().run_querystring(
        QueryString("UPDATE audit_event SET object_id = {} WHERE id = {}", object_id, event_id)
    )


async def _rewrite_from(event_id: int, rehash: Callable[[dict[str, Any]], str]) -> None:
    """What someone with write access to the database does to hide an edit: change one event,
    then recompute every later link with ``rehash``."""
    await _edit(event_id)
    await _relink(rehash, event_id)


async def _relink(rehash: Callable[[dict[str, Any]], str], from_id: int = 0) -> None:
    rows = await AuditEvent.select().order_by(AuditEvent.id)
    previous = audit.GENESIS
    for row in rows:
        if row["id"] >= from_id:
            row["prev_hash"] = previous
            row["hash"] = rehash(row)
            await AuditEvent.update(
                {AuditEvent.prev_hash: row["prev_hash"], AuditEvent.hash: row["hash"]}
            ).where(AuditEvent.id == row["id"])
        previous = row["hash"]


def _unkeyed(row: dict[str, Any]) -> str:
    return hashlib.sha256(audit._canonical(audit._content(row))).hexdigest()


async def test_a_rewrite_with_recomputed_hashes_is_found_without_the_key(db: None) -> None:
    ids = await _events(5)
    await _rewrite_from(ids[2], _unkeyed)

    result = await audit.verify()
    assert not result.ok
    assert result.broken_event_id == ids[2]
    assert result.problem == "its content was changed"


async def test_a_rewrite_with_the_key_is_found_by_the_checkpoint(db: None) -> None:
    ids = await _events(4)
    assert await audit.anchor() == {"at": ANY, "id": ids[-1], "hash": ANY}
    await _rewrite_from(ids[1], audit.event_hash)  # as if the key had leaked too

    result = await audit.verify()
    assert not result.ok
    assert result.broken_event_id == ids[-1]
    assert "the chain was rewritten" in result.problem


async def test_removing_the_newest_events_is_named_by_the_checkpoint(db: None) -> None:
    await _events(3)
    await audit.anchor()
    ids = await _events(3)  # all six
    await audit.anchor()
    assert (await audit.verify()) == audit.VerifyResult(ok=True, checked=6, anchors=2)

    await engine().run_querystring(QueryString("DELETE FROM audit_event WHERE id > {}", ids[3]))

    result = await audit.verify()
    assert not result.ok
    assert result.broken_event_id == ids[-1]
    assert f"the chain ends at event {ids[3]}" in result.problem
    command = _verify_command()
    assert command.returncode == 1
    assert "events were removed from its end" in command.stderr


async def test_the_worker_checkpoints_the_head_once_until_it_moves(db: None) -> None:
    assert await anchor_audit_chain({}) is None  # an empty chain has nothing to anchor
    ids = await _events(2)
    assert await anchor_audit_chain({}) == ids[-1]
    assert await anchor_audit_chain({}) == ids[-1]
    assert [anchor["id"] for anchor in audit.read_anchors()] == [ids[-1]]
    ids = await _events(1)
    assert await anchor_audit_chain({}) == ids[-1]
    assert [anchor["id"] for anchor in audit.read_anchors()] == [ids[1], ids[2]]
    # A verify that finds the chain intact checkpoints it too.
    await _events(1)
    assert _verify_command().returncode == 0
    assert len(audit.read_anchors()) == 3


async def test_migration_keys_an_unkeyed_chain_and_refuses_a_broken_one(db: None) -> None:
    ids = await _events(4)
    await _relink(_unkeyed)  # the chain as it was before it was keyed
    assert not (await audit.verify()).ok
    migration = _keying_migration()

    await migration._rekey()

    assert (await audit.verify()).ok
    await _relink(_unkeyed)
    await _edit(ids[1])
    with pytest.raises(RuntimeError, match=f"audit event {ids[1]} does not verify"):
        await migration._rekey()


def _keying_migration() -> Any:
    path = MIGRATIONS / "accounts" / "accounts_2026_12_02t00_05_00_000000.py"
    spec = importlib.util.spec_from_file_location("keying_migration", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
