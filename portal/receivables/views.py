"""The creditor's collections pages: follow-up levels (/collections), one debtor's reminder
settings, statement and promises (/collections/debtors/<id>)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.accounts import Organization, Role, User
from portal.cases import Case, Party, today_ist
from portal.extensions import db
from portal.formfields import choices
from portal.i18n import N_, gettext, localise_errors
from portal.paging import BadCursor, PageArgs
from portal.payments import PaymentReport, ReportStatus, confirm_report, reject_report
from portal.receivables import access, calls, charts, policies, promises, queue, statement
from portal.receivables import portfolio as portfolio_figures
from portal.receivables.blueprint import bp
from portal.receivables.forms import (
    OUTCOME_WORDS,
    AllocateForm,
    AnswerForm,
    CallForm,
    DebtorSettingForm,
    LevelForm,
    PriorityForm,
    PromiseForm,
)
from portal.receivables.models import CallOutcome, InvoiceHold, Promise, Reminder
from portal.receivables.page_words import month_words, portfolio_word
from portal.receivables.refusals import on_form
from portal.receivables.rollup import REFRESH_MINUTES
from portal.receivables.states import PromiseStatus
from portal.web.filters import inr as amount_filter
from portal.web.forms import require_fresh_form


@bp.get("/collections/")
@login_required
def settings():
    org_id = access.require_staff(current_user)
    policy = policies.policy_for(org_id)
    try:
        debtors = access.debtors_page(org_id, PageArgs.of_page(request.args))
    except BadCursor as exc:
        abort(400, str(exc))
    return render_template("receivables/settings.html", policy=policy, debtors=debtors)


@bp.post("/collections/enabled")
@login_required
def set_enabled():
    org_id = access.require_staff(current_user, admin=True)
    require_fresh_form()
    value = request.form.get("enabled")
    if value not in ("on", "off"):
        abort(400, gettext("Choose on or off."))
    policies.set_enabled(current_user, policies.policy_for(org_id), value == "on")
    flash(gettext("Reminders are on: the next run sends those due.") if value == "on" else
          gettext("Reminders are off: nothing more is sent."), "success")
    return redirect(url_for("receivables.settings"))


@bp.route("/collections/levels/<int:level_id>", methods=["GET", "POST"])
@login_required
def edit_level(level_id: int):
    org_id = access.require_staff(current_user, admin=True)
    level = access.level_of(org_id, level_id)
    form = LevelForm(obj=level)
    form.call_user_id.choices = _staff_choices(
        org_id, gettext("The debtor's owner (anyone when nobody follows it)"))
    if request.method == "GET":
        form.channels.data = level.channels.split(",")
        form.call_user_id.data = str(level.call_user_id or "")
    caller = form.call_user_id.data
    if form.validate_on_submit() and on_form(form, lambda: policies.update_level(
                current_user, level, offset_days=form.offset_days.data, channels=form.channels.data or [],
                include_interest=form.include_interest.data, call_task=form.call_task.data,
                subject_en=form.subject_en.data, body_en=form.body_en.data,
                subject_hi=form.subject_hi.data, body_hi=form.body_hi.data,
                call_user=db.session.get(User, int(caller)) if caller else None)):
        flash(gettext("Level saved."), "success")
        return redirect(url_for("receivables.settings"))
    localise_errors(form)
    return render_template("receivables/level.html", form=form, level=level), 422 if form.errors else 200


def _staff_choices(org_id: int, nobody: str | None = None):
    staff = db.session.scalars(select(User).where(User.org_id == org_id, User.role == Role.CREDITOR,
                                                  User.active.is_(True)).order_by(User.name)).all()
    return choices([("", nobody or gettext("Nobody"))]
                   + [(str(u.id), f"{u.name} ({u.email})") for u in staff])


def _debtor_page(org_id: int, party: Party, setting_form=None, promise_form=None, status=200, *,
                 allocate_form=None, priority_form=None):
    setting = policies.setting_for(org_id, party.id)
    ranked = queue.rank(db.session.get(Organization, org_id), today_ist(), {party.id}).get(party.id)
    allocate_form = allocate_form or AllocateForm(formdata=None, owner_id=str(setting.owner_id or ""))
    allocate_form.owner_id.choices = _staff_choices(org_id)
    priority_form = priority_form or PriorityForm(formdata=None, value=setting.priority_override,
                                                  reason=setting.priority_reason or "")
    rows = statement.lines(org_id, party.id)
    setting_form = setting_form or DebtorSettingForm(obj=setting, formdata=None)
    if setting_form.preferred_channel.data is None:
        setting_form.preferred_channel.data = ""
    promise_form = promise_form or PromiseForm(formdata=None)
    promise_form.invoice_id.choices = choices((r.invoice_id, f"{r.number} ({r.case_reference})")
                                              for r in rows if r.outstanding > 0)
    open_promises = db.session.scalars(select(Promise).where(
        Promise.org_id == org_id, Promise.party_id == party.id).order_by(Promise.id.desc()).limit(50)).all()
    reminders = db.session.scalars(select(Reminder).where(
        Reminder.org_id == org_id, Reminder.party_id == party.id)
        .order_by(Reminder.id.desc()).limit(50)).all()
    numbers = {r.invoice_id: r.number for r in rows}
    reports = db.session.scalars(select(PaymentReport).join(Case, Case.id == PaymentReport.case_id).where(
        Case.creditor_org_id == org_id, Case.debtor_party_id == party.id,
        PaymentReport.status == ReportStatus.REPORTED).order_by(PaymentReport.id)).all()
    for form in (setting_form, promise_form, allocate_form, priority_form):
        localise_errors(form)  # a service's refusal on the form, in the page's language
    return render_template("receivables/debtor.html", reports=reports, party=party, rows=rows,
                           setting_form=setting_form,
                           promise_form=promise_form, promises=open_promises, reminders=reminders,
                           numbers=numbers, record=promises.record_of(org_id, party.id),
                           open_status=PromiseStatus.OPEN, ranked=ranked, allocate_form=allocate_form,
                           priority_form=priority_form), status


@bp.get("/collections/debtors/<int:party_id>")
@login_required
def debtor(party_id: int):
    org_id = access.require_staff(current_user)
    party = access.debtor_of(org_id, party_id)
    page = _debtor_page(org_id, party)
    return page


@bp.post("/collections/debtors/<int:party_id>/settings")
@login_required
def save_debtor_settings(party_id: int):
    org_id = access.require_staff(current_user)
    party = access.debtor_of(org_id, party_id)
    form = DebtorSettingForm()
    if not form.validate_on_submit():
        return _debtor_page(org_id, party, setting_form=form, status=422)
    if not on_form(form, lambda: policies.update_setting(
            current_user, policies.setting_for(org_id, party.id), mode=form.mode.data,
            paused_until=form.paused_until.data, language=form.language.data,
            preferred_channel=form.preferred_channel.data or None, today=today_ist())):
        return _debtor_page(org_id, party, setting_form=form, status=422)
    flash(gettext("Reminder settings saved."), "success")
    return redirect(url_for("receivables.debtor", party_id=party.id))


@bp.post("/collections/debtors/<int:party_id>/promises")
@login_required
def record_promise(party_id: int):
    org_id = access.require_staff(current_user)
    party = access.debtor_of(org_id, party_id)
    form = PromiseForm()
    form.invoice_id.choices = choices((r.invoice_id, r.number) for r in statement.lines(org_id, party.id))
    if not form.validate_on_submit():
        return _debtor_page(org_id, party, promise_form=form, status=422)
    invoice = access.invoice_of(org_id, party.id, form.invoice_id.data)
    if not on_form(form, lambda: promises.make(
            current_user, invoice, form.amount.data, form.promised_for.data,
            made_how=N_("staff after a call"), today=today_ist(), note=form.note.data or "")):
        return _debtor_page(org_id, party, promise_form=form, status=422)
    flash(gettext("Promise recorded: reminders for the invoice wait until it is decided."), "success")
    return redirect(url_for("receivables.debtor", party_id=party.id))


@bp.post("/collections/promises/<int:promise_id>/cancel")
@login_required
def cancel_promise(promise_id: int):
    org_id = access.require_staff(current_user)
    promise = db.session.get(Promise, promise_id)
    if promise is None or promise.org_id != org_id:
        abort(404)
    require_fresh_form()
    promises.cancel(current_user, promise)
    flash(gettext("Promise cancelled."), "success")
    return redirect(url_for("receivables.debtor", party_id=promise.party_id))


def _after(raw: str | None) -> tuple[int, Decimal, int] | None:
    """The queue's next-page key from ?after=score_outstanding_party (made by the page itself)."""
    if not raw:
        return None
    parts = raw.split("_")
    try:
        if len(parts) != 3 or len(raw) > 60:
            raise ValueError
        key = (int(parts[0]), Decimal(parts[1]), int(parts[2]))
        if not key[1].is_finite():
            raise ValueError
    except (ValueError, InvalidOperation):
        abort(400, gettext("The page link is not valid; start from the first page."))
    return key


def _today_page(org_id: int, everyone: bool, *, answer_form=None, answering: int | None = None,
                call_form=None, calling: tuple[int, int] | None = None, status: int = 200, after=None):
    work = queue.today_for(db.session.get(Organization, org_id), current_user, today_ist(),
                           everyone=everyone, after=after)
    owners = dict(db.session.execute(select(User.id, User.name).where(User.org_id == org_id)).all())
    next_key = (f"{work.next_after[0]}_{work.next_after[1]}_{work.next_after[2]}"
                if work.next_after else None)
    localise_errors(answer_form)
    localise_errors(call_form)
    return render_template("receivables/today.html", q=work, everyone=everyone, owners=owners,
                           answer_form=answer_form or AnswerForm(formdata=None), answering=answering,
                           call_form=call_form or CallForm(formdata=None), calling=calling,
                           outcomes=OUTCOME_WORDS, next_key=next_key, first_page=after is None,
                           refresh_minutes=REFRESH_MINUTES, limit=queue.SECTION_LIMIT), status


@bp.get("/collections/today")
@login_required
def today():
    org_id = access.require_staff(current_user)
    return _today_page(org_id, request.args.get("all") == "1", after=_after(request.args.get("after")))


@bp.post("/collections/debtors/<int:party_id>/calls/<int:level_id>")
@login_required
def record_call(party_id: int, level_id: int):
    """What came of a call the level asked for; "promised" goes on to the debtor's promise form."""
    org_id = access.require_staff(current_user)
    party = access.debtor_of(org_id, party_id)
    call = access.call_for(current_user, org_id, party.id, level_id)
    form = CallForm()
    if not form.validate_on_submit():
        return _today_page(org_id, True, call_form=form, calling=(party.id, level_id), status=422)
    calls.record(current_user, call, form.outcome.data, form.note.data or "", org_id)
    if form.outcome.data == CallOutcome.PROMISED.value:
        flash(gettext("Call recorded. Now record %(debtor)s's promise: amount and date.",
                      debtor=party.legal_name), "success")
        return redirect(url_for("receivables.debtor", party_id=party.id, _anchor="promise"))
    flash(gettext("Call to %(debtor)s recorded.", debtor=party.legal_name), "success")
    return redirect(url_for("receivables.today"))


@bp.post("/collections/debtors/<int:party_id>/owner")
@login_required
def allocate(party_id: int):
    org_id = access.require_staff(current_user, admin=True)
    party = access.debtor_of(org_id, party_id)
    form = AllocateForm()
    form.owner_id.choices = _staff_choices(org_id)
    if not form.validate_on_submit():
        return _debtor_page(org_id, party, allocate_form=form, status=422)
    owner = db.session.get(User, int(form.owner_id.data)) if form.owner_id.data else None
    if not on_form(form, lambda: queue.allocate(current_user, org_id, party.id, owner), "owner_id"):
        return _debtor_page(org_id, party, allocate_form=form, status=422)
    if owner:
        flash(gettext("%(debtor)s is now followed up by %(name)s.", debtor=party.legal_name, name=owner.name),
              "success")
    else:
        flash(gettext("%(debtor)s is now followed up by nobody.", debtor=party.legal_name), "success")
    return redirect(url_for("receivables.debtor", party_id=party.id))


@bp.post("/collections/debtors/<int:party_id>/priority")
@login_required
def set_priority(party_id: int):
    org_id = access.require_staff(current_user)
    party = access.debtor_of(org_id, party_id)
    form = PriorityForm()
    if not form.validate_on_submit():
        return _debtor_page(org_id, party, priority_form=form, status=422)
    if not on_form(form, lambda: queue.override(current_user, org_id, party.id, form.value.data,
                                                form.reason.data or ""), "reason"):
        return _debtor_page(org_id, party, priority_form=form, status=422)
    flash(gettext("Priority saved."), "success")
    return redirect(url_for("receivables.debtor", party_id=party.id))


@bp.post("/collections/disputes/<int:hold_id>/answer")
@login_required
def answer_dispute(hold_id: int):
    org_id = access.require_staff(current_user)
    hold = db.session.get(InvoiceHold, hold_id)
    if hold is None or hold.org_id != org_id or hold.kind != "dispute":
        abort(404)
    if hold.resolved_at is not None:  # answered already: its form is no longer on the page
        abort(409, gettext("This dispute has been answered already."))
    form = AnswerForm()
    if not form.validate_on_submit():
        return _today_page(org_id, True, answer_form=form, answering=hold.id, status=422)
    queue.resolve_dispute(current_user, hold, form.answer.data)  # a refusal: 409 from the app's handler
    flash(gettext("Answer recorded: the invoice returns to the reminders."), "success")
    return redirect(url_for("receivables.today"))


@bp.get("/collections/portfolio")
@login_required
def portfolio():
    org_id = access.require_staff(current_user)
    p = portfolio_figures.build(org_id, today_ist())
    drawn = {
        "ageing": charts.bars(gettext("Outstanding by days past the due date"),
                              [(portfolio_word(b), v) for b, v in p.ageing.items()], amount_filter,
                              "ageing-chart"),
        "monthly": charts.bars(gettext("Collected by month"), [(month_words(m), c) for m, c, _ in p.monthly],
                               amount_filter, "monthly-chart"),
        "funnel": charts.bars(gettext("Debtors at each step after a reminder"),
                              [(portfolio_word(s.label), s.count) for s in p.reminder_funnel], str,
                              "funnel-chart"),
    }
    return render_template("receivables/portfolio.html", p=p, charts=drawn,
                           refresh_minutes=REFRESH_MINUTES)


@bp.get("/collections/portfolio.csv")
@login_required
def portfolio_csv():
    org_id = access.require_staff(current_user)
    figure = request.args.get("figure", "summary")
    if figure not in portfolio_figures.FIGURES:
        abort(400, gettext("Choose one of: %(figures)s.", figures=", ".join(portfolio_figures.FIGURES)))
    rows = portfolio_figures.csv_rows(portfolio_figures.build(org_id, today_ist()), figure)
    return Response(statement.rows_to_csv(rows), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="portfolio-{figure}.csv"'})


def _report_of(org_id: int, report_id: int) -> PaymentReport:
    report = db.session.get(PaymentReport, report_id)
    if report is None or report.case.creditor_org_id != org_id:
        abort(404)
    return report


@bp.post("/collections/reports/<int:report_id>/confirm")
@login_required
def confirm_payment(report_id: int):
    """The debtor said it paid (through the reminder link): the creditor confirms the money arrived,
    through portal.payments (a Payment, its receipt, the claim marked paid when nothing is left)."""
    org_id = access.require_staff(current_user)
    report = _report_of(org_id, report_id)
    require_fresh_form()
    payment = confirm_report(current_user, report, today_ist())  # a refusal: 409 from the app's handler
    flash(gettext("Payment of %(amount)s confirmed; the debtor has its receipt.",
                  amount=amount_filter(payment.amount)), "success")
    return redirect(url_for("receivables.debtor", party_id=report.case.debtor_party_id))


@bp.post("/collections/reports/<int:report_id>/reject")
@login_required
def reject_payment(report_id: int):
    org_id = access.require_staff(current_user)
    report = _report_of(org_id, report_id)
    require_fresh_form()
    reason = (request.form.get("reason") or "").strip()
    if not reason or len(reason) > 500:
        abort(422, gettext("Say why you reject the report (at most 500 characters)."))
    reject_report(current_user, report, reason)
    flash(gettext("Report rejected."), "success")
    return redirect(url_for("receivables.debtor", party_id=report.case.debtor_party_id))
