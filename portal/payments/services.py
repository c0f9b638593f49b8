"""Payment use-cases: the debtor reports a UPI or bank transfer by its UTR, the creditor confirms or
rejects the report, and every confirmed payment (also the gateway's) becomes a Payment with a receipt,
the `payment_confirmed` signal and, once nothing is due, the case marked paid.

Services take the actor explicitly (a LinkGuest debtor has no user id), flush and never commit.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, select

from portal import audit, lifecycle, money
from portal.adapters import validate_utr
from portal.cases import Case, Payment, PaymentMethod, PaymentSource, case_position, fire, transition_for
from portal.database import referenced
from portal.errors import DomainError
from portal.extensions import db
from portal.formatting import day, rupees
from portal.i18n import gettext, language
from portal.payments.dues import amount_due, known
from portal.payments.models import GatewayEvent, GatewayLink, PaymentReport, Receipt
from portal.payments.receipts import issue
from portal.payments.signals import payment_confirmed
from portal.payments.states import REPORT, ReportStatus
from portal.types import PAISA, utcnow

REASON_MIN, REASON_MAX = 5, 1000


class PaymentInvalid(DomainError):
    """The input breaks a rule; `field` names the form field the message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def lock(case: Case) -> None:
    """Row-lock the case (as transitions.fire does) so that two payments are checked against the
    amount due one after the other, never both against the same figure."""
    db.session.flush()
    db.session.refresh(case, with_for_update={"key_share": True})
    db.session.expire(case, ["payments"])   # read them again now the lock is held


def check_amount(amount: Any, due: Decimal, field: str = "amount") -> Decimal:
    """A positive rupee amount in whole paise, at most what is due."""
    try:
        value = money.parse_amount(amount, minimum=PAISA)
    except money.MoneyInvalid as exc:
        raise PaymentInvalid(field, str(exc)) from None
    if due <= 0:
        raise PaymentInvalid(field, gettext("Nothing is due on this case now."))
    if value > due:
        raise PaymentInvalid(field, gettext("That is more than the %(due)s due today.",
                                           due=rupees(due, language())))
    return value.quantize(PAISA)


def method_for(utr: str) -> PaymentMethod:
    """A 12-digit reference is a UPI (or IMPS) RRN; a 22-character UTR is RTGS; 16 is NEFT."""
    if len(utr) == 12 and utr.isdigit():
        return PaymentMethod.UPI
    return PaymentMethod.RTGS if len(utr) == 22 else PaymentMethod.NEFT


def utr_used(case: Case, utr: str) -> bool:
    return bool(db.session.scalar(select(
        exists().where(PaymentReport.case_id == case.id, PaymentReport.utr == utr)
        | exists().where(Payment.case_id == case.id, Payment.reference == utr))))


def report_payment(actor: Any, case: Case, amount: Any, utr: str, paid_on: date | None,
                   today: date) -> PaymentReport:
    """The debtor says it paid `amount` on `paid_on` with this UTR; the creditor is to confirm."""
    lock(case)
    try:
        utr = validate_utr(utr or "")
    except ValueError as exc:
        raise PaymentInvalid("utr", str(exc)) from None
    if paid_on is None:
        raise PaymentInvalid("paid_on", gettext("Give the date you paid."))
    if paid_on > today:
        raise PaymentInvalid("paid_on", gettext("The date you paid cannot be in the future."))
    first_invoice = min((i.invoice_date for i in case.invoices), default=None)
    if first_invoice is not None and paid_on < first_invoice:
        raise PaymentInvalid("paid_on", gettext("That is before the first invoice (%(day)s).",
                                                day=day(first_invoice, language())))
    value = check_amount(amount, amount_due(case, today))
    if utr_used(case, utr):
        raise PaymentInvalid("utr", gettext("A payment with reference %(utr)s is already on record for this "
                                            "case.", utr=utr))
    link_id = getattr(actor, "link_id", None)
    report = PaymentReport(case_id=case.id, amount=value, utr=utr, paid_on=paid_on,
                           reported_by_id=actor.id, debtor_link_id=link_id)
    # Its creation keeps its established event and payload (report_id), so begin() audits nothing.
    lifecycle.begin(REPORT, report, ReportStatus.REPORTED, actor, action=None)
    db.session.flush()
    audit.record("payment.reported", actor=actor, case=case, payload={
        "report_id": report.id, "amount": value, "utr": utr, "paid_on": paid_on,
        "debtor_link_id": link_id})
    return report


def _decidable(report: PaymentReport, action: str) -> None:
    """Refuse a report already decided (re-read after the case lock: another request may just have
    decided it) in the creditor's words, before the amount is checked; `fire` checks the rest."""
    db.session.refresh(report)
    if report.status not in REPORT.sources(action):
        raise DomainError(f"This payment report was already {report.status.value}.")


def confirm_report(actor: Any, report: PaymentReport, today: date) -> Payment:
    """The creditor confirms the money reached it: a Payment, its receipt, perhaps the case paid."""
    case = report.case
    lock(case)
    _decidable(report, "report_confirmed")
    due = amount_due(case, today)
    if report.amount > due:
        raise DomainError(f"The report is for {rupees(report.amount)} but only {rupees(due)} is due now. "
                          "Reject it and record what you received on the case page instead.")
    lifecycle.fire(REPORT, report, "report_confirmed", actor, payload={
        "report_id": report.id, "amount": report.amount, "utr": report.utr},
        changes={"decided_by_id": actor.id, "decided_at": utcnow()})
    payment = record(case, report.amount, report.paid_on, method_for(report.utr), report.utr,
                     PaymentSource.DEBTOR_REPORT, actor, today, details={"report_id": report.id})
    report.payment_id = payment.id
    return payment


def reject_report(actor: Any, report: PaymentReport, reason: str) -> None:
    """The creditor did not receive it (or not as reported): the report stays, with the reason."""
    reason = " ".join((reason or "").split())
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise PaymentInvalid("reason", f"Say why, in {REASON_MIN} to {REASON_MAX} characters: the debtor "
                                       "will see it.")
    lock(report.case)
    _decidable(report, "report_rejected")
    lifecycle.fire(REPORT, report, "report_rejected", actor, payload={
        "report_id": report.id, "amount": report.amount, "utr": report.utr, "reason": reason},
        changes={"reason": reason, "decided_by_id": actor.id, "decided_at": utcnow()})


def on_record(payment_ids: Iterable[int]) -> set[int]:
    """The payments this package keeps a record of: a receipt, a debtor's report confirmed into it,
    a payment-gateway link or event that paid it (portal.cases keeps them as recorded)."""
    return referenced(payment_ids, Receipt.payment_id, PaymentReport.payment_id, GatewayLink.payment_id,
                      GatewayEvent.payment_id)


def record(case: Case, amount: Decimal, paid_on: date, method: PaymentMethod, reference: str,
           source: PaymentSource, actor: Any | None, today: date, *, gateway_ref: str | None = None,
           details: dict | None = None) -> Payment:
    """A confirmed payment (the case locked by the caller): the Payment row, its receipt, the audit
    event, the signal, and `mark_paid` when nothing is left due. `actor` None is the system."""
    payment = Payment(amount=amount, paid_on=paid_on, method=method, reference=reference[:60],
                      recorded_by_id=getattr(actor, "id", None), source=source, gateway_ref=gateway_ref)
    case.payments.append(payment)
    db.session.flush()
    after = case_position(case, today)
    due_after = known(after)
    receipt = issue(case, payment, due_after, after, actor)
    audit.record("payment.confirmed", actor=actor, case=case, payload={
        "payment_id": payment.id, "amount": amount, "paid_on": paid_on, "method": method.value,
        "reference": reference, "source": source.value, "gateway_ref": gateway_ref,
        "receipt_id": receipt.id, "due_after": due_after, **(details or {})})
    payment_confirmed.send(case, payment=payment, actor=actor)
    if due_after <= 0 and case.status in transition_for("mark_paid").sources:
        fire(case, "mark_paid", actor, payload={"payment_id": payment.id})
    return payment
