"""An organisation's book of receivables read in a few queries: every invoice of its claims that
have not ended, with what is still owed on it (payments applied as portal.receivables.ledger
does), for the work queue, the priorities and the portfolio dashboard."""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.cases import (
    Case,
    CaseStatus,
    ClaimType,
    ComputationError,
    DueDateError,
    Invoice,
    Party,
    Payment,
    case_limitation,
)
from portal.database import key_lists, one_of
from portal.extensions import db
from portal.receivables.ledger import ZERO, InvoiceRow, outstanding

log = logging.getLogger(__name__)
ENDED = (CaseStatus.CLOSED, CaseStatus.WITHDRAWN)
# Only invoices at least this old can be near their three-year limitation: the full reckoning
# (acknowledgements and part payments restart the clock) runs for their cases alone.
LIMITATION_LOOK_DAYS = 3 * 365 - 180


@dataclass(frozen=True)
class Line:
    party_id: int
    case_id: int
    case_reference: str
    case_status: CaseStatus
    msmed: bool
    invoice_id: int
    number: str
    invoice_date: date
    due_date: date
    total: Decimal
    outstanding: Decimal


def lines(org_id: int, party_ids: set[int] | None = None, *, case_ids: set[int] | None = None) -> list[Line]:
    scope = [Case.creditor_org_id == org_id, Case._status.notin_(ENDED)]
    if party_ids is None:
        # The whole book, or some cases (a page of the case list): their invoices joined to their
        # cases, then their payments; the cases by id read through the invoices' index on case_id.
        return _joined(scope, [None] if case_ids is None else list(key_lists(case_ids, _IDS_PER_LIST)))
    # Some debtors (an import's, a collections change's): their cases first, then those cases'
    # invoices and payments by case. As one join, PostgreSQL reckons that a few thousand debtors of
    # a large organisation are worth reading every invoice of every organisation (a sequential scan,
    # growing with the database), where an index probe per case is what they cost.
    scope.append(one_of(Case.debtor_party_id, party_ids))
    if case_ids is not None:
        scope.append(one_of(Case.id, case_ids))
    cases = {row.id: row for row in db.session.execute(
        select(Case.id, Case.debtor_party_id, Case.reference, Case._status, Case.claim_type).where(*scope))}
    invoices, paid = [], []
    for chunk in key_lists(cases, _IDS_PER_LIST):
        invoices += [_InvoiceRow(*inv, *cases[inv.case_id][1:]) for inv in db.session.execute(
            select(Invoice.id, Invoice.case_id, Invoice.number, Invoice.invoice_date, Invoice.due_date,
                   Invoice.total).where(one_of(Invoice.case_id, chunk)))]
        paid += db.session.execute(select(Payment.case_id, Payment.invoice_id, Payment.amount)
                                   .where(one_of(Payment.case_id, chunk))).all()
    return _lines(invoices, paid)


def _joined(scope: list, chunks: list[list[int] | None]) -> list[Line]:
    """The lines of the cases in `scope`: each chunk of case ids (None: every case) in two statements,
    the invoices with their case's columns, and the payments."""
    invoices, paid = [], []
    for chunk in chunks:
        invoices += db.session.execute(
            select(Invoice.id, Invoice.case_id, Invoice.number, Invoice.invoice_date, Invoice.due_date,
                   Invoice.total, Case.debtor_party_id, Case.reference, Case._status.label("status"),
                   Case.claim_type).join(Case, Case.id == Invoice.case_id)
            .where(*scope, *only(Invoice.case_id, chunk))).all()
        paid += db.session.execute(
            select(Payment.case_id, Payment.invoice_id, Payment.amount).join(Case, Case.id == Payment.case_id)
            .where(*scope, *only(Payment.case_id, chunk))).all()
    return _lines(invoices, paid)


def only(column, keys) -> list:
    """The condition that `column` is one of `keys`, as a list to spread into `where`: none when `keys`
    is None (every row)."""
    return [] if keys is None else [one_of(column, keys)]


_IDS_PER_LIST = 5_000  # case ids per IN list on SQLite (PostgreSQL takes them as one array)


class _InvoiceRow(NamedTuple):
    """An invoice with its case's columns, as the whole book's join gives them."""
    id: int
    case_id: int
    number: str
    invoice_date: date
    due_date: date
    total: Decimal
    debtor_party_id: int
    reference: str
    status: str
    claim_type: ClaimType


def _lines(invoices, paid) -> list[Line]:
    named: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    unnamed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for case_id, invoice_id, amount in paid:
        if invoice_id is None:
            unnamed[case_id] += amount
        else:
            named[case_id][invoice_id] += amount
    by_case = defaultdict(list)
    for row in invoices:
        by_case[row.case_id].append(row)
    out = []
    for case_id, rows in by_case.items():
        first = rows[0]
        out += _case_lines(first.debtor_party_id, case_id, first.reference, CaseStatus(first.status),
                           first.claim_type, rows, named.get(case_id, {}), unnamed.get(case_id, ZERO))
    return out


def case_lines(case: Case) -> list[Line]:
    """`lines()` of one case from its invoices and payments as the case page has loaded them (no
    statement when they are): the same lines, for a case of the organisation."""
    if case.status in ENDED or not case.invoices:
        return []
    named: dict[int, Decimal] = defaultdict(lambda: ZERO)
    unnamed = ZERO
    for payment in case.payments:
        if payment.invoice_id is None:
            unnamed += payment.amount
        else:
            named[payment.invoice_id] += payment.amount
    return _case_lines(case.debtor_party_id, case.id, case.reference, case.status, case.claim_type,
                       case.invoices, named, unnamed)


def _case_lines(party_id: int, case_id: int, reference: str, status: CaseStatus, claim_type, rows,
                case_named: dict[int, Decimal], unnamed: Decimal) -> list[Line]:
    """The lines of one case's invoices (`rows`: id, number, invoice_date, due_date, total), its
    payments applied: those naming an invoice to it, the rest (and any naming an invoice not in
    `rows`) in order of due date."""
    ids = {r.id for r in rows}
    spare = unnamed + sum((a for i, a in case_named.items() if i not in ids), ZERO)
    left = outstanding([InvoiceRow(r.id, r.due_date, r.total) for r in rows], case_named, spare)
    msmed = claim_type == ClaimType.MSMED_INVOICE
    return [Line(party_id, case_id, reference, status, msmed, r.id, r.number, r.invoice_date, r.due_date,
                 r.total, left[r.id]) for r in rows]


def names(party_ids: set[int]) -> dict[int, str]:
    if not party_ids:
        return {}
    return dict(db.session.execute(select(Party.id, Party.legal_name).where(Party.id.in_(party_ids))).all())


def limitation_ends(book: list[Line], today: date) -> dict[int, tuple[date, str]]:
    """For invoices old enough to matter: invoice id -> (the last day to file, the invoice number)."""
    old_cases = sorted({line.case_id for line in book if line.outstanding > 0
                        and line.due_date <= today - timedelta(days=LIMITATION_LOOK_DAYS)})
    out = {}
    for first in range(0, len(old_cases), _CASES_PER_READ):
        for case in _with_their_rows(old_cases[first:first + _CASES_PER_READ]):
            out.update(_limitation_ends(case, today))
    return out


_CASES_PER_READ = 2_000


def case_limitation_ends(case: Case, book: list[Line], today: date) -> dict[int, tuple[date, str]]:
    """`limitation_ends()` of one case's lines, reckoned on the case as loaded (its invoices, payments
    and acknowledgements), not read again."""
    if not any(line.outstanding > 0 and line.due_date <= today - timedelta(days=LIMITATION_LOOK_DAYS)
               for line in book):
        return {}
    return _limitation_ends(case, today)


def _with_their_rows(case_ids: list[int]) -> list[Case]:
    """These cases with their invoices, payments and acknowledgements, read in a few statements
    (not three more per case: an import of old invoices brings thousands of them at once)."""
    return list(db.session.scalars(
        select(Case).where(one_of(Case.id, case_ids))
        .options(selectinload(Case.invoices), selectinload(Case.payments),
                 selectinload(Case.acknowledgements))))


def _limitation_ends(case: Case, today: date) -> dict[int, tuple[date, str]]:
    try:
        statuses = case_limitation(case, today)
    except (ComputationError, DueDateError) as exc:  # no alert for it, never a 500
        log.warning("limitation of case %s cannot be reckoned: %s", case.id, exc)
        return {}
    return {inv.id: (statuses[inv.number].deadline, inv.number)
            for inv in case.invoices if inv.number in statuses}
