"""Whose attention items a signed-in person sees: a user its own; a debtor its party's, on the
cases it may open (all of its served cases with an account, the one case of its personal link)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, or_, select

from portal.accounts import Role
from portal.cases import Case, visible_cases
from portal.extensions import db
from portal.notifications.models import AttentionItem


def items_of(user: Any) -> Select:
    """Every item addressed to `user`, open or not (the one query both the list and dismissal use)."""
    stmt = select(AttentionItem)
    if getattr(user, "role", None) == Role.DEBTOR:
        cases = visible_cases(user).with_only_columns(Case.id).order_by(None)
        return (stmt.join(Case, Case.id == AttentionItem.case_id)
                .where(AttentionItem.party_id == Case.debtor_party_id, Case.id.in_(cases)))
    if getattr(user, "id", None) is None:
        return stmt.where(False)
    return stmt.where(AttentionItem.user_id == user.id)


def open_items(user: Any, now: datetime, limit: int = 30) -> list[AttentionItem]:
    """Open items, the soonest due first, then undated ones newest first; lapsed windows left out."""
    stmt = items_of(user).where(
        AttentionItem.resolved_at.is_(None),
        or_(AttentionItem.lapses.is_(False), AttentionItem.due_at.is_(None), AttentionItem.due_at >= now))
    stmt = stmt.order_by(AttentionItem.due_at.is_(None), AttentionItem.due_at, AttentionItem.opened_at.desc(),
                         AttentionItem.id.desc())
    return list(db.session.scalars(stmt.limit(limit)))


def item_for(user: Any, item_id: int) -> AttentionItem | None:
    """The item if it is addressed to `user`; None (the web says 404) for anyone else's."""
    return db.session.scalars(items_of(user).where(and_(AttentionItem.id == item_id))).first()


def dismiss(user: Any, item_id: int, now: datetime) -> AttentionItem | None:
    """Take an item off its addressee's list (it stays on record, resolved as "dismissed"); None
    when it is not theirs. Flushes; the request boundary commits."""
    item = item_for(user, item_id)
    if item is not None and item.resolved_at is None:
        item.resolved_at, item.resolved_by = now, "dismissed"
        db.session.flush()
    return item
