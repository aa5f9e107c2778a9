"""Case notes: free text, so encrypted; written and read by the owning organisation only."""

from __future__ import annotations

from accounts import audit
from accounts.domain import Actor
from beneficiaries.services.models import Note
from beneficiaries.services.reach import in_reach, now, require_owner
from beneficiaries.tables import CaseNote
from fristad import crypto
from fristad.database import write_transaction
from fristad.errors import InvalidInput
from fristad.i18n import gettext as _


async def add_note(actor: Actor, beneficiary_id: int, text: str) -> int:
    """Write a note on the case (owning organisation); returns its id."""
    _row, access = await in_reach(actor, beneficiary_id, "beneficiary.write")
    require_owner(access)
    if not text.strip():
        raise InvalidInput({"text": _("Write the note.")})
    if len(text) > 10_000:
        raise InvalidInput({"text": _("Keep the note under 10,000 characters.")})
    async with write_transaction():
        note = CaseNote(
            beneficiary=beneficiary_id,
            author=actor.user_id,
            created_at=now(),
            text_encrypted=crypto.encrypt(text.strip()),
        )
        await note.save()
        await audit.record(
            "beneficiary.note_added",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            detail={"note_id": int(note.id)},
        )
    return int(note.id)


async def list_notes(actor: Actor, beneficiary_id: int) -> list[Note]:
    """The case notes, newest first (owning organisation only; audited)."""
    async with write_transaction():
        _row, access = await in_reach(actor, beneficiary_id, "beneficiary.identity")
        require_owner(access)
        rows = (
            await CaseNote.select(
                CaseNote.id, CaseNote.created_at, CaseNote.text_encrypted, CaseNote.author.name
            )
            .where(CaseNote.beneficiary == beneficiary_id)
            .order_by(CaseNote.created_at, ascending=False)
        )
        await audit.record(
            "beneficiary.notes_viewed",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
            detail={"count": len(rows)},
        )
    return [
        Note(
            id=row["id"],
            created_at=row["created_at"],
            author=row["author.name"],
            text=crypto.decrypt(row["text_encrypted"]),
        )
        for row in rows
    ]
