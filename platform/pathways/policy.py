"""Who may do what with return plans and case plans (rules in accounts.policy's table)."""

from __future__ import annotations
