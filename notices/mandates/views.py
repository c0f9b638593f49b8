"""Mandate pages: the organisation's administrator accepts with a code on the Team page, the advocate
countersigns with its DSC on its Mandates page; both download the PDF."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from notices.mandates import granting as mandates
from notices.mandates.blueprint import bp
from notices.mandates.forms import MandateAcceptForm, MandateSignForm
from notices.mandates.models import Mandate
from notices.signing.token_keys import uses_token
from portal.accounts import Action, Engagement, Role, User, render_team, require
from portal.extensions import db, limiter
from portal.i18n import N_, gettext
from portal.onetime_codes import CodeError
from portal.web.boundary import attempt, keep_changes, on_refusal
from portal.web.forms import ConfirmForm, require_fresh_form


def _engaged_advocate(advocate_id: int) -> User:
    """An advocate engaged by the current user's organisation (404 for any other)."""
    require(current_user, Action.MANAGE_ORG)
    engaged = db.session.scalar(db.select(Engagement).where(Engagement.org_id == current_user.org_id,
                                                            Engagement.advocate_id == advocate_id))
    advocate = db.session.get(User, advocate_id)
    if engaged is None or advocate is None:
        abort(404, N_("That advocate is not engaged by your organisation."))
    return advocate


def _refused(advocate: User, message: str, status: int):

    return render_team(mandate_error=(advocate.id, message)), status


def _refusal(exc, advocate_id: int):
    """A refused code or acceptance, on the Team page (the request's changes are rolled back)."""
    return _refused(db.session.get(User, advocate_id), str(exc), getattr(exc, "status", 409))


@bp.post("/mandates/<int:advocate_id>/code")
@login_required
@limiter.limit("10 per hour")
@on_refusal(_refusal)
def send_mandate_code(advocate_id: int):
    """E-mail the administrator a one-time code to accept the mandate (no authentication app)."""
    advocate = _engaged_advocate(advocate_id)
    require_fresh_form()
    row = mandates.send_code(current_user, advocate, request.remote_addr or "")
    flash(gettext("Code sent to %(destination)s. Enter it to accept the mandate.",
                  destination=row.masked_destination), "success")
    return redirect(url_for("accounts.team"))


@bp.post("/mandates/<int:advocate_id>")
@login_required
@limiter.limit("20 per hour")
@on_refusal(_refusal)
def grant_mandate(advocate_id: int):
    """The organisation's administrator accepts the mandate for an engaged advocate with a code."""
    advocate = _engaged_advocate(advocate_id)
    form = MandateAcceptForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400, N_("Your form had expired. Please try again."))
        return _refused(advocate, gettext("Enter the six-digit code."), 422)
    try:
        mandates.accept(current_user, advocate, form.code.data, request.remote_addr or "")
    except CodeError as exc:
        keep_changes()  # the wrong try counts (nothing else was stored)
        return _refused(advocate, str(exc), exc.status)
    flash(gettext("Mandate accepted and sealed. %(advocate)s must now countersign it with their digital "
                  "signature certificate.", advocate=advocate.name), "success")
    return redirect(url_for("accounts.team"))


@bp.get("/mandates")
@login_required
def advocate_mandates():
    """The advocate's mandates: awaiting its signature, and in force."""
    require(current_user, Action.SIGN_MANDATE)
    return _mandates_page()


def _mandates_page(error: tuple[int, str] | None = None, form: MandateSignForm | None = None):
    return render_template("notices/mandates.html", mandates=mandates.for_advocate(current_user),
                           form=form or MandateSignForm(formdata=None), error=error,
                           token=uses_token(current_user))


def _load(mandate_id: int) -> Mandate:
    mandate = db.session.get(Mandate, mandate_id)
    if mandate is None or mandate.revoked_at is not None:
        abort(404, N_("No such mandate."))
    return mandate


@bp.post("/mandates/<int:mandate_id>/sign")
@login_required
@limiter.limit("20 per hour")
def sign_mandate(mandate_id: int):
    """The advocate countersigns the sealed mandate with its DSC: the mandate comes into force."""
    require(current_user, Action.SIGN_MANDATE)
    mandate = _load(mandate_id)
    if mandate.advocate_id != current_user.id:
        abort(404, N_("No such mandate."))
    form = MandateSignForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400, N_("Your form had expired. Please try again."))
        return _mandates_page((mandate.id, gettext("Check the PIN.")), form), 422
    errors: list[str] = []
    attempt(lambda: mandates.countersign(current_user, mandate, pin=form.pin.data or None), errors)
    if errors:
        return _mandates_page((mandate_id, errors[0]), form), 422
    flash(gettext("Mandate of %(creditor)s signed: it is now in force.",
                  creditor=mandate.organization.legal_name), "success")
    return redirect(url_for("notices.advocate_mandates"))


@bp.get("/mandates/<int:mandate_id>/mandate.pdf")
@login_required
def mandate_pdf(mandate_id: int):
    """The latest PDF of the mandate, for its organisation's administrator and its advocate."""
    if current_user.role == Role.ADVOCATE:
        require(current_user, Action.SIGN_MANDATE)
        mandate = _load(mandate_id)
        mine = mandate.advocate_id == current_user.id
    else:
        require(current_user, Action.MANAGE_ORG)
        mandate = _load(mandate_id)
        mine = mandate.org_id == current_user.org_id
    if not mine or mandate.pdf_sha256 is None:
        abort(404, N_("No such mandate."))
    name = f"mandate-{mandate.id}{'' if mandate.in_force else '-awaiting-advocate'}.pdf"
    return Response(mandates.read_pdf(mandate.pdf_sha256), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/mandates/<int:mandate_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke_mandate(mandate_id: int):
    """The organisation's administrator revokes a mandate, after a page that asks first and takes the
    reason (issue 16, item 7)."""
    require(current_user, Action.MANAGE_ORG)
    mandate = _load(mandate_id)  # a revoked one is gone (404)
    if mandate.org_id != current_user.org_id:
        abort(404, N_("No such mandate."))
    form = ConfirmForm()
    if form.validate_on_submit():
        mandates.revoke(current_user, mandate, form.reason.data)
        flash(gettext("Mandate revoked: %(advocate)s can no longer approve or sign notices for "
                      "%(organisation)s. Notices already served stay served.",
                      advocate=mandate.advocate.name, organisation=mandate.organization.legal_name),
              "success")
        return redirect(url_for("accounts.team"))
    status = 422 if form.errors else 200
    return render_template("notices/revoke_mandate.html", mandate=mandate, form=form), status
