"""The MSMED Act statutory route (s.18): the fields the MSME ODR portal's application asks for
(supplier with its Udyam registration, buyer, invoices, amounts, s.16 interest), as plain JSON
values, and the invoices as a neutralised CSV. The filing pack (filing_pack.py) builds on them.
"""
from __future__ import annotations

from datetime import date

from portal import tabular
from portal.cases import Case, ClaimType, compute_case
from portal.errors import DomainError
from portal.rates import rate_table

INVOICE_COLUMNS = ("invoice_number", "invoice_date", "acceptance_date", "due_date", "amount",
                   "principal_outstanding", "interest_s16", "interest_outstanding", "total_due")


def _money(value) -> str:
    return f"{value:.2f}"


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def summary(case: Case, today: date) -> dict:
    """The application's fields, as plain JSON values (money as strings to the paisa)."""
    if case.claim_type != ClaimType.MSMED_INVOICE or not case.creditor.msmed_eligible:
        raise DomainError("The MSMED Act export is for a micro or small enterprise's invoice claim, "
                          "with its Udyam registration on record.")
    org, debtor = case.creditor, case.debtor
    category = org.enterprise_category.value if org.enterprise_category else None
    computation = compute_case(case, today, rate_table=rate_table())
    by_number = {inv.number: inv for inv in case.invoices}
    invoices = []
    for c in computation.invoices:
        inv = by_number[c.number]
        invoices.append({
            "invoice_number": c.number, "invoice_date": _day(inv.invoice_date),
            "acceptance_date": _day(inv.acceptance_date), "due_date": _day(c.due_date),
            "amount": _money(c.amount), "principal_outstanding": _money(c.principal_outstanding),
            "interest_s16": _money(c.interest), "interest_outstanding": _money(c.interest_outstanding),
            "total_due": _money(c.total_due)})
    return {
        "reference": case.reference, "prepared_on": today.isoformat(),
        "route": "MSMED Act 2006 s.18: MSME ODR portal, then the Micro and Small Enterprise "
                 "Facilitation Council",
        "supplier": {"name": org.legal_name, "udyam_number": org.udyam_number,
                     "udyam_registered_on": _day(org.udyam_registered_on),
                     "enterprise_category": category,
                     "gstin": org.gstin, "pan": org.pan, "address": org.address},
        "buyer": {"name": debtor.legal_name, "gstin": debtor.gstin, "address": debtor.postal_address,
                  "email": [c.value for c in debtor.contacts if c.kind.value == "email"],
                  "mobile": [c.value for c in debtor.contacts if c.kind.value == "mobile"]},
        "invoices": invoices,
        "amounts": {"principal": _money(computation.principal),
                    "received": _money(computation.paid_to_interest + computation.paid_to_principal),
                    "principal_outstanding": _money(computation.principal_outstanding),
                    "interest_s16": _money(computation.interest),
                    "interest_outstanding": _money(computation.interest_outstanding),
                    "total_due": _money(computation.total_due)},
        "interest_basis": "s.16: compound interest with monthly rests at three times the RBI bank rate, "
                          "from the day after the due date",
        "bank_rates_used": [{"from": _day(r.effective_from), "rate_percent": str(r.rate_percent)}
                            for r in computation.rates_used],
    }


def _csv(data: dict) -> str:
    """The invoices for the council's portal, every cell neutralised (portal.tabular)."""
    return tabular.csv_text(INVOICE_COLUMNS, [[row[k] or "" for k in INVOICE_COLUMNS]
                                              for row in data["invoices"]])
