"""Keyset pagination, shared by every list (issue 22): a page is read from an index in the list's
order, starting after (or before) the last row the reader saw, never with OFFSET, so page 2,000 costs
what page 1 costs. A cursor is that row's sort value and id (the tie-breaker) with the name of the
order it was made for, as URL-safe base64 JSON; it is not secret (it names only what the reader saw)
and anything that does not decode to a cursor of the same order is refused with `BadCursor` (a 400).

Use: `page = keyset_page(session, stmt, key, Model.id, tag="documents", args=PageArgs.of(request.args))`,
where `stmt` selects the rows (filtered to what the reader may see, with whatever each row shows
joined in) and `key` is the sort column; rows come newest first unless `ascending`.
"""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Select, and_, or_

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_CURSOR = 400
INVALID = "The page link is not valid (it may be from another search); start from the first page."


class BadCursor(ValueError):
    """A cursor or page size the list cannot use; the message says so in words a person reads."""


def encode_cursor(tag: str, value: Any, row_id: int) -> str:
    """The cursor of the row with this sort value and id, for the order named `tag`."""
    if isinstance(value, datetime | date):
        value = value.isoformat()
    elif isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        value = str(Decimal(str(value)))
    raw = json.dumps([tag, value, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str, tag: str, kind: str = "datetime") -> tuple[Any, int]:
    """(sort value, row id) of a cursor made for the order `tag`, whose sort value is a `kind`
    ("datetime": timezone-aware, "date", "decimal" or "str"); BadCursor for anything else."""
    bad = BadCursor(INVALID)
    if not isinstance(token, str) or len(token) > MAX_CURSOR:
        raise bad
    try:
        made_for, value, row_id = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if made_for != tag or not isinstance(row_id, int) or isinstance(row_id, bool):
            raise bad
        if kind == "datetime":
            value = datetime.fromisoformat(value)
            if value.tzinfo is None:
                raise bad
        elif kind == "date":
            value = date.fromisoformat(value)
        elif kind == "decimal":
            value = Decimal(value)
            if not value.is_finite():
                raise bad
        elif not isinstance(value, str):
            raise bad
    except (ValueError, TypeError, binascii.Error, InvalidOperation, UnicodeDecodeError):
        raise bad from None
    return value, row_id


def page_size(raw: str | int | None, default: int = PAGE_SIZE, maximum: int = MAX_PAGE_SIZE) -> int:
    """The page size asked for (`limit`), 1 to `maximum`; the default when none is given."""
    if raw is None or raw == "":
        return default
    text = str(raw).strip()
    if not text.isdigit() or not 1 <= int(text) <= maximum:
        raise BadCursor(f"limit must be a whole number from 1 to {maximum}.")
    return int(text)


@dataclass(frozen=True)
class PageArgs:
    """Where a page starts: after the `next` cursor, before the `prev` one, or at the first row."""

    after: str | None = None
    before: str | None = None
    size: int = PAGE_SIZE

    @classmethod
    def of(cls, args, default: int = PAGE_SIZE, maximum: int = MAX_PAGE_SIZE) -> PageArgs:
        """From a request's arguments (`after`, `before`, `limit`); BadCursor for both cursors at
        once or a bad limit (a cursor's own validity is checked against its list's order)."""
        after, before = args.get("after") or None, args.get("before") or None
        if after and before:
            raise BadCursor("A page is either after or before another, not both.")
        return cls(after, before, page_size(args.get("limit"), default, maximum))

    @classmethod
    def of_page(cls, args, prefix: str = "") -> PageArgs:
        """For a page a person reads: pages of PAGE_SIZE (the pager's links say so), `limit` ignored;
        `prefix` names the cursors of one of two lists on a page (`dispatches_after`)."""
        return cls.of({"after": args.get(prefix + "after"), "before": args.get(prefix + "before")})


@dataclass(frozen=True)
class Page:
    rows: list
    next_cursor: str | None
    prev_cursor: str | None


def seek(stmt: Select, key, id_col, cursor: tuple[Any, int] | None, *, ascending: bool,
         backwards: bool) -> Select:
    """`stmt` ordered by (key, id) and, with a cursor, starting just past it. A "previous" page
    (`backwards`) is read in the opposite order, from the cursor back, and turned round by `turn`."""
    forward = ascending != backwards  # the direction rows are read in
    if cursor is not None:
        value, row_id = cursor
        # The first, redundant bound lets the database start the index scan at the cursor instead of
        # filtering every row before it (PostgreSQL does not take a bound from the OR alone).
        if forward:
            stmt = stmt.where(key >= value, or_(key > value, and_(key == value, id_col > row_id)))
        else:
            stmt = stmt.where(key <= value, or_(key < value, and_(key == value, id_col < row_id)))
    return stmt.order_by(*((key.asc(), id_col.asc()) if forward else (key.desc(), id_col.desc())))


def turn(rows: Sequence, size: int, *, backwards: bool, came_after: bool,
         cursor_of: Callable[[Any], str]) -> Page:
    """The page from up to size + 1 rows read by `seek`, in reading order, with the cursors of the
    pages either side (`cursor_of(row)` makes a row's cursor)."""
    rows = list(rows)
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    if not rows:
        return Page([], None, None)
    has_next = True if backwards else more
    has_prev = more if backwards else came_after
    return Page(rows, cursor_of(rows[-1]) if has_next else None, cursor_of(rows[0]) if has_prev else None)


def keyset_page(session, stmt: Select, key, id_col, *, tag: str, args: PageArgs, kind: str = "datetime",
                ascending: bool = False, value_of: Callable[[Any], tuple[Any, int]] | None = None,
                scalars: bool = False) -> Page:
    """One page of `stmt` in (key, id) order, newest first unless `ascending`: one SQL statement.

    `value_of(row)` gives a row's (sort value, id), by default from the first entity's attributes
    named like `key` and `id_col`; `scalars` returns the first entity alone instead of rows."""
    cursor = None
    token = args.before or args.after
    if token:
        cursor = decode_cursor(token, tag, kind)
    backwards = args.before is not None
    ordered = seek(stmt, key, id_col, cursor, ascending=ascending, backwards=backwards).limit(args.size + 1)
    result = session.execute(ordered)
    rows = result.scalars().all() if scalars else result.all()

    def default_value_of(row):
        entity = row if scalars else row[0]
        return getattr(entity, key.key), getattr(entity, id_col.key)

    get = value_of or default_value_of

    def cursor_of(row) -> str:
        return encode_cursor(tag, *get(row))
    return turn(rows, args.size, backwards=backwards, came_after=args.after is not None, cursor_of=cursor_of)
