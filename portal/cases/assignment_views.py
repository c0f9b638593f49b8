"""The case's advocate: assigned or changed on the case page, assigned to many cases from the list,
declined by the advocate (a confirmation page with the reason). Parse, authorize, call, render."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.accounts import Action, can, require
from portal.cases import assignment
from portal.cases.assignment_forms import AssignAdvocateForm, BulkAssignForm, DeclineForm
from portal.cases.models import Case
from portal.cases.services import visible_cases
from portal.cases.views import bp, load_case, render_case, render_list
from portal.extensions import db
from portal.i18n import gettext, language, ngettext
from portal.web.boundary import attempt
from portal.web.labels import label


@bp.post("/<reference>/advocate")
@login_required
def assign_advocate(reference: str):
    case = load_case(reference)
    require(current_user, Action.ASSIGN_ADVOCATE, case)
    form = AssignAdvocateForm()
    form.advocate_id.offer(assignment.engaged_advocates(case.creditor_org_id))
    if not form.validate_on_submit():
        return render_case(case, advocate_form=form, status=422)
    if form.is_stale(case.advocate_id):
        if case.advocate:
            form.advocate_id.errors.append(gettext(
                "The case's advocate changed after you opened this page (it is now %(advocate)s). Check, "
                "then choose again.", advocate=case.advocate.name))
        else:
            form.advocate_id.errors.append(gettext(
                "The case's advocate changed after you opened this page (it is now nobody). Check, then "
                "choose again."))
        form.current.data = str(case.advocate_id or "")
        return render_case(case, advocate_form=form, status=409)
    advocate = form.advocate_id.advocate
    changed = attempt(lambda: assignment.assign_advocate(current_user, case, advocate),
                      form.advocate_id.errors)
    if form.advocate_id.errors:
        return render_case(case, advocate_form=form, status=409)
    if changed:
        flash(gettext("%(advocate)s is now the advocate of %(reference)s and has been e-mailed.",
                      advocate=advocate.name, reference=reference), "success")
    else:
        flash(gettext("%(advocate)s already was the advocate of %(reference)s; nothing changed.",
                      advocate=advocate.name, reference=reference), "info")
    return redirect(url_for("cases.show_case", reference=reference))


@bp.post("/assign")
@login_required
def assign_selected():
    require(current_user, Action.ASSIGN_ADVOCATES)
    form = BulkAssignForm()
    form.advocate_id.offer(assignment.engaged_advocates(current_user.org_id))
    if not form.validate_on_submit():
        return render_list(bulk_form=form, status=422)
    found = db.session.scalars(visible_cases(current_user).where(Case.id.in_(form.case_ids))).all()
    permitted = [c for c in found if can(current_user, Action.ASSIGN_ADVOCATE, c)]
    refused = [gettext("%(reference)s: its advocate cannot be changed now (%(status)s)",
                       reference=c.reference, status=label(c.status, language()))
               for c in found if c not in permitted]
    missing = len(form.case_ids) - len(found)
    if missing:  # another organisation's case, or one deleted since: not named
        refused.append(gettext("%(count)s of the ticked cases could not be found.", count=missing))
    advocate = form.advocate_id.advocate
    result = assignment.assign_many(current_user, permitted, advocate)
    refused += [f"{case.reference}: {reason}" for case, reason in result.refused]
    if not result.assigned and not result.unchanged:  # a 409: the boundary keeps nothing of it
        form.form_errors.extend([gettext("No case was assigned.")] + refused)
        return render_list(bulk_form=form, status=409)
    if result.assigned:
        flash(ngettext("%(advocate)s is now the advocate of %(num)d case and has been e-mailed: "
                       "%(references)s.",
                       "%(advocate)s is now the advocate of %(num)d cases and has been e-mailed: "
                       "%(references)s.", len(result.assigned), advocate=advocate.name,
                       references=", ".join(c.reference for c in result.assigned)), "success")
    if result.unchanged:
        flash(gettext("%(advocate)s already was the advocate of %(references)s.", advocate=advocate.name,
                      references=", ".join(c.reference for c in result.unchanged)), "info")
    if refused:
        flash(gettext("Not assigned: %(refusals)s", refusals="; ".join(refused)), "info")
    return redirect(url_for("cases.list_cases"))


@bp.route("/<reference>/decline", methods=["GET", "POST"])
@login_required
def decline_case(reference: str):
    case = load_case(reference)
    require(current_user, Action.DECLINE_CASE, case)
    form = DeclineForm()
    if form.validate_on_submit():
        attempt(lambda: assignment.decline(current_user, case, form.reason.data), form.reason.errors)
        if not form.reason.errors:
            flash(gettext("You declined %(reference)s. %(creditor)s has been told your reason.",
                          reference=reference, creditor=case.creditor.legal_name), "success")
            return redirect(url_for("cases.list_cases"))
    status = 422 if form.errors else 200
    return render_template("cases/decline.html", case=case, form=form), status
