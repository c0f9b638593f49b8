"""The statement of account of one debtor with one creditor: every invoice of its open claims,
what was paid against it and what is still owed (without interest), as a page and as CSV."""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portal.cases import Case, CaseStatus, Invoice, Payment
from portal.extensions import db
from portal.receivables.ledger import ZERO, InvoiceRow, outstanding
from portal.receivables.models import InvoiceHold, Promise
from portal.receivables.states import PromiseStatus
from portal.tabular import export_cell

CLOSED = (CaseStatus.PAID, CaseStatus.CLOSED, CaseStatus.WITHDRAWN)


@dataclass(frozen=True)
class Line:
    invoice_id: int
    case_reference: str
    number: str
    invoice_date: date
    due_date: date
    total: Decimal
    outstanding: Decimal
    disputed: bool
    promised: bool


def lines(org_id: int, party_id: int) -> list[Line]:
    cases = list(db.session.scalars(select(Case).where(
        Case.creditor_org_id == org_id, Case.debtor_party_id == party_id, Case._status.notin_(CLOSED))
        .order_by(Case.id)))
    if not cases:
        return []
    case_ids = [c.id for c in cases]
    invoices = list(db.session.scalars(select(Invoice).where(Invoice.case_id.in_(case_ids))))
    payments = list(db.session.scalars(select(Payment).where(Payment.case_id.in_(case_ids))))
    held = set(db.session.scalars(select(InvoiceHold.invoice_id).where(
        InvoiceHold.party_id == party_id, InvoiceHold.kind == "dispute",
        InvoiceHold.resolved_at.is_(None))))
    promised = set(db.session.scalars(select(Promise.invoice_id).where(
        Promise.party_id == party_id, Promise._status == PromiseStatus.OPEN)))
    refs = {c.id: c.reference for c in cases}
    by_case: dict[int, list[Invoice]] = defaultdict(list)
    for inv in invoices:
        by_case[inv.case_id].append(inv)
    out = []
    for case_id, invs in by_case.items():
        ids = {i.id for i in invs}
        named: dict[int, Decimal] = defaultdict(lambda: ZERO)
        unnamed = ZERO
        for p in payments:
            if p.case_id != case_id:
                continue
            if p.invoice_id in ids:
                named[p.invoice_id] += p.amount
            else:
                unnamed += p.amount
        left = outstanding([InvoiceRow(i.id, i.due_date, i.total) for i in invs], named, unnamed)
        out += [Line(i.id, refs[case_id], i.number, i.invoice_date, i.due_date, i.total, left[i.id],
                     i.id in held, i.id in promised) for i in invs]
    return sorted(out, key=lambda line: (line.due_date, line.number))


def neutralise(value: object) -> object:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe (portal.tabular's rule)."""
    return export_cell(value)


def rows_to_csv(rows: list[list[str]]) -> bytes:
    """Any table as CSV for a spreadsheet: UTF-8 with a byte-order mark, every text cell neutralised."""
    buf = io.StringIO()
    w = csv.writer(buf)
    for row in rows:
        w.writerow([neutralise(cell) for cell in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_csv(rows: list[Line], debtor: str, creditor: str) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([neutralise(f"Statement of account: {debtor} with {creditor}")])
    w.writerow(["Claim", "Invoice", "Invoice date", "Due date", "Invoice total (INR)",
                "Outstanding (INR)", "Disputed", "Promised"])
    for r in rows:
        w.writerow([neutralise(r.case_reference), neutralise(r.number), r.invoice_date.isoformat(),
                    r.due_date.isoformat(), f"{r.total:.2f}", f"{r.outstanding:.2f}",
                    "yes" if r.disputed else "", "yes" if r.promised else ""])
    w.writerow(["", "", "", "Total", f"{sum((r.total for r in rows), ZERO):.2f}",
                f"{sum((r.outstanding for r in rows), ZERO):.2f}", "", ""])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
