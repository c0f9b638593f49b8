"""Turn parsed rows into a plan: per-row errors, duplicates, and the cases that would be created."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from portal import money
from portal.accounts import Organization, User
from portal.cases import (
    Case,
    CaseFacts,
    ClaimType,
    DebtorFacts,
    FactsInvalid,
    Invoice,
    InvoiceFacts,
    Party,
    check_facts,
    engaged_advocates,
)
from portal.database import key_lists, one_of
from portal.extensions import db
from portal.identifiers import InvalidIdentifier, normalize_gstin, normalize_mobile, normalize_pan

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CLAIM = {"": ClaimType.COMMERCIAL_INVOICE, "commercial": ClaimType.COMMERCIAL_INVOICE,
          "msmed": ClaimType.MSMED_INVOICE, "msme": ClaimType.MSMED_INVOICE,
          "commercial_invoice": ClaimType.COMMERCIAL_INVOICE, "msmed_invoice": ClaimType.MSMED_INVOICE}


@dataclass
class RowError:
    line: int
    column: str
    message: str


@dataclass
class PlannedCase:
    key: str
    facts: CaseFacts
    lines: list[int] = field(default_factory=list)
    advocate: User | None = None  # from the advocate_email column: an advocate the org engaged

    @property
    def total(self) -> Decimal:
        return sum((i.taxable_value + i.gst_amount for i in self.facts.invoices), Decimal("0"))


@dataclass
class ImportPlan:
    rows: int = 0
    cases: list[PlannedCase] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    duplicates: list[tuple[int, str]] = field(default_factory=list)

    @property
    def invoices(self) -> int:
        return sum(len(c.facts.invoices) for c in self.cases)

    @property
    def error_lines(self) -> int:
        return len({e.line for e in self.errors})


def parse_date(raw: str) -> date:
    if len(raw) == 10 and raw[4] == raw[7] == "-":  # YYYY-MM-DD, the template's form
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass  # the formats below say why
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError("Write dates as YYYY-MM-DD or DD/MM/YYYY.")


def parse_amount(raw: str) -> Decimal:
    """An amount cell, by the product's one money parser (MoneyInvalid is a ValueError)."""
    return money.parse_amount(raw, what="The amount")


_LOOKUP_CHUNK = 1_000  # invoice numbers per lookup statement on SQLite (an IN list of at most 1,000)


def debtor_key(gstin: str | None, name: str) -> str:
    return gstin or "name:" + " ".join(name.casefold().split())


def _existing_keys(org_id: int, gstins: set[str], numbers: set[str], named_numbers: set[str]
                   ) -> set[tuple[str, str]]:
    """(debtor key, invoice number) of the organisation's invoices that rows of the file could
    repeat: those of its debtors with a GSTIN the file names (the debtors found by GSTIN, then
    their cases, then those cases' invoices, each by index) whose number is in `numbers`; and, for
    the file's debtors known by name alone, its invoices of debtors without a GSTIN numbered as
    those rows are (`named_numbers`, found by number).

    Not every invoice anywhere that carries one of the file's numbers: numbers such as INV/0001
    recur across creditors and across a creditor's own years, and reading them all would grow with
    the database rather than with the file."""
    found: set[tuple[str, str]] = set()
    # The debtors first, then their cases: as one join, PostgreSQL would rather read every case of
    # a large organisation than probe its debtors' cases one by one.
    party_gstin: dict[int, str] = {}
    for chunk in key_lists(gstins, _LOOKUP_CHUNK):
        party_gstin.update(db.session.execute(
            select(Party.id, Party.gstin).where(one_of(Party.gstin, chunk))).all())
    gstin_of: dict[int, str] = {}
    for chunk in key_lists(party_gstin, _LOOKUP_CHUNK):
        gstin_of.update((case_id, party_gstin[party_id]) for case_id, party_id in db.session.execute(
            select(Case.id, Case.debtor_party_id).where(Case.creditor_org_id == org_id,
                                                       one_of(Case.debtor_party_id, chunk))))
    # By case only, the numbers checked here: an index of (case, number) probed with both lists
    # would be probed once for every pair of them.
    for chunk in key_lists(gstin_of, _LOOKUP_CHUNK):
        found.update((gstin_of[case_id], number) for case_id, number in db.session.execute(
            select(Invoice.case_id, Invoice.number).where(one_of(Invoice.case_id, chunk)))
            if number in numbers)
    for chunk in key_lists(named_numbers, _LOOKUP_CHUNK):
        found.update((debtor_key(None, name), number) for name, number in db.session.execute(
            select(Party.legal_name, Invoice.number)
            .join(Case, Case.debtor_party_id == Party.id).join(Invoice, Invoice.case_id == Case.id)
            .where(Case.creditor_org_id == org_id, Party.gstin.is_(None), one_of(Invoice.number, chunk))))
    return found


def parse_credit_days(raw: str) -> int:
    if not raw.isdigit():
        raise ValueError("Credit days must be a whole number.")
    return int(raw)


@dataclass(frozen=True)
class _Refused:
    message: str


# Parsers whose answer depends on the text alone, asked once per distinct text in a file: a debtor's
# identifiers repeat on each of its invoices, and a ledger's dates and terms repeat across rows.
# (Amounts rarely repeat; they are parsed each time.)
_REMEMBERED = frozenset({normalize_gstin, normalize_pan, normalize_mobile, parse_date, parse_credit_days})


def _value(row: dict[str, str], column: str, parse, required: bool, seen: dict,
           problems: list[tuple[str, str]]):
    """The cell parsed (None when empty or refused, the reason added to `problems`)."""
    raw = (row.get(column) or "").strip()
    if not raw:
        if required:
            problems.append((column, "This column is required."))
        return None
    if parse is None:
        return raw
    remember = parse in _REMEMBERED
    value = seen.get((parse, raw)) if remember else None
    if value is None:
        try:
            value = parse(raw)
        except (ValueError, InvalidIdentifier) as exc:
            value = _Refused(str(exc))
        if remember:
            seen[(parse, raw)] = value
    if isinstance(value, _Refused):
        problems.append((column, value.message))
        return None
    return value


_DEBTOR = ("debtor_name", "debtor_gstin", "debtor_pan", "debtor_email", "debtor_mobile")


def _debtor(row: dict[str, str], seen: dict) -> tuple:
    """(name, gstin, pan, email, mobile, problems) of the row's debtor cells: the same on each of
    a debtor's invoices, so worked out once per distinct set of cells."""
    key = tuple(row.get(column) for column in _DEBTOR)
    found = seen.get(key)
    if found is None:
        problems: list[tuple[str, str]] = []
        name = _value(row, "debtor_name", None, True, seen, problems)
        gstin = _value(row, "debtor_gstin", normalize_gstin, False, seen, problems)
        pan = _value(row, "debtor_pan", normalize_pan, False, seen, problems)
        email = _value(row, "debtor_email", None, False, seen, problems)
        if email and not _EMAIL.match(email):
            problems.append(("debtor_email", f"“{email}” is not a valid e-mail address."))
            email = None
        mobile = _value(row, "debtor_mobile", normalize_mobile, False, seen, problems)
        found = seen[key] = (name, gstin, pan, email, mobile, tuple(problems))
    return found


def _parse_row(line: int, row: dict[str, str], errors: list[RowError], seen: dict | None = None):
    seen = {} if seen is None else seen
    name, gstin, pan, email, mobile, debtor_problems = _debtor(row, seen)
    problems = list(debtor_problems)

    def get(column: str, parse=None, required=False):
        return _value(row, column, parse, required, seen, problems)

    number = get("invoice_number", required=True)
    inv_date = get("invoice_date", parse_date, required=True)
    taxable = get("taxable_value", parse_amount, required=True)
    credit = get("credit_days", parse_credit_days)
    claim_raw = (row.get("claim_type") or "").strip().lower()
    claim = _CLAIM.get(claim_raw)
    if claim is None:
        problems.append(("claim_type", "Use “commercial” or “msmed”."))
    inv = None
    if name and number and inv_date and taxable is not None and claim is not None:
        inv = InvoiceFacts(number=number, invoice_date=inv_date, taxable_value=taxable,
                           gst_amount=get("gst_amount", parse_amount) or Decimal("0"),
                           total=get("total", parse_amount),
                           acceptance_date=get("delivery_date", parse_date), credit_days=credit,
                           due_date=get("due_date", parse_date))
    rate = get("interest_rate", parse_amount)
    errors.extend(RowError(line, column, message) for column, message in problems)
    return name, gstin, pan, email, mobile, claim, rate, inv


def _advocate(line: int, row: dict[str, str], pool: dict[str, User], errors: list[RowError]) -> User | None:
    """The row's advocate_email: empty, or an advocate the organisation engaged (else a row error)."""
    raw = (row.get("advocate_email") or "").strip()
    if not raw:
        return None
    advocate = pool.get(raw.lower())
    if advocate is None:
        errors.append(RowError(line, "advocate_email", f"“{raw[:254]}” is not the e-mail address of an "
                               "advocate your organisation has engaged. Invite them from the Team page "
                               "first, or leave the column empty."))
    return advocate


def plan_import(org: Organization, rows: Iterable[tuple[int, dict[str, str]]], today: date) -> ImportPlan:
    plan = ImportPlan()
    rows = list(rows)
    seen: dict = {}
    gstins, numbers, named_numbers = set(), set(), set()
    for _, row in rows:  # the debtors' cells are worked out once each, here or below
        number = (row.get("invoice_number") or "").strip()
        gstin = _debtor(row, seen)[1]
        if not number:
            continue
        numbers.add(number)
        if gstin:
            gstins.add(gstin)
        else:
            named_numbers.add(number)
    existing = _existing_keys(org.id, gstins, numbers, named_numbers)
    pool = {a.email.lower(): a for a in engaged_advocates(org.id)}
    groups: dict[str, PlannedCase] = {}
    for line, row in rows:
        plan.rows += 1
        before = len(plan.errors)
        name, gstin, pan, email, mobile, claim, rate, inv = _parse_row(line, row, plan.errors, seen)
        advocate = _advocate(line, row, pool, plan.errors)
        if inv is None or len(plan.errors) > before:
            continue
        key = debtor_key(gstin, name)
        if (key, inv.number) in existing:
            plan.duplicates.append((line, inv.number))
            continue
        group = groups.get(key)
        if group is None:
            group = groups[key] = PlannedCase(key, CaseFacts(
                debtor=DebtorFacts(legal_name=name, gstin=gstin, pan=pan,
                                   postal_address=row.get("debtor_address", "").strip()),
                invoices=[], claim_type=claim, stated_interest_rate=rate))
        elif group.facts.claim_type != claim:
            plan.errors.append(RowError(line, "claim_type", "All invoices of one debtor must have "
                                                             "the same claim type."))
            continue
        elif advocate is not None and group.advocate not in (None, advocate):
            plan.errors.append(RowError(line, "advocate_email", "All invoices of one debtor go into one "
                                        f"case with one advocate: this row names {advocate.email}, an "
                                        f"earlier row {group.advocate.email}."))
            continue
        if advocate is not None:
            group.advocate = advocate
        d = group.facts.debtor
        if email and email.lower() not in d.emails:
            d.emails.append(email.lower())
        if mobile and mobile not in d.mobiles:
            d.mobiles.append(mobile)
        group.facts.invoices.append(inv)
        group.lines.append(line)
    for group in groups.values():
        _check_group(group, org, today, plan)
    return plan


def _check_group(group: PlannedCase, org: Organization, today: date, plan: ImportPlan) -> None:
    """Whole-case rules (totals, dates, MSMED eligibility); failing rows leave the group."""
    try:
        check_facts(group.facts, org, today)
    except FactsInvalid as exc:
        bad_idx: set[int] = set()
        for path, messages in exc.errors.items():
            parts = path.split(".")
            if parts[0] == "invoices" and len(parts) >= 2 and parts[1].isdigit():
                idx = int(parts[1])
                bad_idx.add(idx)
                column = parts[2] if len(parts) > 2 else "invoice"
                plan.errors.extend(RowError(group.lines[idx], column, m) for m in messages)
            else:
                bad_idx.update(range(len(group.lines)))
                plan.errors.extend(RowError(ln, path.replace("debtor.", "debtor_"), m)
                                   for ln in group.lines for m in messages)
        keep = [i for i in range(len(group.lines)) if i not in bad_idx]
        group.facts.invoices = [group.facts.invoices[i] for i in keep]
        group.lines = [group.lines[i] for i in keep]
    if group.facts.invoices:
        plan.cases.append(group)

