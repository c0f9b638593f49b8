"""Bringing the books in: each outstanding invoice of the export becomes an invoice of a draft claim,
matched on the invoice number and the debtor's GSTIN (its name when the export has none, as Tally's
Bills Receivable does). A debtor's new invoices join its claim that is still a draft in the
creditor's hands (no advocate yet), so a month's books add to the claim the last month's opened and
the debtor stays one row of the collections queue; a debtor with none gets a new draft claim (one
per debtor and import). Importing the same books again creates nothing twice; an invoice the books
show as paid stops its reminders."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from portal import audit
from portal.cases import (
    Case,
    CaseFacts,
    CaseStatus,
    ContactKind,
    DebtorFacts,
    FactsInvalid,
    Invoice,
    InvoiceFacts,
    Party,
    add_invoices,
    check_facts,
    create_cases,
)
from portal.extensions import db
from portal.receivables.books import LABELS, BookInvoice, Source
from portal.receivables.models import InvoiceHold, Reminder
from portal.receivables.states import ReminderStatus
from portal.receivables.transitions import fire

PAID_IN_BOOKS = "paid_in_books"


@dataclass
class SyncReport:
    created_cases: int = 0
    created_invoices: int = 0
    added_invoices: int = 0  # to a debtor's draft claim from before
    added_to_cases: int = 0
    already_known: int = 0
    marked_paid: int = 0
    skipped_paid: int = 0
    problems: list[str] = field(default_factory=list)


def _debtor_key(gstin: str | None, name: str) -> str:
    return gstin or " ".join(name.lower().split())


def _debtor_keys(gstin: str | None, name: str) -> set[str]:
    """Every key a debtor is found by: its GSTIN's, and its name's."""
    return {_debtor_key(gstin, name), _debtor_key(None, name)}


def _refusals(exc: FactsInvalid) -> str:
    return "; ".join(m for ms in exc.errors.values() for m in ms)


def _known(org_id: int) -> tuple[dict[tuple[str, str], Invoice], dict[str, Party], dict[str, Case]]:
    """The organisation's invoices by (number, debtor key), its debtors by key, and per debtor key its
    newest claim still a draft with nobody but the creditor on it (new invoices join it): one
    statement, the claims loaded with their invoices (marking one paid needs its claim)."""
    rows = db.session.execute(
        select(Invoice, Party, Case).join(Case, Case.id == Invoice.case_id)
        .join(Party, Party.id == Case.debtor_party_id).where(Case.creditor_org_id == org_id)
        .order_by(Case.id)).all()
    invoices, parties, drafts = {}, {}, {}
    for invoice, party, case in rows:
        open_draft = case.status == CaseStatus.DRAFT and case.advocate_id is None
        for key in _debtor_keys(party.gstin, party.legal_name):
            invoices[(invoice.number.strip().lower(), key)] = invoice
            parties.setdefault(key, party)
            if open_draft:
                drafts[key] = case      # by claim id: the newest draft is the last one seen
    return invoices, parties, drafts


def _add_to_draft(actor, case: Case, group: list[BookInvoice], source: Source, today: date,
                  report: SyncReport) -> None:
    first = group[0]
    try:
        add_invoices(actor, case, [_invoice_facts(r) for r in group],
                     f"invoices added from the {LABELS[source]}", today=today)
    except FactsInvalid as exc:
        report.problems.append(f"{first.debtor} (line {first.line}), adding to {case.reference}: "
                               f"{_refusals(exc)}")
        return
    report.added_invoices += len(group)
    report.added_to_cases += 1


def _invoice_facts(row: BookInvoice) -> InvoiceFacts:
    return InvoiceFacts(row.number, row.invoice_date, taxable_value=row.total, total=row.total,
                        due_date=row.due_date)


def _mark_paid(actor, invoice: Invoice, source: Source) -> bool:
    if db.session.scalar(select(InvoiceHold.id).where(InvoiceHold.invoice_id == invoice.id,
                                                      InvoiceHold.kind == PAID_IN_BOOKS)):
        return False
    case = invoice.case
    db.session.add(InvoiceHold(org_id=case.creditor_org_id, party_id=case.debtor_party_id,
                               invoice_id=invoice.id, kind=PAID_IN_BOOKS,
                               text=f"Shown as paid in the {source.value} books",
                               made_how=f"{source.value} import"))
    for r in db.session.scalars(select(Reminder).where(
            Reminder.invoice_id == invoice.id,
            Reminder._status.in_([ReminderStatus.PENDING, ReminderStatus.SENDING]))):
        r.claimed_until, r.detail = None, "Set aside: paid in the books."
        fire(r, "skip", actor, payload={"why": "paid in the books"}, case=case)
    return True


def _part_paid(group: list[BookInvoice], report: SyncReport) -> None:
    for r in group:
        if r.outstanding < r.total:
            report.problems.append(f"{r.debtor}, invoice {r.number}: the books show "
                                   f"{r.outstanding} of {r.total} still owed; record the part "
                                   "payment on the claim")


def apply(actor, source: Source, rows: list[BookInvoice], today: date) -> SyncReport:
    """Apply the export as `actor` (creditor staff); flushes, never commits."""
    report = SyncReport()
    known, parties, drafts = _known(actor.org_id)
    new: dict[str, list[BookInvoice]] = defaultdict(list)
    for row in rows:
        keys = _debtor_keys(row.gstin, row.debtor)
        match = next((known[(row.number.strip().lower(), k)] for k in keys
                      if (row.number.strip().lower(), k) in known), None)
        if match is not None:
            if row.outstanding == 0:
                report.marked_paid += _mark_paid(actor, match, source)
            else:
                report.already_known += 1
            continue
        if row.outstanding == 0:
            report.skipped_paid += 1
            continue
        new[_debtor_key(row.gstin, row.debtor)].append(row)
    facts_list = []
    for key, group in new.items():
        first = group[0]
        draft = drafts.get(key) or drafts.get(_debtor_key(None, first.debtor))
        if draft is not None:
            _add_to_draft(actor, draft, group, source, today, report)
            _part_paid(group, report)
            continue
        emails = sorted({r.email for r in group if r.email})
        mobiles: list[str] = []
        party = parties.get(key) or parties.get(_debtor_key(None, first.debtor))
        if party is not None:
            emails = emails or party.addresses(ContactKind.EMAIL)
            mobiles = party.addresses(ContactKind.MOBILE)
        facts = CaseFacts(
            debtor=DebtorFacts(first.debtor, gstin=first.gstin, emails=emails, mobiles=mobiles),
            invoices=[_invoice_facts(r) for r in group],
            summary=f"Outstanding invoices imported from {source.value}.")
        try:
            check_facts(facts, actor.organization, today)
        except FactsInvalid as exc:
            report.problems.append(f"{first.debtor} (line {first.line}): {_refusals(exc)}")
            continue
        _part_paid(group, report)
        facts_list.append(facts)
    if facts_list:
        cases = create_cases(actor, facts_list, today=today)
        report.created_cases = len(cases)
        report.created_invoices = sum(len(c.invoices) for c in cases)
    audit.record("receivables.books_imported", actor=actor, payload={
        "source": source.value, "rows": len(rows), "cases": report.created_cases,
        "invoices": report.created_invoices, "added_invoices": report.added_invoices,
        "added_to_cases": report.added_to_cases, "known": report.already_known,
        "marked_paid": report.marked_paid, "problems": len(report.problems)})
    return report
