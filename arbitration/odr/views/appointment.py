"""The institution's side of conciliation: the platform admin's list of open requests for a
conciliator, and the appointment of a neutral (which starts conciliation)."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from arbitration.odr import conciliation
from arbitration.odr.blueprint import bp
from arbitration.odr.forms import AppointForm
from portal.accounts import Action, User, require
from portal.cases import load_case
from portal.extensions import db
from portal.i18n import gettext


@bp.get("/admin/conciliation-requests")
@login_required
def conciliation_requests():
    require(current_user, Action.ADMIN_PLATFORM)
    return render_template("arbitration/conciliation_requests.html", requests=conciliation.open_requests())


@bp.route("/odr/<reference>/appoint", methods=["GET", "POST"])
@login_required
def appoint_neutral(reference: str):
    case = load_case(reference)
    require(current_user, Action.APPOINT_NEUTRAL, case)
    form = AppointForm()
    form.neutral_id.choices = [(u.id, f"{u.name} ({u.email})") for u in conciliation.neutrals()]
    if form.validate_on_submit():
        neutral = db.session.get(User, form.neutral_id.data)
        conciliation.appoint_neutral(current_user, case, neutral)
        flash(gettext("%(name)s is appointed conciliator for %(reference)s; conciliation has started.",
                      name=neutral.name, reference=case.reference), "success")
        return redirect(url_for("odr.conciliation_requests"))
    status = 422 if form.is_submitted() else 200
    return render_template("arbitration/appoint.html", case=case, form=form,
                           pending=conciliation.open_request(case)), status
