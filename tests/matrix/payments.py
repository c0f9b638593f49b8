"""Payments: the debtor's pay page, UTR report and online payment; the creditor's list, confirm and
reject; receipts for every party; the organisation's UPI ID; the gateway's webhook (public)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from portal.cases.intake import today_ist
from portal.cases.models import PaymentMethod, PaymentSource
from portal.cases.states import CaseStatus
from portal.extensions import db
from portal.payments.models import PaymentReport, Receipt, ReportStatus
from tests.matrix.common import CREDITORS, NOBODY, ORG_ADMINS, VIEWERS, Probe, allow

S = CaseStatus


def served(w):
    return w.case(S.NOTICE_SERVED)


def reported(w) -> PaymentReport:
    """The debtor's UPI report on the served case, awaiting the creditor."""
    report = PaymentReport(case_id=served(w).id, amount=Decimal("100.00"), utr="412345678901",
                           paid_on=today_ist(), status=ReportStatus.REPORTED)
    db.session.add(report)
    db.session.flush()
    return report


def receipt(w) -> Receipt:
    """A confirmed payment on the served case, with its receipt."""
    from portal.payments.services import record

    case = served(w)
    db.session.refresh(case)   # as loaded from the database (the factory left its rate an int)
    payment = record(case, Decimal("100.00"), today_ist(), PaymentMethod.UPI, "412345678901",
                     PaymentSource.CREDITOR, w.creditor_admin, today_ist())
    return db.session.scalar(select(Receipt).where(Receipt.payment_id == payment.id))


ROUTES = {
    ("payments.pay", "GET"): Probe(lambda w: f"/d/{served(w).reference}/pay", {"debtor": 200}),
    ("payments.report_payment", "POST"): Probe(
        lambda w: f"/d/{served(w).reference}/pay/report", {"debtor": 302},
        form=lambda w: {"amount": "100.00", "utr": "412345678901", "paid_on": today_ist().isoformat()}),
    # No gateway is configured in the matrix: the debtor passes authorization and is told there is
    # no online payment (tests/payments/test_gateway.py pays through the fake Razorpay).
    ("payments.pay_online", "POST"): Probe(lambda w: f"/d/{served(w).reference}/pay/online", {"debtor": 404},
                                           form=lambda w: {}),
    ("payments.list_payments", "GET"): Probe(lambda w: f"/cases/{served(w).reference}/payments",
                                             allow(VIEWERS, 200)),
    ("payments.confirm", "POST"): Probe(
        lambda w: f"/cases/{served(w).reference}/payments/reports/{reported(w).id}/confirm",
        allow(CREDITORS, 302), form=lambda w: {}),
    ("payments.reject", "POST"): Probe(
        lambda w: f"/cases/{served(w).reference}/payments/reports/{reported(w).id}/reject",
        allow(CREDITORS, 302), form=lambda w: {"reason": "No such credit in our bank statement."}),
    ("payments.receipt", "GET"): Probe(
        lambda w: (lambda r: f"/cases/{r.case.reference}/payments/receipts/{r.id}.pdf")(receipt(w)),
        allow(VIEWERS, 200)),
    ("payments.edit_upi", "GET"): Probe(lambda w: "/organisation/upi", allow(ORG_ADMINS, 200),
                                        hidden_from=NOBODY),
    ("payments.edit_upi", "POST"): Probe(lambda w: "/organisation/upi", allow(ORG_ADMINS, 302),
                                         form=lambda w: {"upi_vpa": "kaveri@okaxis"}, hidden_from=NOBODY),
}

PUBLIC = {
    ("payments.razorpay_webhook", "POST"): "Razorpay's payment webhook, authenticated by its HMAC signature",
}
