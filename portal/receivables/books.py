"""Reading outstanding invoices from the creditor's books: Tally's XML export of Bills Receivable,
Zoho Books' invoice export (CSV) and ERPNext's Sales Invoice report (CSV). Each gives the same
plain rows; book_sync.py applies them. Files are untrusted: CSVs go through portal.tabular's
hostile-spreadsheet reader, XML is refused if it declares a DTD or entities and is bounded in size."""
from __future__ import annotations

import enum
import re
import xml.etree.ElementTree as ET  # noqa: S405  (DTDs and entities refused before parsing, below)
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from portal.errors import DomainError
from portal.i18n import N_
from portal.tabular import SheetRefused, check_cell, csv_rows

MAX_XML_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000


@dataclass(frozen=True)
class Where:
    """Where in the file a refusal points: its English ("Row 5", "Bill 3") in the message, its
    catalogue message (`said`, with %(num)s) for the page."""

    said: str
    num: int

    def __str__(self) -> str:
        return self.said % {"num": self.num}


class BooksRefused(DomainError):
    """The file cannot be imported. The message is English (`str(exc)`); `said` and `values` are its
    catalogue message and the values put into it, so the page can say it in its own language
    (portal.receivables.books_views). A refusal of portal.tabular keeps its own text."""

    def __init__(self, said: str, **values: object) -> None:
        super().__init__(said % values if values else said)
        self.said, self.values = said, values


class Source(enum.StrEnum):
    TALLY = "tally"
    ZOHO = "zoho"
    ERPNEXT = "erpnext"


# English where they are recorded (book_sync's case events); a page says them with gettext.
LABELS = {Source.TALLY: N_("Tally (Bills Receivable, XML export)"),
          Source.ZOHO: N_("Zoho Books (Invoices export, CSV)"),
          Source.ERPNEXT: N_("ERPNext (Sales Invoice report, CSV)")}


@dataclass(frozen=True)
class BookInvoice:
    line: int
    debtor: str
    gstin: str | None
    email: str | None
    number: str
    invoice_date: date
    due_date: date | None
    total: Decimal
    outstanding: Decimal


_DATES = ("%d-%b-%Y", "%d-%b-%y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y%m%d")
_GSTIN = re.compile(r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")


def _date(value: str, where: Where) -> date:
    value = value.strip()
    for fmt in _DATES:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise BooksRefused(N_("%(where)s: “%(value)s” is not a date."), where=where, value=value[:40])


def _money(value: str, where: Where) -> Decimal:
    cleaned = value.replace(",", "").replace("₹", "").replace("INR", "").strip()
    if cleaned.endswith(("Dr", "Cr")):
        cleaned = cleaned[:-2].strip()
    try:
        amount = abs(Decimal(cleaned or "0")).quantize(Decimal("0.01"))
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount > Decimal("999999999999.99"):
        raise BooksRefused(N_("%(where)s: “%(value)s” is not an amount."), where=where, value=value[:40])
    return amount


def _gstin(value: str | None) -> str | None:
    value = (value or "").strip().upper()
    return value if _GSTIN.match(value) else None


def parse_tally(path: Path) -> list[BookInvoice]:
    """Tally's Bills Receivable export: under ENVELOPE, for each bill a BILLFIXED (BILLDATE, BILLREF,
    BILLPARTY), then BILLCL (the pending amount, negative for a debit) and BILLDUE. The report
    names the party ledger only, so the invoice total is the pending amount."""
    if path.stat().st_size > MAX_XML_BYTES:
        raise BooksRefused(N_("The XML file is larger than 20 MB."))
    raw = path.read_bytes()
    head = raw[:4096].upper()
    if b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in head:
        raise BooksRefused(N_("The XML file declares a DTD or entities; export it again from Tally."))
    try:
        root = ET.fromstring(raw)  # noqa: S314  (no DTD, no entities: checked above)
    except ET.ParseError as exc:
        raise BooksRefused(N_("This is not well-formed XML: %(error)s."), error=str(exc)) from None
    if root.tag.upper() != "ENVELOPE":
        raise BooksRefused(N_("This is not a Tally export (no ENVELOPE)."))
    out, current, n = [], None, 0
    for element in root:
        tag = element.tag.upper()
        if tag == "BILLFIXED":
            n += 1
            if n > MAX_ROWS:
                raise BooksRefused(N_("More than %(count)s bills."), count=f"{MAX_ROWS:,}")
            current = {"line": n, "date": element.findtext("BILLDATE") or "",
                       "ref": (element.findtext("BILLREF") or "").strip(),
                       "party": (element.findtext("BILLPARTY") or "").strip(), "due": "", "cl": ""}
            out.append(current)
        elif current is not None and tag == "BILLCL":
            current["cl"] = element.text or ""
        elif current is not None and tag == "BILLDUE":
            current["due"] = element.text or ""
    rows = []
    for c in out:
        where = Where(N_("Bill %(num)s"), c["line"])
        if not c["ref"] or not c["party"]:
            raise BooksRefused(N_("%(where)s: the bill has no reference or no party."), where=where)
        pending = _money(c["cl"], where)
        rows.append(BookInvoice(c["line"], check_cell(c["party"], where=str(where)), None, None,
                                check_cell(c["ref"], where=str(where))[:60], _date(c["date"], where),
                                _date(c["due"], where) if c["due"].strip() else None, pending, pending))
    return rows


# (column in the export, our field); the first header found of each tuple is used.
ZOHO = {"number": ("Invoice Number",), "date": ("Invoice Date",), "due": ("Due Date",),
        "debtor": ("Customer Name",), "total": ("Total",), "balance": ("Balance",),
        "gstin": ("GST Identification Number (GSTIN)", "GSTIN"), "email": ("Email", "Customer Email"),
        "status": ("Invoice Status",)}
ERPNEXT = {"number": ("ID", "Name", "Sales Invoice"), "date": ("Posting Date",), "due": ("Due Date",),
           "debtor": ("Customer Name", "Customer"), "total": ("Grand Total", "Rounded Total"),
           "balance": ("Outstanding Amount",), "gstin": ("Billing Address GSTIN", "Customer GSTIN", "Tax Id"),
           "email": ("Contact Email",), "status": ("Status",)}


def parse_csv(path: Path, columns: dict[str, tuple[str, ...]], name: str) -> list[BookInvoice]:
    try:
        rows, close, _ = csv_rows(path)
    except SheetRefused as exc:
        raise BooksRefused(str(exc)) from None
    try:
        try:
            header = [h.strip().lstrip("\ufeff") for h in next(rows)]
        except StopIteration:
            raise BooksRefused(N_("The file is empty.")) from None
        index = {}
        for field, names in columns.items():
            found = next((header.index(n) for n in names if n in header), None)
            if found is None and field not in ("gstin", "email", "status", "due"):
                raise BooksRefused(N_("This is not a %(name)s export: no column “%(column)s”."), name=name,
                                   column=names[0])
            index[field] = found
        out = []
        for n, values in enumerate(rows, start=2):
            if n > MAX_ROWS + 1:
                raise BooksRefused(N_("More than %(count)s rows."), count=f"{MAX_ROWS:,}")
            if not any(v.strip() for v in values):
                continue

            def cell(field: str, values=values, n=n) -> str:
                i = index[field]
                if i is None or i >= len(values):
                    return ""
                return check_cell(values[i].strip(), where=f"Row {n}")

            where = Where(N_("Row %(num)s"), n)
            if cell("status").lower() in ("draft", "void", "cancelled", "return"):
                continue
            number, debtor = cell("number")[:60], cell("debtor")
            if not number or not debtor:
                raise BooksRefused(N_("%(where)s: the invoice number or the customer is missing."),
                                   where=where)
            due = cell("due")
            out.append(BookInvoice(n, debtor, _gstin(cell("gstin")), cell("email") or None, number,
                                   _date(cell("date"), where), _date(due, where) if due else None,
                                   _money(cell("total"), where), _money(cell("balance"), where)))
        return out
    except SheetRefused as exc:
        raise BooksRefused(str(exc)) from None
    finally:
        close()


def parse(source: Source, path: Path) -> list[BookInvoice]:
    if source == Source.TALLY:
        return parse_tally(path)
    return parse_csv(path, ZOHO if source == Source.ZOHO else ERPNEXT, LABELS[source])
