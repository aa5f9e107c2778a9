"""`fristad ledger check` exits 0 when budgets agree with the ledger and 1 naming a difference."""

from __future__ import annotations

import os
import subprocess
import sys

from grants.tables import Budget
from tests.grants.helpers import make_world


def _fristad(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fristad", *arguments],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_ledger_check_command_reports_a_budget_that_disagrees() -> None:
    world = await make_world()
    agreed = _fristad("ledger", "check")
    assert agreed.returncode == 0, agreed.stderr
    assert "agree" in agreed.stdout
    budget = await Budget.select(Budget.id).where(Budget.programme == world.programme_id).first()
    assert budget is not None
    await Budget.update({Budget.paid: 0, Budget.committed: 5}).where(Budget.id == budget["id"])
    broken = _fristad("ledger", "check")
    assert broken.returncode == 1
    assert f"budget {budget['id']} committed: 5" in broken.stderr
