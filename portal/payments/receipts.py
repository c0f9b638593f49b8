"""The receipt of a payment: a PDF rendered from the case record, stored write-once in the evidence
store under its SHA-256, numbered per case, and audited with its hash."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from evidence import store, store_pdf
from portal import audit
from portal.cases import Case, Payment, PaymentSource, Position
from portal.extensions import db
from portal.payments.models import Receipt
from portal.types import to_ist, utcnow

_HOW = {
    PaymentSource.CREDITOR: "Recorded by the creditor.",
    PaymentSource.DEBTOR_REPORT: "Reported by the debtor and confirmed by the creditor as received.",
    PaymentSource.GATEWAY: "Paid online; captured and reported by the payment gateway (Razorpay).",
}


def render(receipt: Receipt, case: Case, payment: Payment, due_after: Decimal, after: Position) -> bytes:
    from portal.pdf import render_pdf

    return render_pdf("pdf/receipt.html", receipt=receipt, case=case, payment=payment,
                      due_after=due_after, as_of=after.as_of, after=after,
                      issued_ist=to_ist(receipt.issued_at),
                      method_label=payment.method.value.upper(), how_recorded=_HOW[payment.source])


def issue(case: Case, payment: Payment, due_after: Decimal, after: Position, actor: Any | None) -> Receipt:
    """Number, render, store and audit the receipt of `payment` (the case is locked by the caller,
    so two receipts of one case cannot take the same number). `after` is the case's position with
    the payment counted, `due_after` its amount due: the figures every page shows."""
    count = db.session.scalar(select(func.count(Receipt.id)).where(Receipt.case_id == case.id)) or 0
    receipt = Receipt(case_id=case.id, payment_id=payment.id, number=f"{case.reference}-R{count + 1:03d}",
                      sha256="", issued_at=utcnow())
    receipt.sha256 = store_pdf(render(receipt, case, payment, due_after, after))
    db.session.add(receipt)
    db.session.flush()
    audit.record("payment.receipt_issued", actor=actor, case=case, payload={
        "receipt_id": receipt.id, "number": receipt.number, "payment_id": payment.id,
        "amount": payment.amount, "sha256": receipt.sha256})
    return receipt


def receipt_pdf(receipt: Receipt) -> bytes:

    with store().open(receipt.sha256) as fh:
        return fh.read()
