"""Reading an uploaded CSV or XLSX of unpaid invoices into rows of text, one dict per line."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

MAX_ROWS = 50_000

COLUMNS = ["debtor_name", "debtor_gstin", "debtor_pan", "debtor_email", "debtor_mobile",
           "debtor_address", "invoice_number", "invoice_date", "delivery_date", "credit_days",
           "due_date", "taxable_value", "gst_amount", "total", "claim_type", "interest_rate",
           "advocate_email"]
REQUIRED = ["debtor_name", "invoice_number", "invoice_date", "taxable_value"]
ALIASES = {"debtor": "debtor_name", "buyer": "debtor_name", "buyer_name": "debtor_name",
           "gstin": "debtor_gstin", "pan": "debtor_pan", "email": "debtor_email",
           "mobile": "debtor_mobile", "phone": "debtor_mobile", "address": "debtor_address",
           "invoice_no": "invoice_number", "acceptance_date": "delivery_date", "gst": "gst_amount",
           "invoice_total": "total", "amount": "taxable_value", "advocate": "advocate_email"}


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why."""


def _column(name: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", (name or "").strip().lower()).strip("_")
    return ALIASES.get(key, key)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(path: Path, filename: str) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """Return the recognised header and an iterator of (line number, row) pairs."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    raise ImportFileError("Upload a .csv or .xlsx file (use the template).")


def _header(raw: list) -> list[str]:
    header = [_column(_cell(h)) for h in raw]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError("The first row must name the columns; missing: " + ", ".join(missing)
                              + ". Download the template to see the expected columns.")
    return header


def _read_csv(path: Path):
    raw = path.read_bytes()[:4096]
    if b"\x00" in raw:
        raise ImportFileError("This does not look like a CSV text file.")
    fh = path.open(newline="", encoding="utf-8-sig", errors="strict")
    try:
        sample = fh.read(4096)
        fh.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(fh, dialect)
        header = _header(next(reader, []))
    except UnicodeDecodeError as exc:
        fh.close()
        raise ImportFileError("Save the CSV as UTF-8 (Excel: CSV UTF-8) and upload again.") from exc
    except (csv.Error, ImportFileError):
        fh.close()
        raise

    def rows():
        try:
            for n, values in enumerate(reader, start=2):
                if n - 1 > MAX_ROWS:
                    raise ImportFileError(f"At most {MAX_ROWS:,} rows per file, please split it.")
                if any(v.strip() for v in values):
                    yield n, dict(zip(header, (v.strip() for v in values), strict=False))
        except UnicodeDecodeError as exc:
            raise ImportFileError("Save the CSV as UTF-8 (Excel: CSV UTF-8) and upload again.") from exc
        except csv.Error as exc:
            raise ImportFileError(f"The CSV is malformed near line {reader.line_num}: {exc}.") from exc
        finally:
            fh.close()

    return header, rows()


def _read_xlsx(path: Path):
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError("This is not a readable .xlsx workbook.") from exc
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    header = _header(list(next(it, []) or []))

    def rows():
        try:
            for n, values in enumerate(it, start=2):
                if n - 1 > MAX_ROWS:
                    raise ImportFileError(f"At most {MAX_ROWS:,} rows per file, please split it.")
                cells = [_cell(v) for v in values]
                if any(cells):
                    yield n, dict(zip(header, cells, strict=False))
        finally:
            wb.close()

    return header, rows()


def template_csv() -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COLUMNS)
    w.writerow(["Shree Garments LLP", "27AAPFU0939F1ZV", "", "accounts@shree.example", "9876543210",
                "12 Peenya, Bengaluru 560058", "KT/25-26/0101", "2026-01-15", "2026-01-18", "45",
                "", "185000.00", "9250.00", "194250.00", "commercial", "18", ""])
    return buf.getvalue()
