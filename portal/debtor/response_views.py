"""The debtor's answers, one page each: dispute, admit part, propose a plan, ask for a call back;
and "pay in full", a single button. Thin: parse, authorize, call portal.debtor.responses (the
request boundary commits; a refused answer's 4xx keeps nothing).

Works for a debtor with an account and for the LinkGuest of a personal link alike. A stranger to
the case gets 404, the creditor's side 403, an answer after the claim is decided 409.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import BuildError

from arbitration import TermsError, claim_ceiling
from evidence import DocumentKind, UploadRefused
from notices import ContactPolicy
from portal.accounts import Action, require
from portal.cases import Case, today_ist
from portal.debtor import callbacks, plans, responses
from portal.debtor.case_views import load
from portal.debtor.forms import AdmitPartForm, CallbackForm, DisputeForm, PlanForm, invoice_label
from portal.debtor.language import localise_form
from portal.errors import DomainError
from portal.extensions import limiter
from portal.formfields import choices
from portal.i18n import gettext
from portal.web.errors import error_response
from portal.web.forms import require_fresh_form

bp = Blueprint("debtor_respond", __name__, url_prefix="/d/<reference>")
# Every answer mails the creditor: a cap keeps a script from flooding its inbox through one link.
limiter.limit("30 per hour", methods=["POST"])(bp)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc):
    # The whole request is refused before any of it is read; say what to do in the debtor's terms.
    limit = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    return error_response(413, "Files too large", f"Together your documents are larger than {limit} MB. "
                          "Nothing was recorded. Send fewer or smaller files (a phone photo of each page "
                          "is usually enough), then try again.")


def _case(reference: str) -> Case:
    case = load(reference)                # a stranger: 404; not the debtor: 403
    responses.ensure_open(case)           # settled, decided or closed: 409 with why
    require(current_user, Action.RESPOND_TO_NOTICE, case)
    return case


def _home(case: Case) -> str:
    return url_for("debtor_case.home", reference=case.reference)


def _dues_by_number(case: Case) -> dict:
    try:
        return {inv.number: inv for inv in responses.dues(case).invoices}
    except DomainError:
        return {}


def _invoice_choices(case: Case) -> list:
    due = _dues_by_number(case)
    return choices((inv.id, invoice_label(inv, due.get(inv.number))) for inv in case.invoices)


def _render(template: str, case: Case, form, status: int = 200, **more):
    localise_form(form)
    return render_template(f"debtor/{template}", case=case, form=form, **more), status


@bp.route("/dispute", methods=["GET", "POST"])
@login_required
def dispute(reference: str):
    case = _case(reference)
    form = DisputeForm()
    form.invoices.choices = _invoice_choices(case)
    if not form.is_submitted():
        form.invoices.data = [i.id for i in case.invoices]  # all disputed unless the debtor unticks
        return _render("dispute.html", case, form)
    if form.validate():
        files = [(f.stream, f.filename) for f in (form.files.data or []) if f and f.filename]
        try:
            responses.dispute(current_user, case, reason=form.reason.data, text=form.explanation.data,
                              invoice_ids=form.invoices.data or [], files=files,
                              file_kind=DocumentKind(form.file_kind.data))
        except (responses.ResponseInvalid, UploadRefused) as exc:
            form.form_errors.append(str(exc))
        else:
            flash(gettext("Your dispute is recorded and the creditor has been told. It now goes to online "
                          "dispute resolution, where you can talk and make offers."), "success")
            return redirect(_room_or_home(case))
    return _render("dispute.html", case, form, 422)


def _room_or_home(case: Case) -> str:
    if "odr.room" in current_app.view_functions:
        try:
            return url_for("odr.room", reference=case.reference)
        except BuildError:
            pass
    return _home(case)


@bp.route("/admit", methods=["GET", "POST"])
@login_required
def admit_part(reference: str):
    case = _case(reference)
    form = AdmitPartForm()
    form.admitted.choices = _invoice_choices(case)
    if not form.is_submitted():
        return _render("admit.html", case, form)
    if form.validate():
        try:
            response = responses.admit_part(current_user, case, admitted_ids=form.admitted.data or [],
                                            reason=form.reason.data, text=form.explanation.data)
        except responses.ResponseInvalid as exc:
            form.form_errors.append(str(exc))
        else:
            from portal.web.filters import inr

            amount = inr(response.admitted_amount)
            if responses.pay_page_enabled():
                flash(gettext("Recorded: you accept %(amount)s and dispute the rest. The disputed invoices "
                              "go to online dispute resolution. You can pay it below.", amount=amount),
                      "success")
            else:
                flash(gettext("Recorded: you accept %(amount)s and dispute the rest. The disputed invoices "
                              "go to online dispute resolution.", amount=amount), "success")
            return redirect(_home(case) + "#responses")
    return _render("admit.html", case, form, 422)


@bp.route("/plan", methods=["GET", "POST"])
@login_required
def propose_plan(reference: str):

    case = _case(reference)
    form = PlanForm()
    today = today_ist()
    form.first_due.render_kw = {"min": today.isoformat(),
                                "max": (today + timedelta(days=plans.FIRST_DUE_WITHIN_DAYS)).isoformat()}
    computation = responses.dues(case)
    total = min(computation.total_due, claim_ceiling(case))
    if not form.is_submitted():
        return _render("plan.html", case, form, computation=computation, total=total)
    if form.validate():
        plan = plans.PlanRequest(form.count.data, form.first_due.data, plans.Frequency(form.frequency.data),
                                 form.down_payment.data)
        try:
            responses.propose_plan(current_user, case, plan, form.note.data, today=today)
        except (TermsError, responses.ResponseInvalid) as exc:
            form.form_errors.append(str(exc))
        else:
            flash(gettext("Your plan is recorded and put to the creditor as your offer. You will hear when "
                          "it answers."), "success")
            return redirect(_room_or_home(case))
    return _render("plan.html", case, form, 422, computation=computation, total=total)


@bp.route("/call-back", methods=["GET", "POST"])
@login_required
def call_back(reference: str):
    case = _case(reference)
    form = CallbackForm()
    policy = ContactPolicy.of(case.creditor)
    form.slot.choices = choices(callbacks.slot_choices(policy))
    # An hour outside the list is refused by the service with the contact rules spelled out.
    form.slot.validate_choice = False
    today = today_ist()
    form.day.render_kw = {"min": today.isoformat(),
                          "max": (today + timedelta(days=callbacks.BOOK_WITHIN_DAYS)).isoformat()}
    first, last = callbacks.window(policy)
    hours = gettext("%(first)s–%(last)s IST, Monday to Saturday", first=callbacks.hhmm(first),
                    last=callbacks.hhmm(last))
    if not form.is_submitted():
        return _render("call_back.html", case, form, hours=hours)
    if form.validate():
        try:
            response = responses.call_back(current_user, case, day=form.day.data, start=form.slot.data,
                                           phone=form.phone.data, note=form.note.data)
        except (callbacks.CallbackRefused, responses.ResponseInvalid) as exc:
            form.form_errors.append(str(exc))
        else:
            flash(gettext("Recorded: the creditor is asked to call %(phone)s on %(slot)s.",
                          phone=response.callback_phone, slot=response.slot_label), "success")
            return redirect(_home(case) + "#responses")
    return _render("call_back.html", case, form, 422, hours=hours)


@bp.post("/pay-in-full")
@login_required
def pay_in_full(reference: str):
    case = _case(reference)
    require_fresh_form()
    response = responses.pay_in_full(current_user, case)
    if responses.pay_page_enabled():
        amount = str(response.admitted_amount)
        return redirect(url_for("payments.pay", reference=case.reference, amount=amount))
    flash(gettext("Recorded: you will pay the amount due in full. The creditor has been told and will send "
                  "its payment details."), "success")
    return redirect(_home(case) + "#responses")
