"""The facts the priority rules read (portal.receivables.priority), gathered per debtor or per case
from the book of receivables (its lines, then one statement for the rest): promises kept and broken,
reminders sent, whether the debtor answered, the last level before a notice, MSMED interest and
limitation."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from itertools import zip_longest
from typing import Literal

from sqlalchemy import String, case, func, literal, null, select, type_coerce, union_all

from portal.accounts import Organization
from portal.cases import Case
from portal.database import key_lists, one_of
from portal.extensions import db
from portal.receivables import book
from portal.receivables.models import InvoiceHold, Promise, Reminder, ReminderLevel, ReminderLink
from portal.receivables.priority import Facts, Score, score
from portal.receivables.states import PromiseStatus, ReminderStatus

By = Literal["party", "case"]


# Keys (cases or debtors) per statement on SQLite, which bounds a statement's parameters: each list
# appears twice in the one statement below. PostgreSQL takes each list as one array, all at once.
_KEYS_PER_READ = 5_000


def _gathered(org_id: int, by: By, keys: set[int] | None, parties: set[int]
              ) -> tuple[dict[int, dict[str, int]], dict[int, tuple[int, bool]], set[int]]:
    """What the facts read besides the lines, per debtor or case (`keys`; None: the organisation's
    whole book): its promises counted by status; its reminders sent and whether one of them was the
    last before a notice; and which of `parties` answered through a reminder link (opened it after
    its code, or put an invoice on hold through it). One UNION ALL of the three (portal.database's
    key lists: one statement on PostgreSQL, one per _KEYS_PER_READ keys on SQLite)."""
    promises: dict[int, dict[str, int]] = defaultdict(dict)
    sent: dict[int, tuple[int, bool]] = {}
    responded: set[int] = set()
    key_chunks = [None] if keys is None else list(key_lists(keys, _KEYS_PER_READ))
    party_chunks = list(key_lists(parties, _KEYS_PER_READ))
    for chunk, party_chunk in zip_longest(key_chunks, party_chunks, fillvalue=()):
        parts = []
        if chunk is None or chunk:
            parts += _counted(org_id, by, chunk)
        if party_chunk:
            parts += [select(literal("answered"), model.party_id, null(), literal(0), literal(0))
                      .where(model.org_id == org_id, one_of(model.party_id, party_chunk), answered)
                      for model, answered in ((ReminderLink, ReminderLink.last_used_at.is_not(None)),
                                              (InvoiceHold, InvoiceHold.link_id.is_not(None)))]
        for tag, key, status, n, last in db.session.execute(union_all(*parts)):
            if tag == "promise":
                promises[key][status] = n
            elif tag == "sent":
                sent[key] = (n, bool(last))
            else:
                responded.add(key)
    return promises, sent, responded


def _counted(org_id: int, by: By, keys: list[int] | None) -> list:
    """The promises by status and the reminders sent (with those at the last level before a notice)
    of each debtor or case, as rows (tag, key, status, count, at notice level) of `_gathered`."""
    promise_key, reminder_key = getattr(Promise, f"{by}_id"), getattr(Reminder, f"{by}_id")
    at_notice = func.sum(case((ReminderLevel.last_before_notice.is_(True), 1), else_=0))
    return [select(literal("promise"), promise_key, type_coerce(Promise._status, String),
                   func.count(Promise.id), literal(0))
            .where(Promise.org_id == org_id, *book.only(promise_key, keys))
            .group_by(promise_key, Promise._status),
            select(literal("sent"), reminder_key, null(), func.count(Reminder.id), at_notice)
            .join(ReminderLevel, ReminderLevel.id == Reminder.level_id)
            .where(Reminder.org_id == org_id, *book.only(reminder_key, keys),
                   Reminder._status == ReminderStatus.SENT)
            .group_by(reminder_key)]


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
    promises, sent, responded = _gathered(org.id, by, keys, {line.party_id for line in lines})
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
