"""Bringing the books in: Tally, Zoho Books and ERPNext exports (sample files in their real
structure, tests/receivables/books/); re-importing creates nothing twice; paid in the books stops
the reminders; hostile or foreign files are refused with a reason."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.cases.models import Case, Invoice
from portal.receivables import book_sync, books, evaluation
from portal.receivables.books import Source
from tests.conftest import csrf_for
from tests.receivables.helpers import creditor_with_reminders

SAMPLES = Path(__file__).parent / "books"
TODAY = date(2026, 12, 7)


def run(creditor, source: Source, name: str) -> book_sync.SyncReport:
    return book_sync.apply(creditor, source, books.parse(source, SAMPLES / name), TODAY)


def invoices_of(org_id: int) -> int:
    from portal.extensions import db

    return db.session.scalar(select(func.count(Invoice.id)).join(Case).where(Case.creditor_org_id == org_id))


def test_the_three_formats_read_the_same_facts():
    zoho = books.parse(Source.ZOHO, SAMPLES / "zoho_invoices.csv")
    assert [(r.number, r.outstanding) for r in zoho] == [
        ("KT/2026/118", Decimal("118000.00")), ("KT/2026/131", Decimal("45250.50")),
        ("KT/2026/140", Decimal("30000.00")), ("KT/2026/099", Decimal("0.00"))]  # the draft is left out
    assert zoho[0].gstin == "29ABCFS1234K1Z3" and zoho[0].due_date == date(2026, 10, 16)
    erp = books.parse(Source.ERPNEXT, SAMPLES / "erpnext_sales_invoice.csv")
    assert [(r.number, r.total) for r in erp] == [("ACC-SINV-2026-00041", Decimal("236000.00")),
                                                  ("ACC-SINV-2026-00042", Decimal("11800.00"))]
    tally = books.parse(Source.TALLY, SAMPLES / "tally_bills_receivable.xml")
    assert [(r.debtor, r.number, r.outstanding, r.due_date) for r in tally] == [
        ("Shree Garments LLP", "KT/2026/118", Decimal("118000.00"), date(2026, 10, 16)),
        ("Lakshmi Weaves", "KT/2026/144", Decimal("35400.00"), date(2026, 11, 26))]


def test_import_then_reimport_then_paid_in_the_books(db_session):
    creditor, _ = creditor_with_reminders()
    first = run(creditor, Source.ZOHO, "zoho_invoices.csv")
    assert (first.created_cases, first.created_invoices, first.skipped_paid) == (2, 3, 1)
    assert any("30000.00 of 59000.00 still owed" in p for p in first.problems)
    assert invoices_of(creditor.org_id) == 3
    again = run(creditor, Source.ZOHO, "zoho_invoices.csv")
    assert (again.created_invoices, again.already_known) == (0, 3)
    assert invoices_of(creditor.org_id) == 3
    due = {d.invoice_id for d in evaluation.plan(TODAY)}
    paid_invoice = db_session.scalar(select(Invoice.id).join(Case).where(
        Case.creditor_org_id == creditor.org_id, Invoice.number == "KT/2026/118"))
    assert paid_invoice in due
    later = run(creditor, Source.ZOHO, "zoho_invoices_later.csv")
    assert later.marked_paid == 1 and later.created_invoices == 0
    assert paid_invoice not in {d.invoice_id for d in evaluation.plan(TODAY)}
    assert run(creditor, Source.ZOHO, "zoho_invoices_later.csv").marked_paid == 0  # once


def test_tally_matches_by_name_and_new_debtors_need_an_address(db_session):
    creditor, _ = creditor_with_reminders()
    run(creditor, Source.ZOHO, "zoho_invoices.csv")
    report = run(creditor, Source.TALLY, "tally_bills_receivable.xml")
    assert report.already_known == 1 and report.created_invoices == 0
    assert any(p.startswith("Lakshmi Weaves") and "e-mail" in p for p in report.problems)


def test_erpnext_creates_claims(db_session):
    creditor, _ = creditor_with_reminders()
    report = run(creditor, Source.ERPNEXT, "erpnext_sales_invoice.csv")
    assert (report.created_cases, report.created_invoices) == (1, 2)


@pytest.mark.parametrize("source,content,message", [
    (Source.TALLY, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><ENVELOPE/>', "DTD"),
    (Source.TALLY, "<ENVELOPE><BILLFIXED>", "not well-formed"),
    (Source.TALLY, "<REPORT/>", "not a Tally export"),
    (Source.TALLY, "<ENVELOPE><BILLFIXED><BILLDATE>31-Feb-2026</BILLDATE><BILLREF>A</BILLREF>"
                   "<BILLPARTY>B</BILLPARTY></BILLFIXED><BILLCL>1</BILLCL></ENVELOPE>", "not a date"),
    (Source.ZOHO, "Customer,Amount\nA,1\n", "no column “Invoice Number”"),
    (Source.ZOHO, "", "empty"),
    (Source.ERPNEXT, "ID,Customer Name,Posting Date,Grand Total,Outstanding Amount\nX,Y,2026-01-01,abc,1\n",
     "not an amount"),
])
def test_foreign_or_hostile_files_are_refused(tmp_path, source, content, message):
    path = tmp_path / "upload"
    path.write_text(content)
    with pytest.raises(books.BooksRefused, match=message):
        books.parse(source, path)


def test_the_page_imports_and_refuses(client, auth, db_session):
    creditor, _ = creditor_with_reminders()
    auth.login_as(creditor)
    assert client.get("/collections/books").status_code == 200
    token = csrf_for(client)
    with (SAMPLES / "zoho_invoices.csv").open("rb") as fh:
        response = client.post("/collections/books", data={"csrf_token": token, "source": "zoho",
                                                           "file": (fh, "invoices.csv")},
                               content_type="multipart/form-data")
    assert response.status_code == 200 and "3 new invoices in 2 new draft claims" in response.get_data(as_text=True)
    bad = client.post("/collections/books", data={"csrf_token": token, "source": "tally",
                                                  "file": (__import__("io").BytesIO(b"<x"), "b.xml")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and "not well-formed" in bad.get_data(as_text=True)
    assert client.post("/collections/books", data={"csrf_token": token, "source": "zoho"}).status_code == 422
    assert client.post("/collections/books", data={"csrf_token": token, "source": "sap",
                                                   "file": (__import__("io").BytesIO(b"x"), "b.csv")},
                       content_type="multipart/form-data").status_code == 422


def _case_of(org_id: int, number: str) -> Case:
    from portal.extensions import db

    return db.session.scalar(select(Case).join(Invoice).where(Case.creditor_org_id == org_id,
                                                              Invoice.number == number))


def test_next_months_books_add_to_the_debtors_draft_claim(db_session):
    """A debtor stays one claim (one record of it, one row of the collections queue) while its claim
    is a draft in the creditor's hands; a claim an advocate has taken keeps its facts."""
    from portal.cases.models import CaseFactsVersion
    from tests.factories import AdvocateFactory

    creditor, _ = creditor_with_reminders()
    run(creditor, Source.ZOHO, "zoho_invoices.csv")
    shree, ganesh = _case_of(creditor.org_id, "KT/2026/118"), _case_of(creditor.org_id, "KT/2026/140")
    ganesh.advocate_id = AdvocateFactory().id  # with an advocate now: its facts are the advocate's to change
    db_session.flush()
    report = run(creditor, Source.ZOHO, "zoho_invoices_next_month.csv")
    assert (report.already_known, report.added_invoices, report.added_to_cases) == (1, 1, 1)
    assert (report.created_cases, report.created_invoices) == (1, 1)
    assert _case_of(creditor.org_id, "KT/2026/160").id == shree.id
    assert sorted(i.number for i in shree.invoices) == ["KT/2026/118", "KT/2026/131", "KT/2026/160"]
    assert shree.outstanding_sum == Decimal("192750.50")
    version = db_session.scalar(select(CaseFactsVersion).where(CaseFactsVersion.case_id == shree.id)
                                .order_by(CaseFactsVersion.version.desc()).limit(1))
    assert (version.version, version.reason) == (2, "invoices added from the Zoho Books (Invoices export, CSV)")
    assert _case_of(creditor.org_id, "KT/2026/161").id not in {shree.id, ganesh.id}
    assert [i.number for i in ganesh.invoices] == ["KT/2026/140"]
    # Shree Garments is still one record of the debtor among the creditor's claims.
    parties = db_session.scalars(select(Case.debtor_party_id).where(Case.creditor_org_id == creditor.org_id,
                                                                    Case.id.in_([shree.id]))).all()
    assert len(set(parties)) == 1
    assert run(creditor, Source.ZOHO, "zoho_invoices_next_month.csv").added_invoices == 0  # once


def test_an_invoice_the_draft_claim_refuses_is_reported_and_nothing_is_added(db_session, tmp_path):
    creditor, _ = creditor_with_reminders()
    run(creditor, Source.ZOHO, "zoho_invoices.csv")
    shree = _case_of(creditor.org_id, "KT/2026/118")
    header = (SAMPLES / "zoho_invoices.csv").read_text().splitlines()[0]
    path = tmp_path / "future.csv"
    path.write_text(header + "\n2026-12-20,1794000000123009,KT/2026/170,Overdue,1794000000045001,"
                    "Shree Garments LLP,business_gst,29ABCFS1234K1Z3,KA,2027-01-19,INR,1.00,100.00,118.00,"
                    "118.00,accounts@shree-garments.example,\n")
    report = book_sync.apply(creditor, Source.ZOHO, books.parse(Source.ZOHO, path), TODAY)
    assert (report.added_invoices, report.created_invoices) == (0, 0)
    assert any(shree.reference in p and "cannot be in the future" in p for p in report.problems), report.problems
    db_session.expire_all()
    assert sorted(i.number for i in shree.invoices) == ["KT/2026/118", "KT/2026/131"]
    assert shree.facts_version == 1
