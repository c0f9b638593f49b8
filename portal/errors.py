"""The refusals every package raises: pure Python, part of the kernel (it imports nothing of Sulah).
portal/web/errors.py turns them into pages and problem JSON."""
from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the request; the message is safe to show to the user."""


class NotPermitted(DomainError):
    """The action exists in this state, but not for the actor's role (the web says 403)."""


class Denied(Exception):
    """Authorization refused: 401 (log in), 403 (not allowed) or 404 (hidden from this user)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
