"""The appointed conciliator's disclosure and acceptance (/odr/<reference>/conciliator): the Sixth
Schedule form the arbitrator files, used for conciliation too; until it is filed the conciliator
does not act in the case (policy: conciliator_may_act)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from arbitration.odr import conciliation
from arbitration.odr.blueprint import bp
from arbitration.tribunal.appointments import DisclosureIncomplete
from arbitration.tribunal.conflicts import conflicts
from arbitration.tribunal.forms import DisclosureForm
from portal.accounts import Action
from portal.cases import case_for as load
from portal.i18n import gettext


@bp.route("/odr/<reference>/conciliator", methods=["GET", "POST"])
@login_required
def accept_conciliation(reference: str):
    case = load(reference, Action.ACCEPT_CONCILIATION)
    accepted = conciliation.acceptance(case, current_user.id)
    form = DisclosureForm(data=None if request.method == "POST" else {
        "name": current_user.name, "contact": current_user.email})
    problems: list[str] = []
    if accepted is None and form.validate_on_submit():
        try:
            conciliation.accept(current_user, case, form.answers())
        except DisclosureIncomplete as incomplete:
            problems = incomplete.problems
        else:
            flash(gettext("You are the conciliator in %(reference)s; the parties are told.",
                          reference=case.reference), "success")
            return redirect(url_for("odr.room", reference=case.reference))
    status = 422 if form.is_submitted() and accepted is None else 200
    if accepted is not None and form.is_submitted():
        status = 409
        problems = [gettext("You have already disclosed and accepted in this case.")]
    return render_template("arbitration/conciliator_accept.html", case=case, form=form, accepted=accepted,
                           problems=problems, conflicts=conflicts(case, current_user)), status
