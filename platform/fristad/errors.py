"""Errors services raise; fristad.web turns them into HTTP answers (services never import HTTP)."""

from __future__ import annotations


class DomainError(Exception):
    """Base of the errors a use case reports to its caller.

    ``message`` is translated text safe to show the user ("" when there is none to show).
    """

    message: str = ""


class NotFound(DomainError):
    """The object does not exist, or the actor may not know that it does (always 404)."""


class PermissionDenied(DomainError):
    """The actor may see the object but not do this; ``message`` says why, translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Conflict(DomainError):
    """The action collides with the current state (a used link, a taken bed, a spent budget)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """Field errors, translated, keyed by form field name ('' for the form as a whole)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors
        self.message = "; ".join(errors.values())


class TooManyAttempts(DomainError):
    """A rate limit was hit; try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after
