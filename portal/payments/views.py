"""The debtor's pay page (/d/<reference>/pay): the amount due, a UPI deep link and QR code to the
creditor's UPI ID, the form to report a payment by its UTR, the "Pay online" button when a gateway
is configured, and the receipts. Works for a debtor account and for a LinkGuest alike."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.accounts import Action, can
from portal.adapters import UPI_MAX_AMOUNT, payment_gateway, payment_uri, qr_svg
from portal.cases import Case, case_position, today_ist
from portal.cases import case_for as load
from portal.extensions import db, limiter
from portal.formatting import rupees
from portal.i18n import gettext, language, localise_errors
from portal.payments.dues import amount_due
from portal.payments.forms import OnlineForm, ReportForm
from portal.payments.models import PaymentReport, Receipt
from portal.payments.receipts import receipt_pdf
from portal.types import PAISA

bp = Blueprint("payments", __name__)


def gateway():
    """The configured payment gateway, or None (UPI and bank transfer only)."""

    try:
        return payment_gateway(current_app.config)
    except ValueError:
        current_app.logger.exception("payment gateway misconfigured; online payment is off")
        return None


def gateway_configured() -> bool:
    return (current_app.config.get("PAYMENT_GATEWAY") or "none").strip().lower() != "none"


def requested_amount(raw: str | None, due: Decimal) -> tuple[Decimal, str | None, bool]:
    """The ?amount= the debtor (or the response page) asked to pay, or the whole due with the reason,
    and whether the request was malformed (an amount above the due is only out of date: interest
    or a payment confirmed since the link was made)."""
    if raw is None or not raw.strip():
        return due, None, False
    try:
        value = Decimal(raw.strip().replace(",", ""))
    except InvalidOperation:
        return due, gettext("“%(text)s” is not an amount; showing the full amount due.", text=raw[:20]), True
    if not value.is_finite() or value <= 0 or value != value.quantize(PAISA):
        return due, gettext("The amount must be more than zero, to the paisa; showing the full amount "
                            "due."), True
    if value > due:
        return due, gettext("%(amount)s is more than is due today; showing the amount due today.",
                            amount=rupees(value, language())), False
    return value, None, False


def case_reports(case: Case) -> list[PaymentReport]:
    return list(db.session.scalars(select(PaymentReport).where(PaymentReport.case_id == case.id)
                                   .order_by(PaymentReport.reported_at.desc())))


def case_receipts(case: Case) -> list[Receipt]:
    return list(db.session.scalars(select(Receipt).where(Receipt.case_id == case.id)
                                   .order_by(Receipt.issued_at.desc())))


def render_pay(case: Case, *, form: ReportForm | None = None, online_form: OnlineForm | None = None,
               problem: str | None = None, status: int = 200):
    pos = case_position(case, today_ist())
    due, dues_problem = pos.due, None if pos.due is not None else pos.problem
    amount, amount_problem, malformed = None, None, False
    instalment = pos.instalment  # under a settlement, suggest the next instalment
    if due is not None:
        asked = request.args.get("amount") or (f"{instalment.amount:.2f}" if instalment else None)
        amount, amount_problem, malformed = requested_amount(asked, due)
    can_pay = due is not None and due > 0 and can(current_user, Action.REPORT_PAYMENT, case)
    upi = qr = None
    vpa = case.creditor.upi_vpa
    if can_pay and vpa and amount <= UPI_MAX_AMOUNT:
        try:
            upi = payment_uri(vpa, case.creditor.legal_name, amount, case.reference,
                              f"Claim {case.reference}")
            qr = qr_svg(upi, f"UPI QR code to pay {rupees(amount)} to {case.creditor.legal_name}")
        except ValueError as exc:   # a VPA saved before validation, or a name UPI cannot carry
            current_app.logger.warning("no UPI link for %s: %s", case.reference, exc)
    shown = f"{amount:.2f}" if amount else ""
    if form is None:
        form = ReportForm(formdata=None, data={"amount": shown, "paid_on": today_ist()})
    if malformed and status == 200:
        status = 422
    online_form = online_form or OnlineForm(formdata=None, data={"amount": shown})
    localise_errors(form)
    localise_errors(online_form)
    return render_template(
        "payments/pay.html", case=case, pos=pos, due=due, amount=amount,
        problem=problem or amount_problem or dues_problem,
        can_pay=can_pay, vpa=vpa, upi=upi, qr=qr, upi_max=UPI_MAX_AMOUNT, form=form,
        online=can_pay and gateway_configured(), online_form=online_form,
        instalment=instalment, reports=case_reports(case), receipts=case_receipts(case)), status


@bp.get("/d/<reference>/pay")
@login_required
def pay(reference: str):
    return render_pay(load(reference, Action.DEBTOR_VIEW))


@bp.post("/d/<reference>/pay/report")
@login_required
@limiter.limit("30 per hour")
def report_payment(reference: str):
    from portal.payments.services import PaymentInvalid
    from portal.payments.services import report_payment as report

    case = load(reference, Action.REPORT_PAYMENT)
    form = ReportForm()
    if not form.validate_on_submit():
        return render_pay(case, form=form, status=422)
    try:
        report(current_user, case, form.amount.data, form.utr.data, form.paid_on.data, today_ist())
    except PaymentInvalid as exc:
        getattr(form, exc.field).errors.append(str(exc))
        return render_pay(case, form=form, status=422)
    flash(gettext("Thank you. Your payment is reported; the creditor will confirm it when the money reaches "
                  "its account, and your receipt will appear here."), "success")
    return redirect(url_for("payments.pay", reference=case.reference))


@bp.post("/d/<reference>/pay/online")
@login_required
@limiter.limit("30 per hour")   # each press may reach the gateway
def pay_online(reference: str):
    from portal.payments.gateway import GatewayUnavailable, create_link
    from portal.payments.services import PaymentInvalid

    case = load(reference, Action.REPORT_PAYMENT)
    if not gateway_configured():
        abort(404, gettext("Online payment is not offered here."))
    form = OnlineForm()
    if not form.validate_on_submit():
        return render_pay(case, online_form=form, status=422)
    links = gateway()
    if links is None:
        return render_pay(case, problem=gettext("Online payment is not available just now. You can still pay "
                                                "by UPI or bank transfer."), status=503)
    amount = form.amount.data
    with links:
        try:
            if not amount:
                amount = amount_due(case, today_ist())
            link = create_link(current_user, case, amount, links, today_ist(),
                               url_for("payments.pay", reference=case.reference, _external=True))
        except PaymentInvalid as exc:
            form.amount.errors.append(str(exc))
            return render_pay(case, online_form=form, status=422)
        except GatewayUnavailable as exc:
            return render_pay(case, problem=str(exc), status=503)
    return redirect(link.short_url)


@bp.get("/cases/<reference>/payments/receipts/<int:receipt_id>.pdf")
@login_required
def receipt(reference: str, receipt_id: int):
    case = load(reference, Action.VIEW_PAYMENTS)
    found = db.session.get(Receipt, receipt_id)
    if found is None or found.case_id != case.id:
        abort(404, gettext("No such receipt."))
    return Response(receipt_pdf(found), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="receipt-{found.number}.pdf"'})
