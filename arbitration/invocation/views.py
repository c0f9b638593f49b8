"""Invoking arbitration: the basis page (record the clause, propose a submission agreement and accept
it by code, or take the MSMED Act route with its export), the s.21 notice drafted from the case, and
serving it, which moves the case into arbitration.

Thin: parse, authorize with policy.require, call arbitration.invocation.basis / invocation, redirect;
the request boundary (portal/web/boundary.py) commits or rolls back. The debtor (account or personal
link) reads the page and accepts a submission agreement here.
"""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from arbitration.invocation import basis as bases
from arbitration.invocation import filing_pack
from arbitration.invocation import notice as invocation
from arbitration.invocation.blueprint import bp
from arbitration.invocation.forms import ClauseForm, CodeForm, InvokeForm, SeatForm, SendCodeForm
from arbitration.invocation.models import BasisKind, BasisStatus
from evidence import documents_for
from portal.accounts import Action, can
from portal.cases import Case, ClaimType, today_ist
from portal.cases import case_for as load
from portal.errors import DomainError
from portal.extensions import limiter
from portal.i18n import gettext, language
from portal.lifecycle import IllegalTransition
from portal.onetime_codes import CodeError
from portal.web.boundary import attempt, keep_changes, on_refusal
from portal.web.forms import require_fresh_form


def _clause_form(case: Case, form: ClauseForm | None = None) -> ClauseForm:
    form = form or ClauseForm(formdata=None)
    form.document_id.choices = [(d.id, f"{d.original_filename} ({d.kind.value})")
                                for d in documents_for(case, include_withdrawn=False)]
    return form


def _send_form(basis, form: SendCodeForm | None = None) -> SendCodeForm:
    form = form or SendCodeForm(formdata=None, destination=0)
    form.destination.choices = [(i, d.label) for i, d in enumerate(bases.destinations(basis, current_user))]
    return form


def render_page(case: Case, *, status: int = 200, **forms):
    basis = bases.current(case)
    ctx = {"case": case, "basis": basis, "buttons": FlaskForm(),
           "notice": invocation.current_notice(case), "commenced_on": invocation.commenced_on(case),
           "receipt": invocation.receipt_of(case),
           "may_record": can(current_user, Action.RECORD_ARBITRATION_BASIS, case),
           "may_invoke": can(current_user, "transition:invoke_arbitration", case),
           "msmed_open": case.claim_type == ClaimType.MSMED_INVOICE and case.creditor.msmed_eligible,
           "may_export": can(current_user, Action.EXPORT_BUNDLE, case)}
    if ctx["may_record"]:
        ctx["clause_form"] = _clause_form(case, forms.get("clause_form"))
        ctx["seat_form"] = forms.get("seat_form") or SeatForm(formdata=None)
    if ctx["may_invoke"]:
        ctx["invoke_form"] = forms.get("invoke_form") or InvokeForm(formdata=None)
    awaiting = basis is not None and basis.status == BasisStatus.AWAITING_ACCEPTANCE
    if awaiting and can(current_user, Action.ACCEPT_SUBMISSION_AGREEMENT, case):
        side = bases.party_side(current_user, case)
        ctx.update(my_side=side, refusal=bases.refusal(basis, side),
                   send_form=_send_form(basis, forms.get("send_form")),
                   code_form=forms.get("code_form") or CodeForm(formdata=None))
    return render_template("arbitration/invocation/show.html", **ctx), status


def _invalid(form: FlaskForm) -> int:
    return 400 if form.csrf_token.errors else 422


@bp.get("/<reference>/invocation")
@login_required
def show(reference: str):
    return render_page(load(reference, Action.VIEW_ARBITRATION_BASIS))


@bp.post("/<reference>/invocation/clause")
@login_required
def record_clause(reference: str):
    case = load(reference, Action.RECORD_ARBITRATION_BASIS)
    form = _clause_form(case, ClauseForm())
    if not form.validate_on_submit():
        return render_page(case, clause_form=form, status=_invalid(form))
    if attempt(lambda: bases.record_clause(
            current_user, case, document_id=form.document_id.data, page=form.page.data,
            clause_text=form.clause_text.data, seat=form.seat.data), form.form_errors) is None:
        return render_page(load(reference, Action.RECORD_ARBITRATION_BASIS), clause_form=form, status=422)
    flash(gettext("The arbitration clause is on record. Now draft the notice invoking arbitration."),
          "success")
    return redirect(url_for("invocation.show", reference=reference))


@bp.post("/<reference>/invocation/submission-agreement")
@login_required
def propose_submission(reference: str):
    case = load(reference, Action.RECORD_ARBITRATION_BASIS)
    form = SeatForm()
    if not form.validate_on_submit():
        return render_page(case, seat_form=form, status=_invalid(form))
    if attempt(lambda: bases.propose_submission_agreement(current_user, case, seat=form.seat.data),
               form.form_errors) is None:
        return render_page(load(reference, Action.RECORD_ARBITRATION_BASIS), seat_form=form, status=422)
    flash(gettext("The submission agreement is ready. Each party accepts it here with a one-time code."),
          "success")
    return redirect(url_for("invocation.show", reference=reference))


@bp.get("/<reference>/invocation/submission-agreement.pdf")
@login_required
def submission_pdf(reference: str):
    case = load(reference, Action.VIEW_ARBITRATION_BASIS)
    basis = bases.current(case)
    if basis is None or basis.kind != BasisKind.SUBMISSION_AGREEMENT:
        abort(404, "This case has no submission agreement.")
    sha = basis.sealed_sha256 or basis.agreement_sha256
    name = f"submission-agreement-{case.reference}{'-sealed' if basis.sealed_sha256 else ''}.pdf"
    return Response(bases.read_pdf(sha), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


def _awaiting_basis(case: Case):
    basis = bases.current(case)
    if basis is None or basis.status != BasisStatus.AWAITING_ACCEPTANCE:
        abort(409, "There is no submission agreement awaiting acceptance.")
    return basis


@bp.post("/<reference>/invocation/submission-agreement/code")
@login_required
@limiter.limit("10/hour")
def send_code(reference: str):
    case = load(reference, Action.ACCEPT_SUBMISSION_AGREEMENT)
    basis = _awaiting_basis(case)
    form = _send_form(basis, SendCodeForm())
    if not form.validate_on_submit():
        return render_page(case, send_form=form, status=_invalid(form))
    try:  # any other DomainError: 409, from the app's handler
        row = bases.send_code(basis, current_user, form.destination.data, request.remote_addr or "",
                              language())  # the page's: a debtor's chosen language, else English
    except CodeError as exc:
        form.form_errors.append(str(exc))
        return render_page(load(reference, Action.ACCEPT_SUBMISSION_AGREEMENT), send_form=form,
                           status=exc.status)
    flash(gettext("A code was sent to %(destination)s.", destination=row.masked_destination), "success")
    return redirect(url_for("invocation.show", reference=reference))


@bp.post("/<reference>/invocation/submission-agreement/accept")
@login_required
@limiter.limit("20/hour")
def accept(reference: str):
    case = load(reference, Action.ACCEPT_SUBMISSION_AGREEMENT)
    basis = _awaiting_basis(case)
    form = CodeForm()
    if not form.validate_on_submit():
        return render_page(case, code_form=form, status=_invalid(form))
    try:  # any other DomainError: 409, from the app's handler
        complete = bases.accept_with_code(basis, current_user, form.code.data, request.remote_addr or "")
    except CodeError as exc:
        keep_changes()  # the wrong try counts
        form.code.errors.append(str(exc))
        return render_page(case, code_form=form, status=exc.status)
    flash(gettext("Both parties have accepted: the submission agreement is complete and sealed.") if complete
          else gettext("Your acceptance is recorded. The agreement is complete once the other party "
                       "accepts."), "success")
    return redirect(url_for("invocation.show", reference=reference))


@bp.post("/<reference>/invocation/msmed")
@login_required
def choose_msmed(reference: str):
    case = load(reference, Action.RECORD_ARBITRATION_BASIS)
    require_fresh_form()
    bases.choose_msmed_route(current_user, case)  # DomainError: 409
    flash(gettext("The MSMED Act route is chosen. Download the export and file it on the MSME ODR portal."),
          "success")
    return redirect(url_for("invocation.show", reference=reference))


@bp.get("/<reference>/invocation/msmed-export.zip")
@login_required
def msmed_zip(reference: str):
    case = load(reference, Action.EXPORT_BUNDLE)
    basis = bases.current(case)
    if basis is None or basis.kind != BasisKind.MSMED_REFERENCE:
        abort(404, "Choose the MSMED Act route first.")
    spooled = filing_pack.build(current_user, case, today_ist())  # DomainError: 409
    return Response(_stream(spooled), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="msme-odr-filing-{case.reference}.zip"'})


def _stream(spooled):
    try:
        while chunk := spooled.read(256 * 1024):
            yield chunk
    finally:
        spooled.close()


def _draft_refused(exc: DomainError, reference: str):
    flash(str(exc), "error")
    return render_page(load(reference, Action.RECORD_ARBITRATION_BASIS), status=409)


@bp.post("/<reference>/invocation/notice")
@login_required
@on_refusal(_draft_refused)
def draft_notice(reference: str):
    case = load(reference, Action.RECORD_ARBITRATION_BASIS)
    require_fresh_form()
    notice = invocation.draft_notice(current_user, case, today_ist())
    flash(gettext("The notice invoking arbitration is drafted. Submit it to your advocate to approve and "
                  "sign."), "success")
    return redirect(url_for("notices.show_notice", notice_id=notice.id))


def _invoke_refused(exc: DomainError, reference: str):
    form = InvokeForm()  # the posted choices again, with the refusal on the form
    form.form_errors.append(str(exc))
    status = 409 if isinstance(exc, IllegalTransition) else 422
    return render_page(load(reference, Action.VIEW_ARBITRATION_BASIS), invoke_form=form, status=status)


@bp.post("/<reference>/invocation/invoke")
@login_required
@on_refusal(_invoke_refused)
def invoke(reference: str):
    case = load(reference, "transition:invoke_arbitration")
    form = InvokeForm()
    if not form.validate_on_submit():
        return render_page(case, invoke_form=form, status=_invalid(form))
    invocation.invoke(current_user, case, form.channels())
    flash(gettext("Arbitration is invoked: the notice is being served. The proceedings commence on the day "
                  "the respondent receives it."), "success")
    return redirect(url_for("invocation.show", reference=reference))
