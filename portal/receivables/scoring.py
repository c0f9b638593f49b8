"""The facts the priority rules read (portal.receivables.priority), gathered per debtor or per case
from the book of receivables in a few grouped queries: promises kept and broken, reminders sent,
whether the debtor answered, the last level before a notice, MSMED interest and limitation."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Literal

from sqlalchemy import case, func, select

from portal.accounts import Organization
from portal.cases import Case
from portal.database import one_of
from portal.extensions import db
from portal.receivables import book
from portal.receivables.models import InvoiceHold, Promise, Reminder, ReminderLevel, ReminderLink
from portal.receivables.priority import Facts, Score, score
from portal.receivables.states import PromiseStatus, ReminderStatus

By = Literal["party", "case"]


def _only(column, keys: set[int] | None) -> list:
    return [] if keys is None else [one_of(column, keys)]


def _grouped(org_id: int, model, by: By, keys: set[int] | None, column, *where) -> dict[int, dict]:
    key = getattr(model, f"{by}_id")
    rows = db.session.execute(select(key, column, func.count(model.id))
                              .where(model.org_id == org_id, *_only(key, keys), *where)
                              .group_by(key, column)).all()
    out: dict[int, dict] = defaultdict(dict)
    for k, value, n in rows:
        out[k][value] = n
    return out


def _responded_parties(org_id: int, parties: set[int]) -> set[int]:
    """Debtors that opened a reminder link after its code, or answered through it (one statement per
    10,000 debtors: PostgreSQL takes at most 65,535 parameters in one)."""
    found: set[int] = set()
    ids = sorted(parties)
    for first in range(0, len(ids), 10_000):
        chunk = ids[first:first + 10_000]
        found.update(db.session.scalars(
            select(ReminderLink.party_id).where(
                ReminderLink.org_id == org_id, one_of(ReminderLink.party_id, chunk),
                ReminderLink.last_used_at.is_not(None))
            .union(select(InvoiceHold.party_id).where(
                InvoiceHold.org_id == org_id, one_of(InvoiceHold.party_id, chunk),
                InvoiceHold.link_id.is_not(None)))))
    return found


def _reminders_sent(org_id: int, by: By, keys: set[int] | None) -> dict[int, tuple[int, bool]]:
    """Per debtor or case: (reminders sent, whether one of them was the last before a notice)."""
    key = getattr(Reminder, f"{by}_id")
    at_notice = func.sum(case((ReminderLevel.last_before_notice.is_(True), 1), else_=0))
    rows = db.session.execute(select(key, func.count(Reminder.id), at_notice)
                              .join(ReminderLevel, ReminderLevel.id == Reminder.level_id)
                              .where(Reminder.org_id == org_id, *_only(key, keys),
                                     Reminder._status == ReminderStatus.SENT)
                              .group_by(key)).all()
    return {k: (n, bool(last)) for k, n, last in rows}


def facts(org: Organization, today: date, lines: Iterable[book.Line], by: By,
          keys: set[int] | None = None, *, limits: dict[int, tuple[date, str]] | None = None
          ) -> dict[int, Facts]:
    """The facts of each debtor (by="party") or case (by="case") with something still owed; `keys`
    narrows the queries to those debtors or cases when `lines` holds no others. `limits`: the
    lines' `book.limitation_ends`, when the caller has already reckoned them."""
    lines = list(lines)
    if limits is None:
        limits = book.limitation_ends(lines, today)
    groups: dict[int, list[book.Line]] = defaultdict(list)
    for line in lines:
        if line.outstanding > 0:
            groups[line.party_id if by == "party" else line.case_id].append(line)
    promises = _grouped(org.id, Promise, by, keys, Promise._status)
    sent = _reminders_sent(org.id, by, keys)
    responded = _responded_parties(org.id, {line.party_id for line in lines})
    out = {}
    for key, open_lines in groups.items():
        counts = promises.get(key, {})
        ends = [limits[line.invoice_id][0] for line in open_lines if line.invoice_id in limits]
        out[key] = Facts(
            outstanding=sum((line.outstanding for line in open_lines), Decimal("0.00")),
            days_overdue=max(0, max((today - line.due_date).days for line in open_lines)),
            promises_broken=counts.get(PromiseStatus.BROKEN.value, 0),
            promises_kept=counts.get(PromiseStatus.KEPT.value, 0),
            reminders_sent=sent.get(key, (0, False))[0],
            responded=open_lines[0].party_id in responded,
            msmed_interest_accruing=org.msmed_eligible and any(
                line.msmed and line.due_date < today for line in open_lines),
            limitation_ends=min(ends) if ends else None, today=today,
            at_notice_level=sent.get(key, (0, False))[1])
    return out


def case_scores(org: Organization, today: date, case_ids: set[int]) -> dict[int, Score]:
    """Each listed case's score with its reasons; cases with nothing owed (or ended) have none."""
    if not case_ids:
        return {}
    return {case_id: score(f) for case_id, f in
            facts(org, today, book.lines(org.id, case_ids=case_ids), "case", case_ids).items()}


def case_score(org: Organization, today: date, case: Case) -> Score | None:
    """`case_scores()` of one case of the organisation, from its rows as the case page loaded them."""
    lines = book.case_lines(case)
    found = facts(org, today, lines, "case", {case.id}, limits=book.case_limitation_ends(case, lines, today))
    return score(found[case.id]) if case.id in found else None
