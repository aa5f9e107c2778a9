"""The person's rights and the data's life: subject access (export), erasure, retention, key
rotation, and the counts retention must leave unchanged."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from piccolo.query.functions.aggregate import Count

from accounts import audit
from accounts.domain import Actor
from beneficiaries.domain import months_before
from beneficiaries.services.models import CaseCounts, SubjectData
from beneficiaries.services.reach import (
    decrypt_gap,
    decrypt_identity,
    in_reach,
    now,
    require_owner,
)
from beneficiaries.services.registered import announce_anonymised
from beneficiaries.tables import Beneficiary, CaseNote, Consent, Share, StatusChange
from fristad import crypto
from fristad.database import write_transaction


async def export_subject_data(actor: Actor, beneficiary_id: int) -> SubjectData:
    """Everything stored about the person (a subject-access request), decrypted; audited."""
    async with write_transaction():
        row, access = await in_reach(actor, beneficiary_id, "beneficiary.identity")
        require_owner(access)
        notes = await CaseNote.select().where(CaseNote.beneficiary == beneficiary_id)
        consents = await Consent.select().where(Consent.beneficiary == beneficiary_id)
        statuses = await StatusChange.select().where(StatusChange.beneficiary == beneficiary_id)
        shares = await Share.select().where(Share.beneficiary == beneficiary_id)
        await audit.record(
            "beneficiary.exported",
            actor=actor,
            object_type="beneficiary",
            object_id=beneficiary_id,
        )
    record = {key: value for key, value in row.items() if not key.endswith("_encrypted")}
    identity = decrypt_identity(row)
    record["identity"] = dataclasses.asdict(identity) if identity else None
    record["gap"] = decrypt_gap(row)
    return {
        "record": record,
        "notes": [
            {"created_at": note["created_at"], "text": crypto.decrypt(note["text_encrypted"])}
            for note in notes
        ],
        "consents": list(consents),
        "status_history": list(statuses),
        "shares": list(shares),
    }


async def _anonymise(beneficiary_id: int, *, only_if: Any = None) -> bool:
    """Erase what identifies the person; keep the coded fields statistics are made of.

    ``only_if``: a further condition that must still hold at the moment of writing.
    """
    condition = Beneficiary.id == beneficiary_id
    if only_if is not None:
        condition = condition & only_if
    erased = (
        await Beneficiary.update(
            {
                Beneficiary.identity_encrypted: None,
                Beneficiary.gap_encrypted: None,
                Beneficiary.caseworker: None,
                Beneficiary.birth_year: None,
                Beneficiary.children_ages: "",
                Beneficiary.municipality: None,
                Beneficiary.interpreter_language: None,
                Beneficiary.avoid_regions: "",
                Beneficiary.anonymised_at: now(),
            }
        )
        .where(condition)
        .returning(Beneficiary.id)
    )
    if erased:
        await CaseNote.delete().where(CaseNote.beneficiary == beneficiary_id)
        await announce_anonymised(beneficiary_id)
    return bool(erased)


async def erase(actor: Actor, beneficiary_id: int) -> None:
    """Erase the person's data now (the person asked, or it should never have been stored)."""
    row, access = await in_reach(actor, beneficiary_id, "beneficiary.erase")
    require_owner(access)
    async with write_transaction():
        await _anonymise(beneficiary_id)
        if row["status"] != "closed":
            await Beneficiary.update(
                {
                    Beneficiary.status: "closed",
                    Beneficiary.closed_reason: "other",
                    Beneficiary.closed_at: now(),
                }
            ).where(Beneficiary.id == beneficiary_id)
        await audit.record(
            "beneficiary.erased", actor=actor, object_type="beneficiary", object_id=beneficiary_id
        )


async def run_retention(months: int, *, today: datetime | None = None) -> list[str]:
    """Anonymise cases closed more than ``months`` ago; returns their codes. Idempotent."""
    cutoff = months_before(today or now(), months)
    still_due = (
        (Beneficiary.status == "closed")
        & (Beneficiary.closed_at < cutoff)
        & Beneficiary.anonymised_at.is_null()
    )
    due = await Beneficiary.select(Beneficiary.id, Beneficiary.code).where(still_due)
    erased = []
    for row in due:
        async with write_transaction():
            # Re-checked in the write: a case reopened meanwhile keeps its data.
            if not await _anonymise(row["id"], only_if=still_due):
                continue
            await audit.record(
                "beneficiary.retention_erased",
                object_type="beneficiary",
                object_id=row["id"],
                detail={"months": months},
            )
        erased.append(row["code"])
    return erased


async def rotate_keys() -> int:
    """Re-encrypt every encrypted field under the newest key; returns how many were rewritten."""
    rewritten = 0
    for table, column in (
        (Beneficiary, Beneficiary.identity_encrypted),
        (Beneficiary, Beneficiary.gap_encrypted),
        (CaseNote, CaseNote.text_encrypted),
    ):
        rows = await table.select(table.id, column).where(column.is_not_null())
        for row in rows:
            async with write_transaction():
                await table.update({column: crypto.rotate(row[column._meta.name])}).where(
                    table.id == row["id"]
                )
            rewritten += 1
    return rewritten


async def statistics() -> CaseCounts:
    """Counts by status (all cases, anonymised or not): what retention must leave unchanged."""
    rows = await Beneficiary.select(Beneficiary.status, Count(alias="count")).group_by(
        Beneficiary.status
    )
    return CaseCounts(**{row["status"]: int(row["count"]) for row in rows})
