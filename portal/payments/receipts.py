"""The receipt of a payment: a PDF rendered from the case record, stored write-once in the evidence
store under its SHA-256, numbered per case, and audited with its hash."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from evidence import store, store_pdf
from notices import debtor_language
from portal import audit
from portal.cases import Case, Payment, PaymentSource, Position
from portal.extensions import db
from portal.payments.models import Receipt
from portal.types import to_ist, utcnow
from portal.web.labels import label

_HOW = {
    PaymentSource.CREDITOR: "Recorded by the creditor.",
    PaymentSource.DEBTOR_REPORT: "Reported by the debtor and confirmed by the creditor as received.",
    PaymentSource.GATEWAY: "Paid online; captured and reported by the payment gateway (Razorpay).",
}
_HOW_HI = {
    PaymentSource.CREDITOR: "लेनदार ने दर्ज किया।",
    PaymentSource.DEBTOR_REPORT: "देनदार ने सूचना दी और लेनदार ने प्राप्ति की पुष्टि की।",
    PaymentSource.GATEWAY: "ऑनलाइन भुगतान; भुगतान गेटवे (Razorpay) ने प्राप्त कर सूचना दी।",
}


def render(receipt: Receipt, case: Case, payment: Payment, due_after: Decimal, after: Position,
           language: str = "en") -> bytes:
    """The receipt in `language`: that of the notice served on the case (`issue`), "hi" or "en"."""
    from portal.pdf import render_pdf

    hindi = language == "hi"
    return render_pdf("pdf/receipt.hi.html" if hindi else "pdf/receipt.html", receipt=receipt, case=case,
                      payment=payment, due_after=due_after, as_of=after.as_of, after=after,
                      issued_ist=to_ist(receipt.issued_at),
                      method_label=label(payment.method, "hi") if hindi else payment.method.value.upper(),
                      how_recorded=(_HOW_HI if hindi else _HOW)[payment.source])


def issue(case: Case, payment: Payment, due_after: Decimal, after: Position, actor: Any | None) -> Receipt:
    """Number, render, store and audit the receipt of `payment` (the case is locked by the caller,
    so two receipts of one case cannot take the same number). `after` is the case's position with
    the payment counted, `due_after` its amount due: the figures every page shows."""
    count = db.session.scalar(select(func.count(Receipt.id)).where(Receipt.case_id == case.id)) or 0
    receipt = Receipt(case_id=case.id, payment_id=payment.id, number=f"{case.reference}-R{count + 1:03d}",
                      sha256="", issued_at=utcnow())
    # In the language the debtor was addressed in: the receipt concerns the claim its notice made.
    receipt.sha256 = store_pdf(render(receipt, case, payment, due_after, after, debtor_language(case)))
    db.session.add(receipt)
    db.session.flush()
    audit.record("payment.receipt_issued", actor=actor, case=case, payload={
        "receipt_id": receipt.id, "number": receipt.number, "payment_id": payment.id,
        "amount": payment.amount, "sha256": receipt.sha256})
    return receipt


def receipt_pdf(receipt: Receipt) -> bytes:

    with store().open(receipt.sha256) as fh:
        return fh.read()
