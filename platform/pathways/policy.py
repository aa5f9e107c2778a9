"""Who may do what with return plans and case plans (rules registered in accounts.policy's table)."""

from __future__ import annotations
