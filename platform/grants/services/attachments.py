"""Attachments of a support request: PDF, JPEG or PNG, stored outside the web root under
<var>/attachments/ by a random name; every read is audited."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import Final

from accounts import audit
from accounts.domain import Actor
from accounts.policy import require
from fristad.database import write_transaction
from fristad.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from fristad.i18n import gettext as _
from fristad.settings import get_settings
from grants.domain import (
    APPLICANT_ROLES,
    MAX_ATTACHMENT_BYTES,
    takes_attachments,
)
from grants.services._common import consent_withdrawn_message, now, support_request_in_reach
from grants.services.models import AttachmentRecord, attachment_of
from grants.tables import Attachment

ATTACHMENT_DIR = "attachments"


# The first bytes of each accepted kind of file; the extension is never trusted.
_SIGNATURES: Final = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def sniff_content_type(head: bytes) -> str | None:
    """The content type a file's first bytes prove (PDF, JPEG, PNG), or None."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def safe_filename(name: str) -> str:
    """A display name without directories or control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable() and c not in '"<>|:*?')
    return cleaned.strip()[:200] or "attachment"


def _attachment_dir() -> Path:
    return get_settings().var_path / ATTACHMENT_DIR


async def add_attachment(
    actor: Actor, support_request_id: int, filename: str, content: bytes
) -> AttachmentRecord:
    """Store a PDF, JPEG or PNG (verified by its first bytes, not its name) outside the web
    root; only the applying organisation adds files, while the request is open to changes."""
    require(actor, "support_request.act")
    support_request = await support_request_in_reach(actor, support_request_id)
    if actor.role not in APPLICANT_ROLES:
        raise PermissionDenied(_("Only the applying organisation adds attachments."))
    if not takes_attachments(support_request.state):
        raise Conflict(_("Attachments can be added before the decision only."))
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise InvalidInput({"file": _("The file is larger than 10 MB.")})
    content_type = sniff_content_type(content[:16])
    if content_type is None or not content:
        raise InvalidInput({"file": _("Only PDF, JPEG and PNG files are accepted.")})
    storage_name = secrets.token_hex(32)
    directory = _attachment_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / storage_name
    path.write_bytes(content)
    try:
        async with write_transaction():
            attachment = Attachment(
                request=support_request_id,
                filename=safe_filename(filename),
                content_type=content_type,
                size=len(content),
                storage_name=storage_name,
                sha256=hashlib.sha256(content).hexdigest(),
                uploaded_by=actor.user_id,
                uploaded_at=now(),
            )
            await attachment.save()
            await audit.record(
                "support_request.attachment_added",
                actor=actor,
                object_type="support_request",
                object_id=support_request_id,
                detail={"attachment": attachment.id, "type": content_type, "size": len(content)},
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return AttachmentRecord(int(attachment.id), attachment.filename, content_type, len(content))


async def open_attachment(
    actor: Actor, support_request_id: int, attachment_id: int
) -> tuple[AttachmentRecord, bytes]:
    """An attachment's metadata and content, for those who may read the request (an officer
    only while the person consents to share with the funder)."""
    support_request = await support_request_in_reach(actor, support_request_id)
    if support_request.consent_withdrawn:
        raise PermissionDenied(consent_withdrawn_message())
    row = (
        await Attachment.select()
        .where((Attachment.id == attachment_id) & (Attachment.request == support_request_id))
        .first()
    )
    if row is None:
        raise NotFound
    path = _attachment_dir() / row["storage_name"]
    if not path.is_file():
        raise NotFound
    async with write_transaction():
        await audit.record(
            "support_request.attachment_read",
            actor=actor,
            object_type="support_request",
            object_id=support_request_id,
            detail={"attachment": attachment_id},
        )
    return attachment_of(row), path.read_bytes()
