"""No text with a NUL character reaches the database.

PostgreSQL refuses U+0000 in text and in JSON (SQLite keeps it), so a NUL typed, pasted or posted
into any field would fail the transaction with a server error on one database and be stored on the
other. Every flush checks the text of what it writes (`check_rows`: the rows a bulk writer inserts
without one); input with a NUL is refused as bad input (400) with nothing stored, the same on both
databases.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import String, Table, event, inspect
from sqlalchemy.orm import Session

_NOT_TEXT = frozenset({int, bool, float, Decimal, date, datetime, type(None)})


class NulInText(ValueError):
    """User input carried a NUL character; the message is safe to show."""

    def __init__(self, where: str) -> None:
        super().__init__("Text may not contain the NUL character (\\0). Remove it and try again.")
        self.where = where


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def check_flush(session: Session, _context, _instances) -> None:
    for obj in (*session.new, *session.dirty):
        state = inspect(obj)
        for attr in state.mapper.column_attrs:
            if attr.key in state.dict and _has_nul(state.dict[attr.key]):
                raise NulInText(f"{type(obj).__name__}.{attr.key}")


def check_rows(table: Table, rows: list[dict], columns: list[str]) -> None:
    """The same check for rows a bulk writer inserts without a flush (portal.database.insert_rows)."""
    text = [name for name in columns if isinstance(table.c[name].type, String)]
    other = [name for name in columns if name not in text]
    for row in rows:
        for name in text:
            value = row[name]
            if value is not None and "\x00" in value:
                raise NulInText(f"{table.name}.{name}")
        for name in other:
            value = row[name]
            if value.__class__ not in _NOT_TEXT and _has_nul(value):
                raise NulInText(f"{table.name}.{name}")


def install() -> None:
    if not event.contains(Session, "before_flush", check_flush):
        event.listen(Session, "before_flush", check_flush)
