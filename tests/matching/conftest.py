"""Matching tests hold beds and open requests: the job queue is open on the test Redis."""

from tests.shelters.conftest import jobs

__all__ = ["jobs"]
