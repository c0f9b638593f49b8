"""The debtor's own account: created from a personal-link session ("see all cases against you"),
then the list of the debtor's cases after a normal login."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user

from portal.accounts import Action, record_login, require
from portal.debtor import account
from portal.debtor.case_views import load
from portal.debtor.forms import AccountForm
from portal.debtor.language import current, localise_form
from portal.errors import DomainError
from portal.extensions import limiter
from portal.i18n import gettext
from portal.onetime_codes import CodeError, mask
from portal.web.boundary import keep_changes

bp = Blueprint("debtor_account", __name__)


def _is_guest() -> bool:
    return getattr(current_user, "link_case_id", None) is not None


@bp.get("/d/")
@login_required
def my_cases():
    require(current_user, Action.DEBTOR_CASES)
    return render_template("debtor/cases.html", cases=account.cases_of(current_user), guest=_is_guest())


def _page(case, form, status: int = 200, *, code_sent_to: str | None = None):
    localise_form(form)
    return render_template("debtor/account.html", case=case, form=form, code_sent_to=code_sent_to,
                           proven=account.proven_email(current_user),
                           has_account=case.debtor.user_id is not None), status


@bp.route("/d/<reference>/account", methods=["GET", "POST"])
@login_required
@limiter.limit("20 per hour", methods=["POST"])
def create_account(reference: str):
    case = load(reference)
    if not _is_guest():  # already signed in with an account: nothing to create
        flash(gettext("You are signed in with your account already."), "info")
        return redirect(url_for("debtor_account.my_cases"))
    if request.method == "GET":
        form = AccountForm(formdata=None, email=account.proven_email(current_user) or "")
        return _page(case, form)
    form = AccountForm()
    if not form.validate():
        return _page(case, form, 422)
    ip = request.remote_addr or ""
    try:
        user = account.create(current_user, case, name=form.name.data, email=form.email.data,
                              password=form.password.data, code=form.code.data, ip=ip)
    except account.CodeNeeded:
        try:
            row = account.send_code(current_user, case, form.email.data, ip, current())
        except CodeError as exc:
            form.email.errors.append(str(exc))
            return _page(case, form, exc.status)
        return _page(case, form, code_sent_to=row.masked_destination)
    except CodeError as exc:
        keep_changes()  # the wrong try counts, though the answer is a 4xx
        form.code.errors.append(str(exc))
        return _page(case, form, exc.status, code_sent_to=mask(form.email.data))
    except DomainError as exc:
        form.form_errors.append(str(exc))
        return _page(case, form, 409)
    # From now on the debtor signs in with its account: a fresh session, as a normal login makes.
    flashes = session.get("_flashes")
    session.clear()
    if flashes:
        session["_flashes"] = flashes
    login_user(user)
    record_login(user)
    flash(gettext("Your account is ready. Next time, log in with your e-mail and password to see every "
                  "case against your business."), "success")
    return redirect(url_for("debtor_account.my_cases"))
