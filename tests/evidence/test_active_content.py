"""Exhibits carry nothing active and are one file each (issue 18, item 2): PDFs with JavaScript,
open actions, launch actions, attachments or XFA; polyglots; HTML; hostile file names."""
from __future__ import annotations

import io
import zipfile

import pikepdf
import pytest

from evidence.active_content import pdf_problem, polyglot_problem
from evidence.uploads import sanitize_filename
from tests.evidence.test_uploads import stored_state, upload
from tests.pdfs import PDF


def _pdf(change) -> bytes:
    pdf = pikepdf.open(io.BytesIO(PDF))
    change(pdf)
    out = io.BytesIO()
    pdf.save(out, static_id=True)
    return out.getvalue()


def _open_action_js(pdf):
    pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)"))


def _names_js(pdf):
    action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("1")))
    pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(Names=pikepdf.Array(["a", action])))


def _launch_link(pdf):
    annot = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 100, 100],
                               A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe")))
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(annot)]))


def _attachment(pdf):
    pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ not really", filename="payload.exe")


def _xfa(pdf):
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=pdf.make_stream(b"<xdp/>"))


def _page_actions(pdf):
    pdf.pages[0].obj.AA = pikepdf.Dictionary(
        O=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("http://x.example")))


def _destination_only(pdf):  # /OpenAction as a page to open at is not an action
    pdf.Root.OpenAction = pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit])


@pytest.mark.parametrize("change,message", [
    (_open_action_js, "runs an action when it is opened"),
    (_names_js, "contains JavaScript"),
    (_launch_link, "launches a program"),
    (_attachment, "carries attached files"),
    (_xfa, "XFA form"),
    (_page_actions, "runs actions when a page"),
])
def test_each_active_pdf_feature_is_refused(tmp_path, change, message):
    path = tmp_path / "x.pdf"
    path.write_bytes(_pdf(change))
    assert message in (pdf_problem(path) or "")


def test_a_plain_pdf_and_one_that_opens_at_a_page_are_accepted(tmp_path):
    for i, data in enumerate([PDF, _pdf(_destination_only)]):
        path = tmp_path / f"{i}.pdf"
        path.write_bytes(data)
        assert pdf_problem(path) is None


def test_password_protected_and_damaged_pdfs_are_refused(tmp_path):
    locked = io.BytesIO()
    pikepdf.open(io.BytesIO(PDF)).save(locked, encryption=pikepdf.Encryption(owner="o", user="u"))
    (tmp_path / "locked.pdf").write_bytes(locked.getvalue())
    assert "password-protected" in pdf_problem(tmp_path / "locked.pdf")
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4\nnot a pdf at all")
    assert "damaged" in pdf_problem(tmp_path / "bad.pdf")


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hidden.html", "<script>alert(1)</script>")
    return buf.getvalue()


def test_polyglots_are_refused(tmp_path):
    path = tmp_path / "p.pdf"
    path.write_bytes(PDF + _zip_bytes())  # a PDF that is also a ZIP archive
    assert "also contains a ZIP" in polyglot_problem(path, PDF[:8192], "pdf")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16 + b"%PDF-1.4 hidden"
    (tmp_path / "p.png").write_bytes(png)
    assert "also contains a PDF" in polyglot_problem(tmp_path / "p.png", png, "png")


@pytest.mark.parametrize("data,name,message", [
    (None, "report.pdf", "runs an action when it is opened"),
    (PDF + _zip_bytes(), "invoice.pdf", "also contains a ZIP"),
    (b"<!DOCTYPE html><html><body><script>alert(1)</script>", "ledger.txt", "web-page code"),
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>\n", "note.txt", "web-page code"),
])
def test_refused_exhibits_are_a_422_with_the_reason_and_leave_nothing(client, setup, db_session, app,
                                                                       data, name, message):
    _, case = setup
    data = data if data is not None else _pdf(_open_action_js)
    before = stored_state(db_session, app)
    resp = upload(client, case, data, name)
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert stored_state(db_session, app) == before


@pytest.mark.parametrize("raw,expected", [
    ("CON.pdf", "_CON.pdf"),
    ("nul.txt.pdf", "_nul.txt.pdf"),
    ("com1.pdf", "_com1.pdf"),
    ("console.pdf", "console.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.pdf"),
    ("bill\u2066\u2069 \u200f12.pdf", "bill 12.pdf"),
    ("ledger.pdf.", "ledger.pdf.pdf"),
])
def test_reserved_and_bidirectional_names_are_made_harmless(raw, expected):
    assert sanitize_filename(raw, "pdf") == expected
