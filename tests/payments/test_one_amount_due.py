"""One amount-due truth (issue 16, item 4): a case walked through a payment, a part admission and a
settlement shows the same figure on every surface of the case, the debtor and payments packages:
the creditor's case page, the debtor's page, the pay page, the creditor's payments page, the JSON
API, the newest receipt and the pay limit, all from `portal.cases.position.position`."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from arbitration.settlement import agreements, instalments
from arbitration.settlement.models import AgreementStatus
from arbitration.settlement.terms import SettlementTerms
from portal.cases.intake import today_ist
from portal.cases.models import Invoice
from portal.cases.position import position
from portal.cases.states import CaseStatus
from portal.debtor import responses
from portal.extensions import db
from portal.payments.dues import amount_due
from portal.payments.models import Receipt
from tests.factories import CaseFactory, CreditorFactory, DebtorUserFactory
from tests.payments.helpers import pdf_text, post, report, the_report

D = Decimal
SHOWN = re.compile(r'id="amount-due"[^>]*>(?:[^<]*<strong>)?\s*₹([\d,]+\.\d\d)', re.S)
RECEIPT_DUE = re.compile(r"(?:Amount still due|Still owed under the settlement agreement) on \d\d \w{3} \d{4} "
                         r"₹?\s?([\d,]+\.\d\d)")


def rupees(text: str) -> Decimal:
    return D(text.replace(",", ""))


def shown(client, path: str) -> Decimal:
    page = client.get(path)
    assert page.status_code == 200, path
    found = SHOWN.search(page.get_data(as_text=True))
    assert found, f"no amount due on {path}"
    return rupees(found.group(1))


def surfaces(client, auth, case, creditor, debtor, tmp_path) -> dict[str, Decimal]:
    """Every figure of "what is owed now" that these packages show, by surface."""
    ref = case.reference
    auth.login_as(creditor)
    out = {"case page": shown(client, f"/cases/{ref}"),
           "payments page": shown(client, f"/cases/{ref}/payments"),
           "api": D(client.get(f"/api/cases/{ref}").get_json()["position"]["due"])}
    receipt = db.session.scalars(select(Receipt).where(Receipt.case_id == case.id)
                                 .order_by(Receipt.id.desc())).first()
    if receipt is not None:
        pdf = client.get(f"/cases/{ref}/payments/receipts/{receipt.id}.pdf").data
        out["newest receipt"] = rupees(RECEIPT_DUE.search(pdf_text(pdf, tmp_path)).group(1))
    auth.login_as(debtor)
    out["debtor page"] = shown(client, f"/d/{ref}")
    out["pay page"] = shown(client, f"/d/{ref}/pay")
    out["pay limit"] = amount_due(case, today_ist())
    out["position"] = position(case, today_ist()).due
    return out


def confirm_report(client, auth, case, creditor, debtor, amount: str, utr: str, paid_on: date) -> None:
    auth.login_as(debtor)
    assert report(client, case, amount=amount, utr=utr, paid_on=paid_on.isoformat()).status_code == 302
    auth.login_as(creditor)
    done = post(client, f"/cases/{case.reference}/payments/reports/{the_report(case, utr).id}/confirm")
    assert done.status_code == 302


def test_payment_admission_and_settlement_show_one_figure_everywhere(client, auth, db_session, tmp_path):
    today = today_ist()
    case = CaseFactory(_status=CaseStatus.NOTICE_SERVED, invoices=[
        Invoice(number="INV-7", invoice_date=date(2026, 3, 2), due_date=date(2026, 4, 1),
                taxable_value=D("25000.00"), gst_amount=D("0.00"), total=D("25000.00")),
        Invoice(number="INV-8", invoice_date=date(2026, 3, 9), due_date=date(2026, 4, 8),
                taxable_value=D("15000.00"), gst_amount=D("0.00"), total=D("15000.00"))])
    case.creditor.upi_vpa = "creditor@okhdfc"
    creditor = CreditorFactory(organization=case.creditor)
    debtor = DebtorUserFactory()
    case.debtor.user_id = debtor.id
    db.session.flush()
    assert set(surfaces(client, auth, case, creditor, debtor, tmp_path).values()) == {D("40000.00")}

    # 1. A part payment, reported by the debtor and confirmed: every surface, the receipt included.
    confirm_report(client, auth, case, creditor, debtor, "10000.00", "412345678901", today - timedelta(days=10))
    after_payment = surfaces(client, auth, case, creditor, debtor, tmp_path)
    assert set(after_payment.values()) == {D("30000.00")}, after_payment

    # 2. A part admission: the debtor accepts INV-8 and disputes INV-7. The claim stands, so the
    #    figure owed does not move on any surface (the admission is shown as an answer).
    inv8 = next(i for i in case.invoices if i.number == "INV-8")
    admission = responses.admit_part(debtor, case, admitted_ids=[inv8.id], reason="quality",
                                     text="The first lot was damaged in transit.")
    assert admission.admitted_amount == D("15000.00") and case.status == CaseStatus.IN_NEGOTIATION
    after_admission = surfaces(client, auth, case, creditor, debtor, tmp_path)
    assert set(after_admission.values()) == {D("30000.00")}, after_admission

    # 3. A settlement of ₹24,000 in two instalments, signed: it replaces the claim everywhere.
    terms = SettlementTerms.build(D("24000"), [(today + timedelta(days=10), "12000"),
                                               (today + timedelta(days=40), "12000")], today=today)
    agreement = agreements.create_agreement(case, terms, source="offer", actor=creditor)
    agreement.status = AgreementStatus.SIGNED   # the signing ceremony is tested in tests/settlement
    instalments.create_rows(agreement)
    case._status = CaseStatus.SETTLED
    db.session.flush()
    under_settlement = surfaces(client, auth, case, creditor, debtor, tmp_path)
    del under_settlement["newest receipt"]   # issued before the settlement: its figure was right then
    assert set(under_settlement.values()) == {D("24000.00")}, under_settlement
    auth.login_as(debtor)
    page = client.get(f"/d/{case.reference}").get_data(as_text=True)
    assert "Pay in full" not in page and "Still owed under your settlement agreement" in page
    assert re.search(r'id="next-instalment">₹12,000\.00 due on', page)

    # 4. The first instalment paid: every surface, and its receipt speaks of the settlement.
    confirm_report(client, auth, case, creditor, debtor, "12000.00", "412345678902", today)
    after_instalment = surfaces(client, auth, case, creditor, debtor, tmp_path)
    assert set(after_instalment.values()) == {D("12000.00")}, after_instalment
    receipt = db.session.scalars(select(Receipt).where(Receipt.case_id == case.id)
                                 .order_by(Receipt.id.desc())).first()
    auth.login_as(creditor)
    text = pdf_text(client.get(f"/cases/{case.reference}/payments/receipts/{receipt.id}.pdf").data, tmp_path)
    assert "no further interest runs" in text
    assert re.search(r"Next instalment: ₹12,000\.00, due on \d\d \w{3} \d{4}", text)
