"""Claim intake pages: the guided form to file a new case and to edit one while still editable."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.accounts import Action, require
from portal.cases import intake
from portal.cases.assignment import engaged_advocates, usual_advocate
from portal.cases.facts import FactsInvalid
from portal.cases.forms import CaseForm, NewCaseForm
from portal.cases.views import bp, load_case
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import gettext


def _grow(form: CaseForm) -> bool:
    """The no-JavaScript 'add a row' buttons: re-render with one more blank row."""
    if "add_invoice" in request.form:
        form.invoices.append_entry()
        return True
    if "add_payment" in request.form:
        form.payments.append_entry()
        return True
    return False


def _render(form: CaseForm, case=None, status: int = 200):
    org = current_user.organization if case is None else case.creditor
    return render_template("cases/form.html", form=form, case=case, org=org), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_case():
    require(current_user, Action.CREATE_CASE)
    form = NewCaseForm()
    org_id = current_user.org_id
    form.advocate_id.offer(engaged_advocates(org_id), default=usual_advocate(org_id))
    if request.method == "POST" and _grow(form):
        return _render(form)
    if form.validate_on_submit():
        try:
            with db.session.begin_nested():  # as boundary.attempt: a refusal undoes only this
                case = intake.create_case(current_user, form.to_facts(), advocate=form.advocate_id.advocate)
        except FactsInvalid as exc:
            form.apply_errors(exc.errors)
        except DomainError as exc:
            form.form_errors.append(str(exc))
        else:
            if case.advocate:
                flash(gettext("Case %(reference)s saved as a draft. %(advocate)s is its advocate and has "
                              "been told. Check it, add evidence, then file it.", reference=case.reference,
                              advocate=case.advocate.name), "success")
            else:
                flash(gettext("Case %(reference)s saved as a draft. Check it, add evidence, then file it.",
                              reference=case.reference), "success")
            return redirect(url_for("cases.show_case", reference=case.reference))
    return _render(form, status=422 if request.method == "POST" else 200)


@bp.route("/<reference>/edit", methods=["GET", "POST"])
@login_required
def edit_case(reference: str):
    case = load_case(reference)
    require(current_user, Action.EDIT_CASE, case)
    form = CaseForm()
    if request.method == "GET":
        form.fill(intake.facts_from_case(case))
        return _render(form, case)
    if _grow(form):
        return _render(form, case)
    if form.validate_on_submit():
        try:
            with db.session.begin_nested():  # as boundary.attempt, keeping FactsInvalid's field errors
                intake.update_case(current_user, case, form.to_facts())
        except FactsInvalid as exc:
            form.apply_errors(exc.errors)
        except DomainError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(gettext("Saved. This is version %(version)s of the case facts.",
                          version=case.facts_version), "success")
            return redirect(url_for("cases.show_case", reference=reference))
    return _render(form, case, 422)
