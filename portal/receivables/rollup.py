"""The rolled-up collections figures: one row per debtor per creditor (DebtorPosition: its outstanding
in each ageing bucket, its priority with the reasons and their inputs, its owner, its first
limitation date) and one row per creditor (PortfolioSnapshot: DSO, collections and recovery by
month, the funnels). The work queue and the dashboards read these instead of scoring every debtor
from every invoice on each request.

How they are kept: the figures move with the date alone (an invoice falls due, a bucket ages, the
limitation clock runs), so no set of events keeps them right; the rollup beat (tasks.refresh_rollups)
recomputes each organisation every REFRESH_MINUTES, and the pages say when. A collections service
that changes one debtor (a promise, a call, an allocation, an override, a dispute answered)
recomputes that debtor's row in its own transaction (`refresh_debtors`), so the person who changed it
sees it at once. `flask collections rollup` fills them for every organisation (after the migration,
or at any time).
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, func, select, tuple_

from portal.accounts import Organization
from portal.cases import Case, Party
from portal.database import insert_rows, one_of
from portal.extensions import db
from portal.receivables import book, figures, scoring
from portal.receivables.models import DebtorPosition, DebtorSetting, PortfolioSnapshot
from portal.receivables.priority import Score, score
from portal.types import IST, utcnow

REFRESH_MINUTES = 10
PAGE_SIZE = 50
_CHUNK = 5_000  # ids per IN list (SQLite and PostgreSQL bound the parameters of one statement)
_BUCKET_COLUMNS = ("not_due", "due_1_30", "due_31_60", "due_61_90", "due_over_90")  # figures.BUCKETS


def positions(org: Organization, today: date, party_ids: set[int] | None = None) -> list[dict]:
    """The rows of these debtors (all the organisation's when None) computed from the base rows:
    the same book, facts and rules the debtor's own page uses."""
    lines = book.lines(org.id, party_ids)
    # Reckoned once for both uses (the priority's facts, the row's first limitation date): only
    # lines with something owed count, and every debtor with such a line has facts.
    limits = book.limitation_ends(lines, today)
    per_party = scoring.facts(org, today, lines, "party", party_ids, limits=limits)
    settings = {s.party_id: s for s in _in_chunks(
        select(DebtorSetting).where(DebtorSetting.org_id == org.id), DebtorSetting.party_id, party_ids)}
    by_party: dict[int, list[book.Line]] = defaultdict(list)
    for line in lines:
        if line.outstanding > 0:
            by_party[line.party_id].append(line)
    now = utcnow()
    out = []
    for party_id, facts in per_party.items():
        open_lines = by_party[party_id]
        setting = settings.get(party_id)
        ranked = score(facts, override=setting.priority_override if setting else None,
                       override_reason=setting.priority_reason if setting else None)
        ageing = figures.ageing(((line.due_date, line.outstanding) for line in open_lines), today)
        first_limit = min(((limits[line.invoice_id]) for line in open_lines if line.invoice_id in limits),
                          default=None)
        out.append({
            "org_id": org.id, "party_id": party_id, "owner_id": setting.owner_id if setting else None,
            "outstanding": facts.outstanding,
            **dict(zip(_BUCKET_COLUMNS, (ageing[b] for b in figures.BUCKETS), strict=True)),
            "oldest_due": min(line.due_date for line in open_lines), "days_overdue": facts.days_overdue,
            "open_invoices": len(open_lines),
            "promises_broken": facts.promises_broken, "promises_kept": facts.promises_kept,
            "reminders_sent": facts.reminders_sent, "responded": facts.responded,
            "msmed_interest_accruing": facts.msmed_interest_accruing,
            "at_notice_level": facts.at_notice_level,
            "limitation_ends": first_limit[0] if first_limit else None,
            "limitation_invoice": first_limit[1] if first_limit else None,
            "score": ranked.value, "reasons": json.dumps(list(ranked.reasons), ensure_ascii=False),
            "overridden": ranked.overridden, "as_of": today, "refreshed_at": now})
    return out


def _in_chunks(stmt, column, ids: set[int] | None):
    if ids is None:
        return list(db.session.scalars(stmt))
    ordered, out = sorted(ids), []
    for first in range(0, len(ordered), _CHUNK):
        out.extend(db.session.scalars(stmt.where(one_of(column, ordered[first:first + _CHUNK]))))
    return out


def _write(org_id: int, rows: list[dict], party_ids: set[int] | None) -> None:
    if party_ids is None:
        db.session.execute(delete(DebtorPosition).where(DebtorPosition.org_id == org_id))
    else:
        ordered = sorted(party_ids)
        for first in range(0, len(ordered), _CHUNK):
            db.session.execute(delete(DebtorPosition).where(
                DebtorPosition.org_id == org_id,
                one_of(DebtorPosition.party_id, ordered[first:first + _CHUNK])))
    insert_rows(DebtorPosition.__table__, rows)  # COPY on PostgreSQL


def refresh_debtors(org: Organization, today: date, party_ids: set[int], *, mark_stale: bool = False) -> None:
    """Recompute these debtors' rows (a debtor that owes nothing any more loses its row) and move the
    snapshot's totals by the difference; flushes. Called by the collections services in the
    transaction of their change (the snapshot row is locked, so two such changes add up).
    `mark_stale` also marks the snapshot's look-back figures stale, in the same write."""
    if not party_ids:
        return
    db.session.flush()
    snap = db.session.scalar(select(PortfolioSnapshot).where(PortfolioSnapshot.org_id == org.id)
                             .with_for_update().execution_options(populate_existing=True))
    before = _sums(select(DebtorPosition).where(DebtorPosition.org_id == org.id,
                                                one_of(DebtorPosition.party_id, sorted(party_ids))))
    rows = positions(org, today, set(party_ids))
    _write(org.id, rows, set(party_ids))
    if snap is not None:
        figures_now = json.loads(snap.figures)
        totals_then = [Decimal(v) for v in figures_now["totals"]]
        after = [sum((r[c] for r in rows), figures.ZERO) for c in ("outstanding", *_BUCKET_COLUMNS)]
        figures_now["totals"] = [str(t - b + a) for t, b, a in zip(totals_then, before, after, strict=True)]
        if mark_stale:
            figures_now["stale"] = True
        snap.figures = json.dumps(figures_now)
        db.session.flush()


def _sums(stmt) -> list[Decimal]:
    """Outstanding and each bucket summed over the rows `stmt` selects."""
    rows = stmt.subquery()
    sums = db.session.execute(select(*(func.coalesce(func.sum(rows.c[c]), 0)
                                       for c in ("outstanding", *_BUCKET_COLUMNS)))).one()
    return [Decimal(str(v)).quantize(Decimal("0.01")) for v in sums]


def debtors_changed(org_id: int, party_ids: set[int], today: date | None = None, *,
                    mark_stale: bool = False) -> None:
    """A collections service changed these debtors' score inputs (an owner, an override, a promise
    decided): their rows follow in the same transaction (`mark_stale`: see refresh_debtors)."""
    refresh_debtors(db.session.get(Organization, org_id), today or utcnow().astimezone(IST).date(), party_ids,
                    mark_stale=mark_stale)


def refresh_org(org: Organization, today: date, history: Callable[[int, date, Decimal], dict]) -> int:
    """Recompute every row of the organisation and its snapshot (`history`: the figures that look back
    over months, given the outstanding; the totals are the rows' sums); the number of debtors.
    Flushes."""
    db.session.flush()
    snap = db.session.scalar(select(PortfolioSnapshot).where(PortfolioSnapshot.org_id == org.id)
                             .with_for_update()) or PortfolioSnapshot(org_id=org.id)
    rows = positions(org, today)
    _write(org.id, rows, None)
    totals_now = [sum((r[c] for r in rows), figures.ZERO) for c in ("outstanding", *_BUCKET_COLUMNS)]
    snap.figures = json.dumps({**history(org.id, today, totals_now[0]),
                               "totals": [str(v) for v in totals_now]})
    snap.debtors, snap.as_of, snap.refreshed_at = len(rows), today, utcnow()
    db.session.add(snap)
    db.session.flush()
    return len(rows)


def orgs_with_claims() -> list[int]:
    return list(db.session.scalars(select(Case.creditor_org_id).distinct().order_by(Case.creditor_org_id)))


# --- reading ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Ranked:
    """A debtor with its priority (the live ranking of the debtor's page, and a rolled-up row)."""
    party_id: int
    name: str
    owner_id: int | None
    outstanding: Decimal
    days_overdue: int
    score: Score


@dataclass(frozen=True)
class Position(Ranked):
    """A rolled-up row as the pages read it."""
    ageing: dict[str, Decimal]
    limitation_ends: date | None
    limitation_invoice: str | None


def _position(row, name: str) -> Position:
    return Position(row.party_id, name, row.owner_id, row.outstanding, row.days_overdue,
                    Score(row.score, tuple(json.loads(row.reasons)), row.overridden),
                    {bucket: getattr(row, column) for column, bucket in
                     zip(_BUCKET_COLUMNS, figures.BUCKETS, strict=True)},
                    row.limitation_ends, row.limitation_invoice)


# What a page reads of a rolled-up row, read as plain rows: a page of 50 loaded as mapped objects
# (refreshed over any the session held) cost more than the statement that reads them.
_PAGE_COLUMNS = (DebtorPosition.party_id, DebtorPosition.owner_id, DebtorPosition.outstanding,
                 DebtorPosition.days_overdue, DebtorPosition.score, DebtorPosition.reasons,
                 DebtorPosition.overridden, *(getattr(DebtorPosition, c) for c in _BUCKET_COLUMNS),
                 DebtorPosition.limitation_ends, DebtorPosition.limitation_invoice, Party.legal_name)


def _named(stmt) -> list[Position]:
    """`stmt` (a select of DebtorPosition, filtered and ordered) as Positions with the debtor's name."""
    return [_position(row, row.legal_name) for row in db.session.execute(
        stmt.with_only_columns(*_PAGE_COLUMNS).join(Party, Party.id == DebtorPosition.party_id))]


def of(org_id: int, party_ids: set[int]) -> dict[int, Position]:
    """The rows of these debtors (a bounded set: the items one page shows), by party id."""
    if not party_ids:
        return {}
    return {p.party_id: p for p in _named(select(DebtorPosition).where(
        DebtorPosition.org_id == org_id, DebtorPosition.party_id.in_(sorted(party_ids))))}


def owner_clause(user_id: int | None):
    """Debtors this staff member follows, and those nobody follows (None: everyone's)."""
    if user_id is None:
        return True
    return (DebtorPosition.owner_id.is_(None)) | (DebtorPosition.owner_id == user_id)


def ranked_page(org_id: int, user_id: int | None, after: tuple[int, Decimal, int] | None,
                size: int = PAGE_SIZE) -> tuple[list[Position], tuple[int, Decimal, int] | None]:
    """One page of the queue, highest priority first, then the largest outstanding (one statement
    through the queue index), and the key the next page starts after (None on the last page)."""
    key = tuple_(DebtorPosition.score, DebtorPosition.outstanding, DebtorPosition.party_id)
    stmt = select(DebtorPosition).where(DebtorPosition.org_id == org_id, owner_clause(user_id))
    if after is not None:
        stmt = stmt.where(key < tuple_(*after))
    rows = _named(stmt.order_by(DebtorPosition.score.desc(), DebtorPosition.outstanding.desc(),
                                DebtorPosition.party_id.desc()).limit(size + 1))
    more = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if rows and more else None
    return rows, ((last.score.value, last.outstanding, last.party_id) if last else None)


def limitation_soon(org_id: int, user_id: int | None, until: date, limit: int) -> list[Position]:
    return _named(select(DebtorPosition).where(
        DebtorPosition.org_id == org_id, owner_clause(user_id), DebtorPosition.limitation_ends.is_not(None),
        DebtorPosition.limitation_ends <= until).order_by(DebtorPosition.limitation_ends,
                                                          DebtorPosition.party_id).limit(limit))


def top(org_id: int, count: int) -> list[Position]:
    return _named(select(DebtorPosition).where(DebtorPosition.org_id == org_id).order_by(
        DebtorPosition.outstanding.desc(), DebtorPosition.party_id.desc()).limit(count))


def totals(snap: PortfolioSnapshot) -> tuple[Decimal, dict[str, Decimal]]:
    """The organisation's outstanding and its ageing: its rows' sums, kept on the snapshot."""
    money = [Decimal(v) for v in json.loads(snap.figures)["totals"]]
    return money[0], dict(zip(figures.BUCKETS, money[1:], strict=True))


def snapshot(org_id: int) -> PortfolioSnapshot | None:
    return db.session.get(PortfolioSnapshot, org_id)
