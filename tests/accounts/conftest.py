"""Helpers for the account tests: page text, row counts, the links the SMTP sink caught."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from portal.dev import outbox as box


def page_text(response) -> str:
    """The response body with HTML entities decoded, for matching messages like “organisation's”."""
    return html.unescape(response.get_data(as_text=True))


def mail_text(message) -> str:
    return box.body_text(message)


def link_in(message, path: str) -> str:
    """The path (from `path` on) of the first link in the mail's text part, e.g. '/reset/<token>'."""
    m = re.search(rf"https?://[^/\s]+({re.escape(path)}[^\s]+)", mail_text(message))
    assert m, f"no {path} link in the e-mail:\n{mail_text(message)}"
    return m.group(1)


@pytest.fixture
def count_rows(db_session):
    """count_rows(Model, ...) → a tuple of row counts, to show a refusal stored nothing."""
    def count(*models) -> tuple[int, ...]:
        return tuple(db_session.scalar(select(func.count()).select_from(m)) for m in models)

    return count
