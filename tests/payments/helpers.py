"""Builders for payment tests: a served case, its creditor and debtor, and form posts."""
from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from portal.cases.models import Invoice, Payment
from portal.cases.states import CaseStatus
from portal.extensions import db
from portal.payments.models import PaymentReport
from tests.conftest import csrf_for
from tests.factories import CaseFactory, CreditorFactory, DebtorUserFactory, PartyFactory


def served_case(total: Decimal = Decimal("40000.00"), *, vpa: str | None = "creditor@okhdfc"):
    """A commercial claim (no interest) for `total`, its notice served; the creditor's admin and a
    debtor with an account. Returns (case, creditor, debtor)."""
    case = CaseFactory(_status=CaseStatus.NOTICE_SERVED, invoices=[Invoice(
        number="INV-7", invoice_date=date(2026, 3, 2), due_date=date(2026, 4, 1),
        taxable_value=total, gst_amount=Decimal("0.00"), total=total)])
    case.creditor.upi_vpa = vpa
    creditor = CreditorFactory(organization=case.creditor)
    debtor = DebtorUserFactory()
    case.debtor.user_id = debtor.id
    db.session.flush()
    return case, creditor, debtor


def other_party_debtor(case):
    """A debtor with an account, of another party of the same creditor."""
    user = DebtorUserFactory()
    PartyFactory(created_by_org_id=case.creditor_org_id, user_id=user.id)
    return user


def post(client, path: str, **data):
    return client.post(path, data={"csrf_token": csrf_for(client), **data})


def report(client, case, amount="10000.00", utr="412345678901", paid_on="2026-11-20"):
    return post(client, f"/d/{case.reference}/pay/report", amount=amount, utr=utr, paid_on=paid_on)


def the_report(case, utr: str = "412345678901") -> PaymentReport:
    return db.session.scalar(select(PaymentReport).where(PaymentReport.case_id == case.id,
                                                         PaymentReport.utr == utr))


def count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return db.session.scalar(query)


def payments_of(case) -> list[Payment]:
    return list(db.session.scalars(select(Payment).where(Payment.case_id == case.id).order_by(Payment.id)))


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "receipt.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())
