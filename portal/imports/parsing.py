"""Reading an uploaded CSV or XLSX of unpaid invoices into rows of text, one dict per line.

The bytes are read by `portal.tabular`, which bounds what a hostile spreadsheet can cost."""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from portal import tabular

MAX_ROWS = 50_000
_LONGEST = tabular.DEFAULT.max_cell_chars

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
    if value.__class__ is str:  # every CSV cell
        return value.strip()
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
    """Return the recognised header and an iterator of (line number, row) pairs.

    The file is read through `portal.tabular` (limits checked before and while parsing); a file with
    a header and no rows is refused like an empty one.
    """
    suffix = Path(filename).suffix.lower()
    try:
        if suffix == ".xlsx":
            raw, close = tabular.xlsx_rows(path)
        elif suffix in (".csv", ".txt"):
            raw, close, _encoding = tabular.csv_rows(path)
        else:
            raise ImportFileError("Upload a .csv or .xlsx file (use the template).")
    except tabular.SheetRefused as exc:
        raise ImportFileError(str(exc)) from exc
    try:
        header = _header(list(next(raw, None) or []))
        first = _next_row(raw, header, 1)
    except (ImportFileError, tabular.SheetRefused) as exc:
        close()
        raise ImportFileError(str(exc)) from exc
    if first is None:
        close()
        raise ImportFileError("The file has the column names but no rows of invoices under them.")
    return header, _rows(raw, header, first, close)


def _next_row(raw: Iterator, header: list[str], line: int) -> tuple[int, dict[str, str]] | None:
    """The next non-blank row after `line`, as (its line number, {column: text}); None at the end."""
    for values in raw:
        line += 1
        if line - 1 > MAX_ROWS:
            raise ImportFileError(f"At most {MAX_ROWS:,} rows per file, please split it.")
        cells = [v.strip() if v.__class__ is str else _cell(v) for v in values]
        if cells and max(map(len, cells)) > _LONGEST:  # refused with the reason, as any sheet's cell is
            for cell in cells:
                tabular.check_cell(cell, where=f"on line {line}")
        if any(cells):
            return line, dict(zip(header, cells, strict=False))
    return None


def _rows(raw: Iterator, header: list[str], first: tuple[int, dict[str, str]], close):
    try:
        row: tuple[int, dict[str, str]] | None = first
        while row is not None:
            yield row
            row = _next_row(raw, header, row[0])
    except tabular.SheetRefused as exc:
        raise ImportFileError(str(exc)) from exc
    finally:
        close()


def _header(raw: list) -> list[str]:
    if not any(_cell(h) for h in raw):
        raise ImportFileError("The file is empty: its first row must name the columns. "
                              "Download the template to see them.")
    header = [_column(_cell(h)) for h in raw]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError("The first row must name the columns; missing: " + ", ".join(missing)
                              + ". Download the template to see the expected columns.")
    return header


def template_csv() -> str:
    return tabular.csv_text(COLUMNS, [[
                "Shree Garments LLP", "27AAPFU0939F1ZV", "", "accounts@shree.example", "9876543210",
                "Plot 12, MIDC Bhosari, Pune 411026", "KT/25-26/0101", "2026-01-15", "2026-01-18", "45",
                "", "185000.00", "9250.00", "194250.00", "commercial", "18", ""]])
