"""Who may do what with return plans and case plans (rules in accounts.policy's table)."""

from __future__ import annotations

# The return programme's rules live in their own module; importing it adds them to the table.
from pathways import returns_policy  # noqa: F401
