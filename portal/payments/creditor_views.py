"""The creditor's side of payments: the case's payments and the debtor's reports to confirm or
reject (/cases/<reference>/payments), and the organisation's UPI ID that the pay page links to."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal import audit
from portal.accounts import Action, can, require
from portal.cases import Case, case_position, today_ist
from portal.extensions import db
from portal.formatting import rupees
from portal.i18n import N_, gettext
from portal.paging import BadCursor, PageArgs
from portal.payments.forms import RejectForm, UpiForm
from portal.payments.listing import payments_page
from portal.payments.models import PaymentReport, ReportStatus
from portal.payments.services import PaymentInvalid, confirm_report, reject_report
from portal.payments.views import bp, case_reports, load
from portal.web.forms import require_fresh_form


def render_list(case: Case, *, reject_form: RejectForm | None = None, rejecting: int | None = None,
                status: int = 200, args: PageArgs | None = None):
    """The debtor's reports to answer and a page of the payments received (newest first, each with
    its receipt); a refused answer comes back on the first page."""
    pos = case_position(case, today_ist())
    due, problem = pos.due, None if pos.due is not None else pos.problem
    page = payments_page(case, args or PageArgs())
    return render_template(
        "payments/list.html", case=case, pos=pos, due=due, problem=problem, reports=case_reports(case),
        page=page, payments=page.rows,
        can_confirm=can(current_user, Action.CONFIRM_PAYMENT, case), pending=ReportStatus.REPORTED,
        reject_form=reject_form or RejectForm(formdata=None), rejecting=rejecting), status


def load_report(case: Case, report_id: int) -> PaymentReport:
    report = db.session.get(PaymentReport, report_id)
    if report is None or report.case_id != case.id:
        abort(404, N_("No such payment report."))
    return report


@bp.get("/cases/<reference>/payments")
@login_required
def list_payments(reference: str):
    case = load(reference, Action.VIEW_PAYMENTS)
    try:
        return render_list(case, args=PageArgs.of_page(request.args))
    except BadCursor as exc:
        abort(400, str(exc))


@bp.post("/cases/<reference>/payments/reports/<int:report_id>/confirm")
@login_required
def confirm(reference: str, report_id: int):
    case = load(reference, Action.CONFIRM_PAYMENT)
    report = load_report(case, report_id)
    require_fresh_form()
    payment = confirm_report(current_user, report, today_ist())
    if case.status.value == "paid":
        flash(gettext("Payment of %(amount)s confirmed; the debtor has its receipt. Nothing more is due: the "
                      "case is marked paid.", amount=rupees(payment.amount)), "success")
    else:
        flash(gettext("Payment of %(amount)s confirmed; the debtor has its receipt.",
                      amount=rupees(payment.amount)), "success")
    return redirect(url_for("payments.list_payments", reference=case.reference))


@bp.post("/cases/<reference>/payments/reports/<int:report_id>/reject")
@login_required
def reject(reference: str, report_id: int):
    case = load(reference, Action.CONFIRM_PAYMENT)
    report = load_report(case, report_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return render_list(case, reject_form=form, rejecting=report.id, status=422)
    try:
        reject_report(current_user, report, form.reason.data)
    except PaymentInvalid as exc:
        form.reason.errors.append(str(exc))
        return render_list(case, reject_form=form, rejecting=report.id, status=422)
    flash(gettext("Report rejected. The debtor sees your reason on its payment page."), "success")
    return redirect(url_for("payments.list_payments", reference=case.reference))


@bp.route("/organisation/upi", methods=["GET", "POST"])
@login_required
def edit_upi():
    require(current_user, Action.MANAGE_ORG)
    org = current_user.organization
    form = UpiForm(obj=org)
    if form.validate_on_submit():
        before, org.upi_vpa = org.upi_vpa, form.upi_vpa.data
        audit.record("org.upi_vpa_changed", actor=current_user, payload={
            "org_id": org.id, "from": before, "to": org.upi_vpa})
        flash(gettext("UPI ID saved. Debtors' payment pages now link to it.") if org.upi_vpa else
              gettext("UPI ID removed. Debtors' payment pages no longer show a UPI link."), "success")
        return redirect(url_for("payments.edit_upi"))
    return render_template("payments/upi_settings.html", form=form, org=org), 422 if form.errors else 200
