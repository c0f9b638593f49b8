"""The creditor's collections pages: follow-up levels (/collections), one debtor's reminder
settings, statement and promises (/collections/debtors/<id>)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.cases.intake import today_ist
from portal.cases.models import Case, Party
from portal.database import commit, rollback
from portal.extensions import db
from portal.formfields import choices
from portal.receivables import access, policies, promises, statement
from portal.receivables.blueprint import bp
from portal.receivables.forms import DebtorSettingForm, LevelForm, PromiseForm
from portal.receivables.models import Promise, Reminder
from portal.receivables.states import PromiseStatus
from portal.web.forms import require_fresh_form


@bp.get("/collections/")
@login_required
def settings():
    org_id = access.require_staff(current_user)
    policy = policies.policy_for(org_id)
    debtors = db.session.scalars(select(Party).where(Party.id.in_(
        select(Case.debtor_party_id).where(Case.creditor_org_id == org_id)))
        .order_by(Party.legal_name).limit(500)).all()
    commit()  # the default levels, seeded on the first visit
    return render_template("receivables/settings.html", policy=policy, debtors=debtors)


@bp.post("/collections/enabled")
@login_required
def set_enabled():
    org_id = access.require_staff(current_user, admin=True)
    require_fresh_form()
    value = request.form.get("enabled")
    if value not in ("on", "off"):
        abort(400, "Choose on or off.")
    policies.set_enabled(current_user, policies.policy_for(org_id), value == "on")
    commit()
    flash("Reminders are on: the next run sends those due." if value == "on" else
          "Reminders are off: nothing more is sent.", "success")
    return redirect(url_for("receivables.settings"))


@bp.route("/collections/levels/<int:level_id>", methods=["GET", "POST"])
@login_required
def edit_level(level_id: int):
    org_id = access.require_staff(current_user, admin=True)
    level = access.level_of(org_id, level_id)
    form = LevelForm(obj=level)
    if request.method == "GET":
        form.channels.data = level.channels.split(",")
    if form.validate_on_submit():
        try:
            policies.update_level(current_user, level, offset_days=form.offset_days.data,
                                  channels=form.channels.data or [],
                                  include_interest=form.include_interest.data,
                                  call_task=form.call_task.data, subject_en=form.subject_en.data,
                                  body_en=form.body_en.data, subject_hi=form.subject_hi.data,
                                  body_hi=form.body_hi.data)
        except policies.PolicyInvalid as exc:
            rollback()
            getattr(form, exc.field).errors.append(str(exc))
        else:
            commit()
            flash("Level saved.", "success")
            return redirect(url_for("receivables.settings"))
    return render_template("receivables/level.html", form=form, level=level), 422 if form.errors else 200


def _debtor_page(org_id: int, party: Party, setting_form=None, promise_form=None, status=200):
    setting = policies.setting_for(org_id, party.id)
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
    return render_template("receivables/debtor.html", party=party, rows=rows, setting_form=setting_form,
                           promise_form=promise_form, promises=open_promises, reminders=reminders,
                           numbers=numbers, record=promises.record_of(org_id, party.id),
                           open_status=PromiseStatus.OPEN), status


@bp.get("/collections/debtors/<int:party_id>")
@login_required
def debtor(party_id: int):
    org_id = access.require_staff(current_user)
    party = access.debtor_of(org_id, party_id)
    page = _debtor_page(org_id, party)
    commit()  # the debtor's settings row, made on first sight
    return page


@bp.post("/collections/debtors/<int:party_id>/settings")
@login_required
def save_debtor_settings(party_id: int):
    org_id = access.require_staff(current_user)
    party = access.debtor_of(org_id, party_id)
    form = DebtorSettingForm()
    if not form.validate_on_submit():
        return _debtor_page(org_id, party, setting_form=form, status=422)
    try:
        policies.update_setting(current_user, policies.setting_for(org_id, party.id),
                                mode=form.mode.data, paused_until=form.paused_until.data,
                                language=form.language.data,
                                preferred_channel=form.preferred_channel.data or None, today=today_ist())
    except policies.PolicyInvalid as exc:
        rollback()
        getattr(form, exc.field).errors.append(str(exc))
        return _debtor_page(org_id, party, setting_form=form, status=422)
    commit()
    flash("Reminder settings saved.", "success")
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
    try:
        promises.make(current_user, invoice, form.amount.data, form.promised_for.data,
                      made_how="staff after a call", today=today_ist(), note=form.note.data or "")
    except promises.PromiseInvalid as exc:
        rollback()
        getattr(form, exc.field).errors.append(str(exc))
        return _debtor_page(org_id, party, promise_form=form, status=422)
    commit()
    flash("Promise recorded: reminders for the invoice wait until it is decided.", "success")
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
    commit()
    flash("Promise cancelled.", "success")
    return redirect(url_for("receivables.debtor", party_id=promise.party_id))
