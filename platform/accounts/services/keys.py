"""Key rotation: re-encrypting what accounts stores encrypted under the newest data key."""

from __future__ import annotations

from accounts.tables import User
from fristad import crypto
from fristad.database import write_transaction


async def rotate_keys() -> int:
    """Re-encrypt the TOTP secrets under the newest data key; returns how many."""
    rows = await User.select(User.id, User.totp_secret).where(User.totp_secret.is_not_null())
    for row in rows:
        async with write_transaction():
            await User.update({User.totp_secret: crypto.rotate(row["totp_secret"])}).where(
                User.id == row["id"]
            )
    return len(rows)
