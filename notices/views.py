"""Notice pages: draft and preview (creditor), review queue, diff, comments, approval (advocate)."""
from __future__ import annotations

import difflib

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from notices import services
from notices.drafting import render_notice_pdf
from notices.forms import ApproveForm, CommentForm, DraftNoticeForm, VerifyUploadForm
from notices.models import Notice, NoticeLanguage, NoticeStatus
from portal.accounts.policy import Action, require
from portal.accounts.roles import Role
from portal.cases.intake import today_ist
from portal.cases.models import Case
from portal.cases.states import DomainError
from portal.cases.views import load_case
from portal.database import commit, rollback
from portal.extensions import db, limiter
from portal.web.forms import require_fresh_form

bp = Blueprint("notices", __name__)


def load_notice(notice_id: int) -> Notice:
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        abort(404, "No such notice.")
    require(current_user, Action.VIEW_NOTICE_DRAFT, notice.case)
    return notice


def _diff(notice: Notice) -> list[tuple[str, str]]:
    if len(notice.versions) < 2:
        return []
    old, new = notice.versions[-2].body_text.splitlines(), notice.versions[-1].body_text.splitlines()
    return [(line[0], line[2:]) for line in difflib.ndiff(old, new) if line[0] in " +-"]


def _page(notice: Notice, *, comment_form=None, approve_form=None, status=200):
    from notices.signing_providers import signing_choices

    return render_template("notices/show.html", notice=notice, case=notice.case, diff=_diff(notice),
                           signing=signing_choices(notice),
                           form=FlaskForm(), comment_form=comment_form or CommentForm(formdata=None),
                           approve_form=approve_form or ApproveForm(formdata=None),
                           is_creditor=current_user.role == Role.CREDITOR,
                           is_reviewer=current_user.role == Role.ADVOCATE
                           and notice.case.advocate_id == current_user.id), status


@bp.route("/cases/<reference>/notices/new", methods=["GET", "POST"])
@login_required
def new_notice(reference: str):
    case = load_case(reference)
    require(current_user, Action.DRAFT_NOTICE, case)
    form = DraftNoticeForm()
    if form.validate_on_submit():
        cheque = None
        if form.cheque_number.data:
            cheque = services.ChequeDetails(form.cheque_number.data, form.cheque_bank.data,
                                            form.cheque_date.data, form.cheque_amount.data,
                                            form.memo_date.data, form.dishonour_reason.data)
        try:
            notice = services.start_notice(current_user, case, today_ist(),
                                           language=NoticeLanguage(form.language.data),
                                           pay_within_days=form.pay_within_days.data, cheque=cheque)
        except DomainError as exc:
            rollback()
            form.form_errors.append(str(exc))
        else:
            commit()
            flash("Draft notice prepared. Preview it, then submit it to your advocate.", "success")
            return redirect(url_for("notices.show_notice", notice_id=notice.id))
    return render_template("notices/new.html", form=form, case=case), 422 if form.errors else 200


@bp.get("/notices/<int:notice_id>")
@login_required
def show_notice(notice_id: int):
    return _page(load_notice(notice_id))


@bp.get("/notices/<int:notice_id>/preview.pdf")
@login_required
def preview_pdf(notice_id: int):
    notice = load_notice(notice_id)
    pdf = render_notice_pdf(notice.current.body_html)
    name = f"draft-{notice.case.reference}-v{notice.current.version}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


def _act(notice_id: int, action: Action, fn, message: str):
    notice = load_notice(notice_id)
    require(current_user, action, notice.case)
    require_fresh_form()
    try:
        fn(notice)
    except DomainError as exc:
        rollback()
        flash(str(exc), "error")
        return _page(notice, status=409)
    commit()
    flash(message, "success")
    return redirect(url_for("notices.show_notice", notice_id=notice_id))


@bp.post("/notices/<int:notice_id>/revise")
@login_required
def revise_notice(notice_id: int):
    return _act(notice_id, Action.DRAFT_NOTICE,
                lambda n: services.revise(current_user, n, today_ist()), "A new version was drafted.")


@bp.post("/notices/<int:notice_id>/submit")
@login_required
def submit_notice(notice_id: int):
    return _act(notice_id, Action.DRAFT_NOTICE, lambda n: services.submit(current_user, n),
                "Submitted to your advocate for review.")


@bp.post("/notices/<int:notice_id>/return")
@login_required
def return_notice(notice_id: int):
    notice = load_notice(notice_id)
    require(current_user, Action.REVIEW_NOTICE, notice.case)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            services.request_changes(current_user, notice, form.comment.data)
        except DomainError as exc:
            rollback()
            form.comment.errors.append(str(exc))
        else:
            commit()
            flash("Returned to the creditor with your comments.", "success")
            return redirect(url_for("notices.show_notice", notice_id=notice_id))
    return _page(notice, comment_form=form, status=422)


@bp.post("/notices/<int:notice_id>/approve")
@login_required
def approve_notice(notice_id: int):
    notice = load_notice(notice_id)
    require(current_user, Action.REVIEW_NOTICE, notice.case)
    form = ApproveForm()
    if form.validate_on_submit():
        try:
            services.approve(current_user, notice, form.code.data)
        except DomainError as exc:
            rollback()
            form.code.errors.append(str(exc))
        else:
            commit()
            flash("Approved. The notice is ready for your signature.", "success")
            return redirect(url_for("notices.show_notice", notice_id=notice_id))
    return _page(notice, approve_form=form, status=422)


@bp.get("/notices/review")
@login_required
def review_queue():
    if current_user.role != Role.ADVOCATE:
        abort(403, "The review queue is for advocates.")
    require(current_user, Action.VIEW_CASE)
    notices = db.session.scalars(
        select(Notice).join(Case, Case.id == Notice.case_id)
        .where(Case.advocate_id == current_user.id, Notice.status == NoticeStatus.IN_REVIEW)
        .order_by(Notice.submitted_at)).all()
    return render_template("notices/queue.html", notices=notices)


@bp.route("/verify/<code>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def verify(code: str):
    """Public: anyone holding a notice can check it against the signed notice of record."""
    from notices.verification import UploadRefused, hash_upload, public_record

    record = public_record(code[:16]) if code.isalnum() else None
    if record is None:
        return render_template("notices/verify.html", record=None, code=code[:16]), 404
    form = VerifyUploadForm()
    result = None
    if form.validate_on_submit():
        try:
            result = hash_upload(form.file.data.stream) == record.sha256
        except UploadRefused as exc:
            form.file.errors.append(str(exc))
    status = 422 if form.errors else 200
    return render_template("notices/verify.html", record=record, form=form, result=result,
                           code=record.code), status


@bp.get("/verify")
def verify_lookup():
    from flask import request

    code = "".join(ch for ch in request.args.get("code", "") if ch.isalnum())[:16]
    if not code:
        return render_template("notices/verify.html", record=None, code=""), 200
    return redirect(url_for("notices.verify", code=code.upper()))


@bp.get("/notices/<int:notice_id>/signed.pdf")
@login_required
def signed_pdf(notice_id: int):
    from evidence.services import store

    notice = load_notice(notice_id)
    if notice.status != NoticeStatus.SIGNED:
        abort(404, "This notice has not been signed yet.")
    with store().open(notice.signed_pdf_sha256) as fh:
        data = fh.read()
    name = f"notice-{notice.case.reference}.pdf"
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/account/certificate", methods=["GET", "POST"])
@login_required
def signing_certificate():
    """An advocate uploads the DSC (PKCS#12) used to sign notices; it is stored encrypted."""
    from notices.forms import CertificateForm
    from notices.signing import install_certificate

    if current_user.role != Role.ADVOCATE:
        abort(403, "Only advocates sign notices with a DSC.")
    form = CertificateForm()
    if form.validate_on_submit():
        data = form.pkcs12.data.stream.read(64 * 1024 + 1)
        try:
            subject = install_certificate(current_user, data, form.passphrase.data)
        except DomainError as exc:
            rollback()
            form.pkcs12.errors.append(str(exc))
        else:
            commit()
            flash(f"Certificate for {subject} stored. It will sign the notices you approve.", "success")
            return redirect(url_for("notices.signing_certificate"))
    from notices.token_views import certificate_page

    return certificate_page(form)


# The sign and signing-ceremony routes live on this blueprint too (notices/signing_views.py), the
# token half of the signing-key page (notices/token_views.py) and the mandate pages
# (notices/mandate_views.py).
from notices import mandate_views, signing_views, token_views  # noqa: E402, F401
