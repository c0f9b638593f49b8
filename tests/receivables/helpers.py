"""Builders for the collections tests: a creditor with reminders on and a debtor's open invoice."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from portal.cases.models import ContactKind, Invoice, PartyContact
from portal.cases.states import CaseStatus
from portal.receivables.policies import policy_for
from tests.factories import CaseFactory, CreditorFactory, PartyFactory


def creditor_with_reminders(enabled: bool = True, **org):
    creditor = CreditorFactory(**({"organization__" + k: v for k, v in org.items()}))
    policy = policy_for(creditor.org_id)
    policy.enabled = enabled
    return creditor, policy


def invoice(number: str, due: date, total: str = "118000.00") -> Invoice:
    return Invoice(number=number, invoice_date=due - timedelta(days=30), due_date=due,
                   taxable_value=Decimal(total), gst_amount=Decimal("0.00"), total=Decimal(total))


def debtor_case(creditor, *invoices: Invoice, party=None, status=CaseStatus.FILED, mobile=True):
    if party is None:
        contacts = [PartyContact(kind=ContactKind.EMAIL, value="accounts@debtor.example.in", source="test",
                                 designated=True)]
        if mobile:
            contacts.append(PartyContact(kind=ContactKind.MOBILE, value="+919812345678", source="test"))
        party = PartyFactory(created_by_org_id=creditor.org_id, contacts=contacts)
    return CaseFactory(creditor=creditor.organization, debtor=party, _status=status,
                       created_by_id=creditor.id, invoices=list(invoices))
