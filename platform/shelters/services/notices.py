"""What users are told: their unread in-app notices, and the reminder of stale availability."""

from __future__ import annotations

from datetime import timedelta

from accounts.domain import Actor
from fristad.database import write_transaction
from fristad.settings import Settings, get_settings
from shelters import notify
from shelters.services._common import now
from shelters.services.models import ShelterNotice
from shelters.tables import BedCategory, Notice, Shelter


async def take_notices(actor: Actor) -> list[ShelterNotice]:
    """The actor's unread notices, newest first; shown once, so they are marked read."""
    rows = (
        await Notice.select(
            Notice.id, Notice.kind, Notice.created_at, Notice.shelter.name.as_alias("shelter_name")
        )
        .where((Notice.user == actor.user_id) & Notice.read_at.is_null())
        .order_by(Notice.id, ascending=False)
        .limit(20)
    )
    if rows:
        async with write_transaction():
            await Notice.update({Notice.read_at: now()}).where(
                Notice.id.is_in([row["id"] for row in rows])
            )
    return [ShelterNotice(**row) for row in rows]


async def remind_stale_shelters(settings: Settings | None = None) -> int:
    """E-mail the staff of each shelter whose availability has gone stale, once per lapse
    (``reminded_at`` is cleared when they confirm). Returns how many shelters were reminded."""
    settings = settings or get_settings()
    cutoff = now() - timedelta(hours=settings.stale_hours)
    stale_ids = {
        row["shelter"]
        for row in await BedCategory.select(BedCategory.shelter).where(
            (BedCategory.confirmed_at < cutoff) & (BedCategory.active == True)  # noqa: E712
        )
    }
    reminded = 0
    for shelter_id in sorted(stale_ids):
        async with write_transaction():
            claimed = (
                await Shelter.update({Shelter.reminded_at: now()})
                .where(
                    (Shelter.id == shelter_id)
                    & (Shelter.active == True)  # noqa: E712
                    & Shelter.reminded_at.is_null()
                )
                .returning(Shelter.id, Shelter.name, Shelter.operator, Shelter.reminded_at)
            )
            if claimed:
                await notify.notice_staff(shelter_id, "stale")
        if not claimed:
            continue
        shelter = claimed[0]
        await notify.availability_stale(
            shelter_id, shelter["name"], shelter["operator"], shelter["reminded_at"], settings
        )
        reminded += 1
    return reminded
