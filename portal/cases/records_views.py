"""Case-page actions recording later facts: payments received, acknowledgements, justifications."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user, login_required

from portal.accounts import Action, require
from portal.cases import records
from portal.cases.hooks import record_recovery_payment
from portal.cases.intake import today_ist
from portal.cases.models import PaymentMethod
from portal.cases.record_forms import (
    AcknowledgementForm,
    JustificationForm,
    PaymentAcknowledgementForm,
    PaymentForm,
)
from portal.cases.services import record_payment
from portal.cases.views import bp, load_case, render_case
from portal.cases.windows import PAYABLE_STATUSES
from portal.errors import DomainError
from portal.i18n import gettext
from portal.types import to_paisa
from portal.web.boundary import attempt


def _invoice_id(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _done(reference: str, message: str):
    flash(message, "success")
    return redirect(url_for("cases.show_case", reference=reference))


@bp.post("/<reference>/payments")
@login_required
def add_payment(reference: str):
    case = load_case(reference)
    require(current_user, Action.RECORD_CASE_EVENT, case)
    form = PaymentForm().for_case(case)
    if form.validate_on_submit():
        def save() -> None:
            if form.paid_on.data > today_ist():
                raise DomainError(gettext("A payment date cannot be in the future."))
            inv = _invoice_id(form.invoice_id.data)
            if inv is not None and inv not in {i.id for i in case.invoices}:
                raise DomainError(gettext("That invoice is not part of this case."))
            if case.status in PAYABLE_STATUSES:
                # Once the notice is served a payment is part of the recovery: receipt, instalments,
                # and the case marked paid when nothing is left due.
                record_recovery_payment(case, to_paisa(form.amount.data), form.paid_on.data,
                                        PaymentMethod(form.method.data), form.reference.data or "",
                                        current_user, today_ist())
            else:
                record_payment(current_user, case, form.amount.data, form.paid_on.data,
                               PaymentMethod(form.method.data), form.reference.data or "", invoice_id=inv)

        attempt(save, form.amount.errors)
        if not form.amount.errors:
            return _done(reference, gettext("Payment recorded. The amount due and limitation are updated."))
    return render_case(case, payment_form=form, status=422)


@bp.post("/<reference>/acknowledgements")
@login_required
def add_acknowledgement(reference: str):
    case = load_case(reference)
    require(current_user, Action.RECORD_CASE_EVENT, case)
    form = AcknowledgementForm().for_case(case)
    if form.validate_on_submit():
        attempt(lambda: records.record_acknowledgement(
            current_user, case, form.acknowledged_on.data, form.description.data,
            _invoice_id(form.invoice_id.data), today_ist()), form.acknowledged_on.errors)
        if not form.acknowledged_on.errors:
            return _done(reference, gettext("Acknowledgement recorded; limitation restarts from its date."))
    return render_case(case, ack_form=form, status=422)


@bp.post("/<reference>/justifications")
@login_required
def justify(reference: str):
    case = load_case(reference)
    require(current_user, Action.JUSTIFY_TIME_BAR, case)
    form = JustificationForm().for_case(case)
    if form.validate_on_submit():
        attempt(lambda: records.justify_time_bar(current_user, case, int(form.invoice_id.data),
                                                 form.justification.data), form.justification.errors)
        if not form.justification.errors:
            return _done(reference, gettext("Justification recorded."))
    return render_case(case, justification_form=form, status=422)


@bp.post("/<reference>/payment-acknowledgements")
@login_required
def acknowledge_payment(reference: str):
    case = load_case(reference)
    require(current_user, Action.RECORD_CASE_EVENT, case)
    form = PaymentAcknowledgementForm().for_case(case)
    if form.validate_on_submit():
        attempt(lambda: records.acknowledge_payment(current_user, case, _invoice_id(form.payment_id.data),
                                                    form.document.data), form.document.errors)
        if not form.document.errors:
            return _done(reference, gettext("The payer's acknowledgement is recorded; the payment now counts "
                                            "for limitation (s.19)."))
    return render_case(case, payment_ack_form=form, status=422)
