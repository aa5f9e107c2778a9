"""Key the audit chain: recompute every event's hash as an HMAC (accounts.audit.event_hash).

The unkeyed SHA-256 chain is verified first; a broken one stops the migration, naming the
event, so that re-keying never launders a change made before it.
"""

import hashlib
from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-02T00:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit chain keyed with HMAC"
BATCH = 1000


async def _rekey() -> None:
    from accounts.audit import GENESIS, _canonical, _content, event_hash
    from accounts.tables import AuditEvent

    old_previous = new_previous = GENESIS
    last_id = 0
    while True:
        rows: list[dict[str, Any]] = (
            await AuditEvent.select()
            .where(AuditEvent.id > last_id)
            .order_by(AuditEvent.id)
            .limit(BATCH)
        )
        if not rows:
            return
        for row in rows:
            unkeyed = hashlib.sha256(_canonical(_content(row))).hexdigest()
            if row["prev_hash"] != old_previous or unkeyed != row["hash"]:
                raise RuntimeError(
                    f"audit event {row['id']} does not verify: investigate before migrating"
                )
            old_previous = row["hash"]
            keyed = event_hash({**row, "prev_hash": new_previous})
            await AuditEvent.update(
                {AuditEvent.prev_hash: new_previous, AuditEvent.hash: keyed}
            ).where(AuditEvent.id == row["id"])
            new_previous = keyed
            last_id = row["id"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)
    manager.add_raw(_rekey)
    return manager
