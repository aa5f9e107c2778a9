"""Pathways' services: every read and change of return plans and case plans, authorised here."""
