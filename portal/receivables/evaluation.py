"""The reminder run: which reminder each open invoice is due for today, produced exactly once.

The plan reads a handful of aggregate queries (no row per invoice is loaded as an object); the
insert is INSERT ... ON CONFLICT (invoice_id, level_id) DO NOTHING, so a retry, a worker killed
half-way or a second beat running at the same moment produces nothing twice: the database's unique
constraint is the guard, not the code's care.

The level due is the latest one whose day has come; an invoice that already had that level or a
later one gets nothing. Missed earlier levels are not sent late (an invoice imported 40 days overdue
gets the +30 reminder, not five at once).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, text
from sqlalchemy.dialects import sqlite

from portal import audit
from portal.cases import Case, CaseStatus, Invoice, Payment
from portal.extensions import db
from portal.receivables.ledger import ZERO, InvoiceRow, outstanding
from portal.receivables.models import (
    DebtorSetting,
    InvoiceHold,
    Mode,
    Promise,
    Reminder,
    ReminderLevel,
    ReminderPolicy,
)
from portal.receivables.states import PromiseStatus, ReminderStatus
from portal.types import utcnow

# Claims not yet on the legal path: a notice in drafting or later ends the reminders.
REMINDABLE = (CaseStatus.DRAFT, CaseStatus.FILED)


@dataclass(frozen=True)
class Due:
    org_id: int
    party_id: int
    case_id: int
    invoice_id: int
    level_id: int


@dataclass(frozen=True)
class LevelPoint:
    id: int
    offset_days: int


def enabled_levels() -> dict[int, list[LevelPoint]]:
    """Each organisation with reminders on: its levels, earliest first."""
    rows = db.session.execute(
        select(ReminderPolicy.org_id, ReminderLevel.id, ReminderLevel.offset_days)
        .join(ReminderLevel, ReminderLevel.policy_id == ReminderPolicy.id)
        .where(ReminderPolicy.enabled.is_(True))
        .order_by(ReminderPolicy.org_id, ReminderLevel.offset_days)).all()
    out: dict[int, list[LevelPoint]] = defaultdict(list)
    for org_id, level_id, offset in rows:
        out[org_id].append(LevelPoint(level_id, offset))
    return dict(out)


def level_due(levels: list[LevelPoint], days_from_due: int) -> LevelPoint | None:
    """The latest level whose day has come (levels sorted by offset)."""
    found = None
    for level in levels:
        if level.offset_days > days_from_due:
            break
        found = level
    return found


def _in_scope(stmt, org_ids):
    return stmt.where(Case.creditor_org_id.in_(org_ids), Case._status.in_(REMINDABLE))


@dataclass(frozen=True)
class Candidate:
    org_id: int
    party_id: int
    case_id: int
    invoice_id: int
    due_date: date
    outstanding: Decimal


def scan(today: date, levels: dict[int, list[LevelPoint]],
         party_ids: set[int] | None = None) -> list[Candidate]:
    """Every invoice reminders may follow today: its case not yet on the legal path, money still
    owed on it, not disputed, no open promise, its debtor neither manual nor paused."""
    if not levels:
        return []
    orgs = list(levels)

    def narrow(stmt):
        stmt = _in_scope(stmt, orgs)
        return stmt.where(Case.debtor_party_id.in_(party_ids)) if party_ids is not None else stmt

    invoices = db.session.execute(narrow(
        select(Invoice.id, Invoice.case_id, Invoice.due_date, Invoice.total, Case.debtor_party_id,
               Case.creditor_org_id).join(Case, Case.id == Invoice.case_id))).all()
    if not invoices:
        return []
    paid = db.session.execute(narrow(
        select(Payment.case_id, Payment.invoice_id, func.sum(Payment.amount))
        .join(Case, Case.id == Payment.case_id).group_by(Payment.case_id, Payment.invoice_id))).all()
    held = set(db.session.scalars(select(InvoiceHold.invoice_id).where(
        InvoiceHold.org_id.in_(orgs), InvoiceHold.kind.in_(("dispute", "paid_in_books")),
        InvoiceHold.resolved_at.is_(None))))
    promised = set(db.session.scalars(select(Promise.invoice_id).where(
        Promise.org_id.in_(orgs), Promise._status == PromiseStatus.OPEN)))
    quiet = set(db.session.execute(select(DebtorSetting.org_id, DebtorSetting.party_id).where(
        DebtorSetting.org_id.in_(orgs),
        (DebtorSetting.mode == Mode.MANUAL) | (DebtorSetting.paused_until >= today))).all())
    quiet = {(o, p) for o, p in quiet}

    by_case: dict[int, list] = defaultdict(list)
    for row in invoices:
        by_case[row.case_id].append(row)
    named: dict[int, dict[int, Decimal]] = defaultdict(dict)
    unnamed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for case_id, invoice_id, amount in paid:
        if invoice_id is None:
            unnamed[case_id] += Decimal(amount)
        else:
            named[case_id][invoice_id] = Decimal(amount)

    out: list[Candidate] = []
    for case_id, rows in by_case.items():
        org_id, party_id = rows[0].creditor_org_id, rows[0].debtor_party_id
        if (org_id, party_id) in quiet:
            continue
        case_named = named.get(case_id, {})
        ids = {r.id for r in rows}
        spare = unnamed.get(case_id, ZERO) + sum(
            (a for i, a in case_named.items() if i not in ids), ZERO)
        left = outstanding([InvoiceRow(r.id, r.due_date, Decimal(r.total)) for r in rows],
                           case_named, spare)
        for r in rows:
            if left[r.id] > ZERO and r.id not in held and r.id not in promised:
                out.append(Candidate(org_id, party_id, case_id, r.id, r.due_date, left[r.id]))
    return out


def plan(today: date, party_ids: set[int] | None = None) -> list[Due]:
    """Every reminder due today that has not been produced yet; `party_ids` narrows it to some
    debtors (a promise that broke resumes its debtor's cadence at once)."""
    levels = enabled_levels()
    candidates = scan(today, levels, party_ids)
    if not candidates:
        return []
    produced_q = (select(Reminder.invoice_id, func.max(ReminderLevel.offset_days))
                  .join(ReminderLevel, ReminderLevel.id == Reminder.level_id)
                  .where(Reminder.org_id.in_(list(levels))).group_by(Reminder.invoice_id))
    if party_ids is not None:
        produced_q = produced_q.where(Reminder.party_id.in_(party_ids))
    produced = dict(db.session.execute(produced_q).all())
    due: list[Due] = []
    for c in candidates:
        level = level_due(levels[c.org_id], (today - c.due_date).days)
        if level is None:
            continue
        done = produced.get(c.invoice_id)
        if done is not None and done >= level.offset_days:
            continue
        due.append(Due(c.org_id, c.party_id, c.case_id, c.invoice_id, level.id))
    return due


def still_followed(today: date, party_id: int) -> dict[int, Decimal]:
    """The debtor's invoices reminders may still follow, with what is owed on each."""
    return {c.invoice_id: c.outstanding for c in scan(today, enabled_levels(), {party_id})}


# One statement per batch: the rows travel as five arrays (executemany sends a row at a time and
# took 20 s for 100,000 rows under load; this takes well under one).
_PG_PRODUCE = text(
    "INSERT INTO reminders (org_id, party_id, case_id, invoice_id, level_id, status, due_on, detail, "
    "created_at) SELECT o, p, c, i, l, :status, :due_on, '', :now FROM unnest(CAST(:o AS integer[]), "
    "CAST(:p AS integer[]), CAST(:c AS integer[]), CAST(:i AS integer[]), CAST(:l AS integer[])) "
    "AS t(o, p, c, i, l) ON CONFLICT (invoice_id, level_id) DO NOTHING RETURNING id")


def _produce_pg(batch: list[Due], today: date) -> list[int]:
    return list(db.session.scalars(_PG_PRODUCE, {
        "o": [d.org_id for d in batch], "p": [d.party_id for d in batch], "c": [d.case_id for d in batch],
        "i": [d.invoice_id for d in batch], "l": [d.level_id for d in batch],
        "status": ReminderStatus.PENDING.value, "due_on": today, "now": utcnow()}))


def batches(items: list[Due], size: int) -> Iterator[list[Due]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def produce(batch: list[Due], today: date) -> int:
    """Insert the batch, ignoring any (invoice, level) already there; flushes, never commits.
    Returns how many rows this call created (a concurrent run's rows are not counted)."""
    if not batch:
        return 0
    if db.session.get_bind().dialect.name == "postgresql":
        created = _produce_pg(batch, today)
    else:
        table = Reminder.__table__
        stmt = sqlite.insert(table).on_conflict_do_nothing(
            index_elements=["invoice_id", "level_id"]).returning(table.c.id)
        created = list(db.session.scalars(stmt, [
            {"org_id": d.org_id, "party_id": d.party_id, "case_id": d.case_id, "invoice_id": d.invoice_id,
             "level_id": d.level_id, "status": ReminderStatus.PENDING, "due_on": today, "detail": ""}
            for d in batch]))
    if created:
        audit.record("receivables.reminders_produced", actor=None, payload={
            "day": today, "count": len(created), "first_id": min(created), "last_id": max(created)})
    return len(created)
