"""The platform admin's Bank Rate page: list, add and edit, each change audited."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.accounts import Action, require
from portal.extensions import db
from portal.formatting import day
from portal.i18n import N_, gettext, language
from portal.rates import services
from portal.rates.forms import BankRateForm
from portal.rates.models import BankRate

bp = Blueprint("rates", __name__, url_prefix="/admin/bank-rates")


def _list_page(form: BankRateForm, status: int = 200):
    return render_template("rates/list.html", rates=services.list_rates(), form=form,
                           max_rate=services.MAX_RATE), status


@bp.get("")
@login_required
def list_rates():
    require(current_user, Action.ADMIN_PLATFORM)
    return _list_page(BankRateForm(formdata=None))


@bp.post("")
@login_required
def add_rate():
    require(current_user, Action.ADMIN_PLATFORM)
    form = BankRateForm()
    if form.validate_on_submit():
        try:
            with db.session.begin_nested():  # as boundary.attempt, keeping the errors' fields
                row = services.add_rate(current_user, form.parsed_date, form.parsed_rate,
                                        form.source_note.data)
        except services.RateInvalid as exc:
            form.attach(exc.errors)
        else:
            flash(gettext("Bank Rate %(rate)s%% from %(date)s added.", rate=row.rate_percent,
                          date=day(row.effective_from, language(), "%d %b %Y")), "success")
            return redirect(url_for("rates.list_rates"))
    return _list_page(form, 422)


@bp.route("/<int:rate_id>/edit", methods=["GET", "POST"])
@login_required
def edit_rate(rate_id: int):
    require(current_user, Action.ADMIN_PLATFORM)
    row = db.session.get(BankRate, rate_id)
    if row is None:
        abort(404, N_("No such bank-rate row."))
    form = BankRateForm(formdata=None, data={
        "effective_from": row.effective_from.isoformat(), "rate_percent": f"{row.rate_percent}",
        "source_note": row.source_note})
    if request.method == "POST":
        form = BankRateForm()
        if form.validate_on_submit():
            try:
                with db.session.begin_nested():  # as boundary.attempt, keeping the errors' fields
                    changed = services.change_rate(current_user, row, form.parsed_date,
                                                   form.parsed_rate, form.source_note.data)
            except services.RateInvalid as exc:
                form.attach(exc.errors)
            else:
                flash(gettext("Bank Rate updated.") if changed else gettext("Nothing was changed."),
                      "success")
                return redirect(url_for("rates.list_rates"))
        return render_template("rates/edit.html", row=row, form=form), 422
    return render_template("rates/edit.html", row=row, form=form)
