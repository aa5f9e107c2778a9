"""The audit log: append-only, hash-chained, written in the transaction of the action it records.

Each event stores an HMAC-SHA256 of its own content together with the previous event's hash, keyed
with a key that is not in the database (FRISTAD_AUDIT_KEY, or one derived from the secret key):
editing or deleting an event breaks the chain at that point, and whoever can write the database
but lacks the key cannot recompute the later hashes. A chain can still be shortened at its end, so
its head is also written, from time to time, to a checkpoint file outside the database
(``anchor()``); ``verify()`` names a changed or orphaned event and a checkpoint the chain no longer
reaches. Events carry identifiers and codes, never names, e-mail addresses or free text.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from piccolo.engine.postgres import PostgresEngine

from accounts.tables import AuditEvent, Organisation, User
from fristad.database import engine, write_transaction
from fristad.settings import get_settings

if TYPE_CHECKING:
    from accounts.domain import Actor

GENESIS = "0" * 64
# Serialises appends on PostgreSQL (SQLite's BEGIN IMMEDIATE does already): no fork in the chain.
_CHAIN_LOCK = 0x46524953  # "FRIS"
PAGE_SIZE = 50


def _canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _content(row: dict[str, Any]) -> dict[str, Any]:
    at = row["at"]
    if isinstance(at, str):  # SQLite may hand back text
        at = datetime.fromisoformat(at)
    return {
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_user_id": row["actor_user_id"],
        "organisation_id": row["organisation_id"],
        "role": row["role"],
        "action": row["action"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "ip": row["ip"],
        "reason": row["reason"],
        "detail": row["detail"],
        "prev_hash": row["prev_hash"],
    }


def event_hash(row: dict[str, Any]) -> str:
    return hmac.new(_chain_key(), _canonical(_content(row)), hashlib.sha256).hexdigest()


def _chain_key() -> bytes:
    settings = get_settings()
    return _derived_key(settings.audit_key, settings.secret_key)


@lru_cache(maxsize=4)
def _derived_key(audit_key: str, secret_key: str) -> bytes:
    if audit_key:
        return audit_key.encode()
    return hmac.new(secret_key.encode(), b"fristad audit chain", hashlib.sha256).digest()


async def record(
    action: str,
    *,
    actor: Actor | None = None,
    user_id: int | None = None,
    object_type: str | None = None,
    object_id: int | str | None = None,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> None:
    """Append an event. Call it inside the write transaction of the action it records.

    ``actor`` gives who, in which organisation and role; ``user_id`` names the user when there is
    no actor yet (a failed sign-in). ``detail`` holds codes and counts only.
    """
    async with write_transaction():
        db = engine()
        if isinstance(db, PostgresEngine):
            await db.run_ddl(f"SELECT pg_advisory_xact_lock({_CHAIN_LOCK})")
        last = (
            await AuditEvent.select(AuditEvent.hash)
            .order_by(AuditEvent.id, ascending=False)
            .first()
        )
        row: dict[str, Any] = {
            "at": datetime.now(UTC),
            "actor_user_id": actor.user_id if actor else user_id,
            "organisation_id": actor.organisation_id if actor else None,
            "role": str(actor.role) if actor and actor.role else None,
            "action": action,
            "object_type": object_type,
            "object_id": None if object_id is None else str(object_id),
            "ip": ip or (actor.ip if actor else None),
            "reason": reason,
            "detail": json.dumps(detail or {}, sort_keys=True, separators=(",", ":")),
            "prev_hash": last["hash"] if last else GENESIS,
        }
        row["hash"] = event_hash(row)
        await AuditEvent.insert(AuditEvent(**row))


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_event_id: int | None = None
    problem: str = ""
    anchors: int = 0  # checkpoints compared with the chain


async def verify(batch: int = 1000) -> VerifyResult:
    """Walk the chain from the first event; name the first event that was changed or whose
    predecessor was removed, then the first checkpoint the chain no longer matches."""
    anchors = {anchor["id"]: anchor for anchor in read_anchors()}
    compared = len(anchors)
    previous = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = (
            await AuditEvent.select()
            .where(AuditEvent.id > last_id)
            .order_by(AuditEvent.id)
            .limit(batch)
        )
        if not rows:
            break
        for row in rows:
            if row["prev_hash"] != previous:
                return VerifyResult(
                    False,
                    checked,
                    row["id"],
                    "the event before it was deleted or changed (chain link broken)",
                )
            if event_hash(row) != row["hash"]:
                return VerifyResult(False, checked, row["id"], "its content was changed")
            anchor = anchors.pop(row["id"], None)
            if anchor is not None and anchor["hash"] != row["hash"]:
                return VerifyResult(
                    False,
                    checked,
                    row["id"],
                    f"it differs from the checkpoint of {anchor['at']} (the chain was rewritten)",
                )
            previous = row["hash"]
            checked += 1
            last_id = row["id"]
    if anchors:
        missing = min(anchors.values(), key=lambda anchor: anchor["id"])
        return VerifyResult(
            False,
            checked,
            missing["id"],
            f"the checkpoint of {missing['at']} names it, but the chain ends at event {last_id} "
            "(events were removed from its end)",
        )
    return VerifyResult(ok=True, checked=checked, anchors=compared)


async def anchor() -> dict[str, Any] | None:
    """Append the chain's head to the checkpoint file (unless it is there already); returns it.

    The file is opened for appending only, and each line is flushed to disk before returning.
    """
    head = (
        await AuditEvent.select(AuditEvent.id, AuditEvent.hash)
        .order_by(AuditEvent.id, ascending=False)
        .first()
    )
    if head is None:
        return None
    known = read_anchors()
    if known and known[-1]["id"] == head["id"]:
        return known[-1]
    checkpoint = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "id": head["id"],
        "hash": head["hash"],
    }
    path = get_settings().audit_anchor_path
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, (json.dumps(checkpoint, sort_keys=True) + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return checkpoint


def read_anchors(path: Path | None = None) -> list[dict[str, Any]]:
    """The checkpoints written so far, oldest first (a torn last line is skipped)."""
    path = path or get_settings().audit_anchor_path
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        return []
    anchors = []
    for line in lines:
        try:
            checkpoint = json.loads(line)
        except ValueError:
            continue
        if isinstance(checkpoint, dict) and {"at", "id", "hash"} <= checkpoint.keys():
            anchors.append(checkpoint)
    return anchors


@dataclass(frozen=True)
class EventFilter:
    action: str = ""
    actor_user_id: int | None = None
    organisation_id: int | None = None
    object_type: str = ""
    object_id: str = ""
    page: int = 1


async def list_events(query: EventFilter) -> tuple[list[dict[str, Any]], bool]:
    """A page of events, newest first, and whether there is a next page."""
    select = AuditEvent.select().order_by(AuditEvent.id, ascending=False)
    if query.action:
        select = select.where(AuditEvent.action.like(f"{query.action}%"))
    if query.actor_user_id is not None:
        select = select.where(AuditEvent.actor_user_id == query.actor_user_id)
    if query.organisation_id is not None:
        select = select.where(AuditEvent.organisation_id == query.organisation_id)
    if query.object_type:
        select = select.where(AuditEvent.object_type == query.object_type)
    if query.object_id:
        select = select.where(AuditEvent.object_id == query.object_id)
    page = max(query.page, 1)
    rows = await select.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    for row in rows:
        row["detail"] = json.loads(row["detail"] or "{}")
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


async def events_of(
    object_type: str, object_id: int | str, *, limit: int, before: int | None = None
) -> list[dict[str, Any]]:
    """The newest ``limit`` events about one object, newest first (a record's own trail), older
    than the event ``before`` when it is given: a record opened every day has thousands."""
    where = (AuditEvent.object_type == object_type) & (AuditEvent.object_id == str(object_id))
    if before is not None:
        where &= AuditEvent.id < before
    rows = (
        await AuditEvent.select().where(where).order_by(AuditEvent.id, ascending=False).limit(limit)
    )
    users = {r["id"]: r["name"] for r in await _names(User, {row["actor_user_id"] for row in rows})}
    organisations = {
        r["id"]: r["name"]
        for r in await _names(Organisation, {row["organisation_id"] for row in rows})
    }
    for row in rows:
        row["detail"] = json.loads(row["detail"] or "{}")
        # Names, for people reading a trail (the ids stay: a name can change).
        row["actor_name"] = users.get(row["actor_user_id"])
        row["organisation_name"] = organisations.get(row["organisation_id"])
    return list(rows)


async def _names(
    table: type[User] | type[Organisation], ids: set[int | None]
) -> list[dict[str, Any]]:
    wanted = sorted(i for i in ids if i is not None)
    if not wanted:
        return []
    return list(await table.select(table.id, table.name).where(table.id.is_in(wanted)))
