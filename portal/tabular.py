"""Spreadsheets in and out, safely: every CSV/XLSX the product reads or writes goes through here.

Reading (a file from a person is untrusted):
- an XLSX is a ZIP: before any XML is parsed its members are checked (count, each member's size and
  compression ratio, the total uncompressed size), so a "zip bomb" whose shared strings expand to
  gigabytes is refused from its directory alone; a macro-enabled workbook renamed .xlsx is refused;
  openpyxl then reads in streaming mode and never follows external links;
- rows, columns and cell lengths are bounded while reading;
- a CSV's encoding is decided from its bytes: UTF-8 (with or without BOM), UTF-16 with BOM, or
  Windows-1252 (what Excel's "CSV (Comma delimited)" writes on Windows); anything else is refused
  with a message that names what was found.
Writing: `export_cell` neutralises formulas (a cell starting with =, +, -, @, tab or CR is shown as
text by prefixing an apostrophe, OWASP's advice) in every CSV and XLSX the product writes.
"""
from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_rows: int = 50_000
    max_columns: int = 60
    max_cell_chars: int = 2_000
    max_members: int = 200
    max_member_bytes: int = 64 * MiB  # one XML part, uncompressed
    max_total_bytes: int = 160 * MiB  # all parts, uncompressed
    max_ratio: int = 150  # uncompressed / compressed, per member over 1 MiB


DEFAULT = Limits()


class SheetRefused(ValueError):
    """The file cannot be read safely or at all; the message says why and what to do."""


_MACRO_PARTS = ("xl/vbaProject.bin", "xl/vbaProjectSignature.bin")
_MACRO_TYPES = (b"macroEnabled", b"vnd.ms-excel.sheet.binary", b"vnd.ms-office.vbaProject")


def check_xlsx(path: Path, limits: Limits = DEFAULT) -> None:
    """Refuse a workbook that is not a plain .xlsx, or whose parts would expand beyond the limits."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise SheetRefused("This is not an Excel workbook (.xlsx). Save it from Excel as "
                                   "“Excel Workbook (*.xlsx)” or as CSV and upload again.")
            if len(members) > limits.max_members:
                raise SheetRefused(f"The workbook has {len(members):,} parts; at most "
                                   f"{limits.max_members:,} are read. Save it as CSV and upload that.")
            if any(name in names for name in _MACRO_PARTS) or any(
                    t in zf.read("[Content_Types].xml") for t in _MACRO_TYPES):
                raise SheetRefused("This workbook contains macros (it is an .xlsm or .xlsb renamed "
                                   ".xlsx). Save it as “Excel Workbook (*.xlsx)” without macros.")
    except zipfile.BadZipFile as exc:
        raise SheetRefused("This is not a readable .xlsx workbook.") from exc
    total = 0
    for m in members:
        total += m.file_size
        if m.file_size > limits.max_member_bytes or total > limits.max_total_bytes or (
                m.file_size > MiB and m.file_size > limits.max_ratio * max(m.compress_size, 1)):
            raise SheetRefused(
                "The workbook expands far beyond its size when opened (its part "
                f"“{m.filename}” alone is {m.file_size / MiB:,.0f} MB), so it is not read. "
                "Save the sheet as CSV and upload that instead.")


def _too_wide(limits: Limits) -> str:
    return f"At most {limits.max_columns} columns are read; remove the extra ones."


def xlsx_rows(path: Path, limits: Limits = DEFAULT) -> tuple[Iterator[tuple], Callable[[], None]]:
    """(rows of values from the first sheet, close) after `check_xlsx`; streaming, links not followed."""
    from openpyxl import load_workbook

    check_xlsx(path, limits)
    try:
        wb = load_workbook(path, read_only=True, data_only=True, keep_links=False, keep_vba=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise SheetRefused("This is not a readable .xlsx workbook.") from exc
    if not wb.worksheets:
        wb.close()
        raise SheetRefused("The workbook has no sheet to read.")
    ws = wb.worksheets[0]

    def rows() -> Iterator[tuple]:
        for values in ws.iter_rows(values_only=True, max_col=limits.max_columns + 1):
            extra = values[limits.max_columns:]
            if extra and any(v not in (None, "") for v in extra):
                raise SheetRefused(_too_wide(limits))
            yield values[: limits.max_columns]

    return rows(), wb.close


# --- CSV text ------------------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def csv_encoding(path: Path) -> str:
    """The encoding a CSV is read in, decided from its bytes; refused with a message naming it."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if b"\x00" in head:
        raise SheetRefused("This does not look like a CSV text file (it holds binary data, or UTF-16 "
                           "text without a byte-order mark). Save it from Excel as “CSV UTF-8” and "
                           "upload again.")
    for name in ("utf-8", "cp1252"):
        try:
            with path.open(encoding=name, errors="strict", newline="") as fh:
                while fh.read(1 << 20):
                    pass
            return name
        except UnicodeDecodeError:
            continue
    raise SheetRefused("This CSV is neither UTF-8 nor Windows-1252 (ANSI) text. Save it from Excel as "
                       "“CSV UTF-8 (Comma delimited)” and upload again.")


def encoding_label(name: str) -> str:
    return {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16",
            "cp1252": "Windows-1252 (ANSI)"}.get(name, name)


def csv_rows(path: Path, limits: Limits = DEFAULT) -> tuple[Iterator[list[str]], Callable[[], None], str]:
    """(rows of cells, close, encoding) of a CSV whose delimiter is sniffed (, ; or tab)."""
    encoding = csv_encoding(path)
    fh = path.open(encoding=encoding, newline="", errors="strict")
    try:
        sample = fh.read(8192)
        fh.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
    except UnicodeDecodeError as exc:
        fh.close()
        raise SheetRefused(f"This CSV is not valid {encoding_label(encoding)} text.") from exc
    # The csv module's own field limit (128 KiB) bounds one cell in memory; check_cell then applies ours.
    reader = csv.reader(fh, dialect)

    def rows() -> Iterator[list[str]]:
        try:
            for values in reader:
                if len(values) > limits.max_columns and any(v.strip() for v in values[limits.max_columns:]):
                    raise SheetRefused(_too_wide(limits))
                yield values[: limits.max_columns]
        except csv.Error as exc:
            raise SheetRefused(f"The CSV is malformed near line {reader.line_num}: {exc}.") from exc
        except UnicodeDecodeError as exc:
            raise SheetRefused(f"This CSV is not valid {encoding_label(encoding)} text.") from exc

    return rows(), fh.close, encoding


def check_cell(value: str, limits: Limits = DEFAULT, *, where: str = "") -> str:
    if len(value) > limits.max_cell_chars:
        raise SheetRefused(f"A cell{(' ' + where) if where else ''} holds {len(value):,} characters; at "
                           f"most {limits.max_cell_chars:,} are read.")
    return value


# --- writing -------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_cell(value: object) -> object:
    """A value safe to put in a CSV/XLSX cell that someone opens in a spreadsheet program.

    Numbers stay numbers (a negative amount is data, not a formula); text that a spreadsheet would
    run as a formula gets a leading apostrophe, which shows it as text.
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_text(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    """A CSV document (UTF-8 text; prefix a BOM when Excel users open it) with every cell neutralised."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([export_cell(h) for h in header])
    for row in rows:
        writer.writerow([export_cell(v) for v in row])
    return buf.getvalue()
