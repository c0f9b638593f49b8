"""Bulk import: preview before saving, per-row errors, one transaction, no duplicates."""
import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from portal.cases.models import Case, Invoice
from portal.imports.models import ImportBatch
from portal.imports.parsing import COLUMNS
from tests.conftest import csrf_from
from tests.factories import AdvocateFactory, CreditorFactory, DebtorUserFactory

GOOD = [
    ["Shree Garments LLP", "27AAPFU0939F1ZV", "", "ap@shree.example", "9876543210", "Pune",
     "A-1", "2026-01-10", "2026-01-12", "30", "", "100000", "18000", "118000", "commercial", "18"],
    ["Shree Garments LLP", "27AAPFU0939F1ZV", "", "", "", "", "A-2", "15/01/2026", "", "", "",
     "50,000.00", "9000", "", "commercial", ""],
    ["Lotus Fashion", "", "", "lotus@fashion.example", "", "", "L-1", "2026-02-01", "", "", "2026-03-01",
     "25000", "0", "", "", ""],
]
BAD = [
    ["Bad Gstin Co", "27AAPFU0939F1ZX", "", "x@bad.example", "", "", "B-1", "2026-02-01", "", "", "",
     "1000", "0", "", "", ""],
    ["No Contact Co", "", "", "", "", "", "N-1", "2026-02-01", "", "", "", "1000", "0", "", "", ""],
    ["Lotus Fashion", "", "", "", "", "", "L-2", "31/31/2026", "", "", "", "1000", "0", "", "", ""],
    ["Lotus Fashion", "", "", "", "", "", "L-3", "2026-02-02", "", "", "", "12x", "0", "", "", ""],
]


def csv_bytes(rows, header=COLUMNS):
    out = io.StringIO()
    import csv

    w = csv.writer(out)
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue().encode()


def upload(client, data: bytes, name="invoices.csv"):
    page = client.get("/imports/")
    return client.post("/imports/", data={"csrf_token": csrf_from(page),
                                          "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def confirm(client, preview):
    html = preview.get_data(as_text=True)
    fields = dict(re.findall(r'name="(sha256|suffix|filename)" type="hidden" value="([^"]*)"', html))
    fields["csrf_token"] = csrf_from(preview)
    return client.post("/imports/confirm", data=fields)


def n_cases(session, org_id):
    return session.scalar(select(func.count(Case.id)).where(Case.creditor_org_id == org_id))


def test_preview_then_confirm_groups_by_debtor(client, creditor, db_session):
    preview = upload(client, csv_bytes(GOOD + BAD))
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "2 cases" in html and "with 3 invoices" in html
    assert "check character" in html  # bad GSTIN, line 5
    assert "at least one e-mail address or mobile number" in html
    assert "Write dates as YYYY-MM-DD" in html and "must be written in digits" in html
    assert n_cases(db_session, creditor.org_id) == 0  # nothing saved by the preview
    resp = confirm(client, preview)
    assert resp.status_code == 302
    cases = db_session.scalars(select(Case).where(Case.creditor_org_id == creditor.org_id)).all()
    by_debtor = {c.debtor.legal_name: sorted(i.number for i in c.invoices) for c in cases}
    assert by_debtor == {"Shree Garments LLP": ["A-1", "A-2"], "Lotus Fashion": ["L-1"]}
    shree = next(c for c in cases if c.debtor.gstin)
    assert str(shree.invoiced_total) == "177000.00"
    batch = db_session.scalar(select(ImportBatch).where(ImportBatch.org_id == creditor.org_id))
    assert (batch.rows, batch.cases_created, batch.invoices_created, batch.rows_skipped) == (7, 2, 3, 4)


def test_reupload_creates_no_duplicates(client, creditor, db_session):
    confirm(client, upload(client, csv_bytes(GOOD)))
    assert n_cases(db_session, creditor.org_id) == 2
    again = upload(client, csv_bytes(GOOD))
    assert "already imported" in again.get_data(as_text=True)
    confirm(client, again)
    assert n_cases(db_session, creditor.org_id) == 2
    # A different file repeating two invoices and adding one: only the new invoice is created.
    extra = GOOD[:2] + [["Shree Garments LLP", "27AAPFU0939F1ZV", "", "ap@shree.example", "", "", "A-3",
                         "2026-02-10", "", "", "", "1000", "0", "", "", ""]]
    preview = upload(client, csv_bytes(extra))
    assert "2 invoices were already imported" in preview.get_data(as_text=True)
    confirm(client, preview)
    total = db_session.scalar(select(func.count(Invoice.id)).join(Case)
                              .where(Case.creditor_org_id == creditor.org_id))
    assert total == 4



def _gstin(pan: str) -> str:
    from portal.identifiers import gstin_check_char

    return f"27{pan}1Z" + gstin_check_char(f"27{pan}1Z")


def test_a_repeated_invoice_is_known_by_its_debtor_and_number_not_by_its_number(client, creditor,
                                                                               db_session):
    """The duplicate lookup reads the organisation's invoices of the file's debtors (by GSTIN, or by
    number for debtors known by name alone), not every invoice anywhere with the file's numbers: the
    same invoices come out as duplicates as before, and the same number under another debtor, or
    in another organisation, is no duplicate."""
    from portal.cases import today_ist
    from portal.imports.planner import plan_import

    confirm(client, upload(client, csv_bytes(GOOD)))
    other = _gstin("AABCF0001A")
    rows = [
        GOOD[0],  # Shree (by GSTIN) A-1: a duplicate
        ["  LOTUS   fashion ", "", "", "lotus@fashion.example", "", "", "L-1", "2026-02-01", "", "", "2026-03-01", "25000", "0",
         "", "", ""],  # Lotus (by name, written otherwise) L-1: a duplicate
        ["Another Buyer", other, "", "b@buyer.example", "", "", "A-1", "2026-01-10", "", "30", "", "5000",
         "0", "", "", ""],  # A-1 again, another debtor with a GSTIN: new
        ["Named Only Co", "", "", "n@named.example", "", "", "L-1", "2026-01-10", "", "30", "", "5000",
         "0", "", "", ""],  # L-1 again, another debtor known by name: new
    ]
    preview = upload(client, csv_bytes(rows))
    assert "2 invoices were already imported" in preview.get_data(as_text=True)
    lines = [(n + 2, dict(zip(COLUMNS, row, strict=False))) for n, row in enumerate(rows)]
    plan = plan_import(creditor.organization, lines, today_ist())
    assert plan.duplicates == [(2, "A-1"), (3, "L-1")]
    assert sorted(c.facts.debtor.legal_name for c in plan.cases) == ["Another Buyer", "Named Only Co"]
    # Another creditor's file with the same debtors and numbers: nothing of it is a duplicate there.
    elsewhere = CreditorFactory(organization__udyam_number=None)
    plan = plan_import(elsewhere.organization, lines, today_ist())
    assert plan.duplicates == [] and len(plan.cases) == 4
    confirm(client, preview)
    numbers = db_session.scalars(select(Invoice.number).join(Case)
                                 .where(Case.creditor_org_id == creditor.org_id)).all()
    assert sorted(numbers) == ["A-1", "A-1", "A-2", "L-1", "L-1"]

def test_xlsx_import(client, creditor, db_session):
    wb = Workbook()
    ws = wb.active
    ws.append(COLUMNS)
    for row in GOOD:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    preview = upload(client, buf.getvalue(), "invoices.xlsx")
    assert preview.status_code == 200, preview.get_data(as_text=True)[:500]
    confirm(client, preview)
    assert n_cases(db_session, creditor.org_id) == 2


@pytest.mark.parametrize("data,name,message", [
    (b"", "a.csv", "The file is empty"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00", "a.csv", "does not look like a CSV"),
    (b"foo,bar\n1,2\n", "a.csv", "missing: debtor_name"),
    (b"debtor_name,invoice_number,invoice_date,taxable_value\nR\x81sum\x8d,1,2026-01-01,5\n",
     "a.csv", "neither UTF-8 nor Windows-1252"),
    (b"PK\x03\x04garbage", "a.xlsx", "not a readable .xlsx"),
    (b"a,b", "a.exe", "Upload a .csv or .xlsx"),
])
def test_malformed_files_are_refused_and_nothing_stored(client, creditor, db_session, data, name, message):
    resp = upload(client, data, name)
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert n_cases(db_session, creditor.org_id) == 0


def test_error_report_and_template(client, creditor):
    preview = upload(client, csv_bytes(BAD))
    html = preview.get_data(as_text=True)
    fields = dict(re.findall(r'name="(sha256|suffix|filename)" type="hidden" value="([^"]*)"', html))
    fields["csrf_token"] = csrf_from(preview)
    report = client.post("/imports/errors.csv", data=fields)
    assert report.status_code == 200 and report.mimetype == "text/csv"
    lines = report.get_data(as_text=True).splitlines()
    assert lines[0] == "line,column,problem" and len(lines) >= 5
    tpl = client.get("/imports/template.csv")
    assert tpl.get_data(as_text=True).splitlines()[0] == ",".join(COLUMNS)


def test_tampered_confirmation_is_refused(client, creditor, db_session):
    page = client.get("/imports/")
    resp = client.post("/imports/confirm", data={"csrf_token": csrf_from(page), "sha256": "../../etc",
                                                 "suffix": "csv", "filename": "x.csv"})
    assert resp.status_code == 400
    resp = client.post("/imports/confirm", data={"csrf_token": csrf_from(page), "sha256": "a" * 64,
                                                 "suffix": "csv", "filename": "x.csv"})
    assert resp.status_code == 404


@pytest.mark.parametrize("factory", [AdvocateFactory, DebtorUserFactory])
def test_only_creditors_import(client, auth, db_session, factory):
    auth.login_as(factory())
    assert client.get("/imports/").status_code == 403


def test_batch_of_other_org_is_hidden(client, auth, creditor, db_session):
    confirm(client, upload(client, csv_bytes(GOOD)))
    batch = db_session.scalar(select(ImportBatch).where(ImportBatch.org_id == creditor.org_id))
    assert client.get(f"/imports/{batch.id}").status_code == 200
    auth.login_as(CreditorFactory())
    assert client.get(f"/imports/{batch.id}").status_code == 404


def test_a_refused_import_keeps_nothing_though_it_answers_with_a_redirect(client, creditor, db_session,
                                                                          monkeypatch):
    """The refusal is a redirect (which the request boundary commits): the import's own changes are
    undone by its savepoint, so no case of a half-made import survives."""
    from portal.errors import DomainError
    from portal.imports import services

    real = services.confirm

    def half_then_refused(*args, **kwargs):
        real(*args, **kwargs)   # the cases are made and flushed ...
        raise DomainError("Refused after the cases were made.")   # ... then the import is refused

    monkeypatch.setattr(services, "confirm", half_then_refused)
    resp = confirm(client, upload(client, csv_bytes(GOOD)))
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/imports/")
    assert n_cases(db_session, creditor.org_id) == 0
    assert db_session.scalar(select(func.count(ImportBatch.id))) == 0
