"""Pathways tests enqueue mails (overdue actions): the job queue is open on the test Redis."""

from tests.shelters.conftest import jobs

__all__ = ["jobs"]
