"""Hostile spreadsheets (issue 18, item 1 and 3): bombs, macros, encodings, limits, staging."""
from __future__ import annotations

import io
import os
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from portal import tabular
from portal.imports import services
from portal.imports.parsing import COLUMNS, ImportFileError, read_rows
from tests.imports.test_bulk_import import GOOD, csv_bytes, n_cases, upload

HEADER = "debtor_name,invoice_number,invoice_date,taxable_value\n"


def _xlsx(rows=(), header=COLUMNS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _bomb(expanded: int) -> bytes:
    """A valid-looking workbook whose shared strings expand to `expanded` bytes (deflate ~1000:1)."""
    base = zipfile.ZipFile(io.BytesIO(_xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for item in base.infolist():
            if item.filename != "xl/sharedStrings.xml":
                zf.writestr(item, base.read(item.filename))
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                       b'spreadsheetml/2006/main"><si><t>')
            chunk = b"A" * (1 << 20)
            for _ in range(expanded >> 20):
                part.write(chunk)
            part.write(b"</t></si></sst>")
    return out.getvalue()


def _staged_files(app) -> list[Path]:
    root = Path(app.config["INSTANCE_PATH"]) / "imports"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_an_xlsx_bomb_is_refused_from_its_directory_without_expanding(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_bomb(1536 << 20))  # 1.5 GiB of shared strings
    assert path.stat().st_size < 3 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(ImportFileError, match="expands far beyond its size"):
            read_rows(path, "bomb.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


def test_a_bomb_through_the_page_is_a_422_and_leaves_nothing(client, creditor, db_session, app):
    before = _staged_files(app)
    resp = upload(client, _bomb(200 << 20), "invoices.xlsx")
    assert resp.status_code == 422
    assert "expands far beyond its size" in resp.get_data(as_text=True)
    assert _staged_files(app) == before
    assert n_cases(db_session, creditor.org_id) == 0


def test_a_macro_workbook_renamed_xlsx_is_refused(tmp_path):
    data = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_xlsx([GOOD[0]]))) as src, zipfile.ZipFile(data, "w") as zf:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                body = body.replace(b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
            zf.writestr(item, body)
        zf.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 fake vba")
    path = tmp_path / "m.xlsx"
    path.write_bytes(data.getvalue())
    with pytest.raises(ImportFileError, match="contains macros"):
        read_rows(path, "m.xlsx")


def test_an_external_link_is_not_followed(tmp_path):
    data = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_xlsx([GOOD[0]]))) as src, zipfile.ZipFile(data, "w") as zf:
        for item in src.infolist():
            zf.writestr(item, src.read(item.filename))
        zf.writestr("xl/externalLinks/externalLink1.xml",
                    b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
        zf.writestr("xl/externalLinks/_rels/externalLink1.xml.rels",
                    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/externalLinkPath" Target="http://127.0.0.1:9/x.xlsx" TargetMode="External"/>'
                    b"</Relationships>")
    path = tmp_path / "linked.xlsx"
    path.write_bytes(data.getvalue())
    header, rows = read_rows(path, "linked.xlsx")
    assert [r["invoice_number"] for _, r in rows] == ["A-1"]


@pytest.mark.parametrize("data,name", [
    (HEADER.encode(), "a.csv"),
    (b"\xef\xbb\xbf" + HEADER.encode() + b",,,\n", "a.csv"),
    (None, "a.xlsx"),
])
def test_a_header_only_file_is_refused_like_an_empty_one(client, creditor, db_session, app, data, name):
    data = data if data is not None else _xlsx(header=["debtor_name", "invoice_number", "invoice_date",
                                                       "taxable_value"])
    before = _staged_files(app)
    resp = upload(client, data, name)
    assert resp.status_code == 422
    assert "no rows of invoices" in resp.get_data(as_text=True)
    assert _staged_files(app) == before


@pytest.mark.parametrize("encoding,prefix", [
    ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16", b""), ("cp1252", b""),
])
def test_csv_encodings_excel_writes_are_read_correctly(tmp_path, encoding, prefix):
    text = HEADER + "Café Résumé Traders – “Pune”,R-1,2026-01-05,1500\n"
    path = tmp_path / "a.csv"
    path.write_bytes(prefix + text.encode(encoding))  # Python's utf-16 codec writes its BOM
    header, rows = read_rows(path, "a.csv")
    [(line, row)] = list(rows)
    assert (line, row["debtor_name"], row["taxable_value"]) == (2, "Café Résumé Traders – “Pune”", "1500")


def test_a_csv_in_no_known_encoding_is_refused_with_its_name(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(HEADER.encode() + b"Bad \x81\x8d Co,1,2026-01-01,5\n")  # undefined in cp1252
    with pytest.raises(ImportFileError, match="neither UTF-8 nor Windows-1252"):
        list(read_rows(path, "a.csv")[1])


def test_utf16_without_a_bom_is_named(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(HEADER.encode("utf-16-le"))
    with pytest.raises(ImportFileError, match="UTF-16"):
        read_rows(path, "a.csv")


def test_columns_and_cells_are_bounded(tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_text(HEADER.rstrip("\n") + "," * 70 + "x\nA,1,2026-01-01,5\n")
    with pytest.raises(ImportFileError, match="columns are read"):
        read_rows(wide, "wide.csv")
    long = tmp_path / "long.csv"
    long.write_text(HEADER + "A" * 5000 + ",1,2026-01-01,5\n")
    with pytest.raises(ImportFileError, match="5,000 characters"):
        read_rows(long, "long.csv")


def test_too_many_rows_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("portal.imports.parsing.MAX_ROWS", 3)
    path = tmp_path / "a.csv"
    path.write_text(HEADER + "".join(f"A,{n},2026-01-01,5\n" for n in range(5)))
    header, rows = read_rows(path, "a.csv")
    with pytest.raises(ImportFileError, match="At most 3 rows"):
        list(rows)


def test_staging_belongs_to_the_organisation_and_expires(client, creditor, db_session, app):
    other_org = creditor.org_id + 1000
    with app.test_request_context():
        staged = services.stage(io.BytesIO(csv_bytes(GOOD)), "invoices.csv", creditor.org_id)
        assert services.find_staged(creditor.org_id, staged.sha256, "csv") == staged.path
        assert services.find_staged(other_org, staged.sha256, "csv") is None
        old = time.time() - 2 * 86400
        os.utime(staged.path, (old, old))
        assert services.find_staged(creditor.org_id, staged.sha256, "csv") is None
        assert services.sweep_staging() >= 1
        assert not staged.path.exists()


def test_another_organisation_cannot_confirm_a_staged_file_by_its_hash(client, creditor, db_session, app,
                                                                       auth):
    from tests.conftest import csrf_from
    from tests.factories import CreditorFactory

    with app.test_request_context():
        staged = services.stage(io.BytesIO(csv_bytes(GOOD)), "invoices.csv", creditor.org_id)
    intruder = CreditorFactory()
    auth.login_as(intruder)
    page = client.get("/imports/")
    resp = client.post("/imports/confirm", data={"csrf_token": csrf_from(page), "sha256": staged.sha256,
                                                 "suffix": "csv", "filename": "invoices.csv"})
    assert resp.status_code == 404
    assert n_cases(db_session, intruder.org_id) == 0


def test_export_cells_are_neutralised():
    cells = ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "plain", 5, -5, None]
    assert [tabular.export_cell(c) for c in cells] == [
        "'=HYPERLINK(\"http://x\")", "'+1", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", "plain", 5, -5, ""]
    text = tabular.csv_text(["a"], [["=cmd|' /C calc'!A0"]])
    assert text.splitlines()[1].startswith("'=cmd")
