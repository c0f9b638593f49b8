"""Notice pages: draft and preview (creditor), review queue, diff, comments, approval (advocate)."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from notices.drafting import workflow as services
from notices.drafting.blueprint import bp
from notices.drafting.forms import ApproveForm, CommentForm, DraftNoticeForm
from notices.drafting.pages import load_notice, notice_page
from notices.drafting.rendering import render_notice_pdf
from notices.models import Notice, NoticeLanguage
from notices.states import NoticeStatus
from portal.accounts import Action, Role, require
from portal.cases import Case, load_case, today_ist
from portal.extensions import db
from portal.i18n import gettext, localise_errors
from portal.web.boundary import attempt
from portal.web.forms import require_fresh_form


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
                                            form.memo_date.data, form.dishonour_reason.data,
                                            presented_on=form.presented_on.data,
                                            memo_received_on=form.memo_received_on.data)
        notice = attempt(lambda: services.start_notice(
            current_user, case, today_ist(), language=NoticeLanguage(form.language.data),
            pay_within_days=form.pay_within_days.data, cheque=cheque), form.form_errors)
        if notice is not None:
            flash(gettext("Draft notice prepared. Preview it, then submit it to your advocate."), "success")
            return redirect(url_for("notices.show_notice", notice_id=notice.id))
    localise_errors(form)
    return render_template("notices/new.html", form=form, case=case), 422 if form.errors else 200


@bp.get("/notices/<int:notice_id>")
@login_required
def show_notice(notice_id: int):
    return notice_page(load_notice(notice_id))


@bp.get("/notices/<int:notice_id>/preview.pdf")
@login_required
def preview_pdf(notice_id: int):
    notice = load_notice(notice_id)
    pdf = render_notice_pdf(notice.current.body_html, keep=True)  # signing this version takes it
    name = f"draft-{notice.case.reference}-v{notice.current.version}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


def _act(notice_id: int, action: Action, fn, message: str):
    notice = load_notice(notice_id)
    require(current_user, action, notice.case)
    require_fresh_form()
    errors: list[str] = []
    attempt(lambda: fn(notice), errors)
    if errors:
        flash(errors[0], "error")
        return notice_page(notice, status=409)
    flash(message, "success")
    return redirect(url_for("notices.show_notice", notice_id=notice_id))


@bp.post("/notices/<int:notice_id>/revise")
@login_required
def revise_notice(notice_id: int):
    return _act(notice_id, Action.DRAFT_NOTICE, lambda n: services.revise(current_user, n, today_ist()),
                gettext("A new version was drafted."))


@bp.post("/notices/<int:notice_id>/submit")
@login_required
def submit_notice(notice_id: int):
    return _act(notice_id, Action.DRAFT_NOTICE, lambda n: services.submit(current_user, n),
                gettext("Submitted to your advocate for review."))


@bp.post("/notices/<int:notice_id>/return")
@login_required
def return_notice(notice_id: int):
    notice = load_notice(notice_id)
    require(current_user, Action.REVIEW_NOTICE, notice.case)
    form = CommentForm()
    if form.validate_on_submit() and attempt(
            lambda: services.request_changes(current_user, notice, form.comment.data), form.comment.errors):
        flash(gettext("Returned to the creditor with your comments."), "success")
        return redirect(url_for("notices.show_notice", notice_id=notice_id))
    localise_errors(form)
    return notice_page(notice, comment_form=form, status=422)


@bp.post("/notices/<int:notice_id>/approve")
@login_required
def approve_notice(notice_id: int):
    notice = load_notice(notice_id)
    require(current_user, Action.REVIEW_NOTICE, notice.case)
    form = ApproveForm()
    if form.validate_on_submit():
        attempt(lambda: services.approve(current_user, notice, form.code.data), form.code.errors)
        if not form.code.errors:
            flash(gettext("Approved. The notice is ready for your signature."), "success")
            return redirect(url_for("notices.show_notice", notice_id=notice_id))
    localise_errors(form)
    return notice_page(notice, approve_form=form, status=422)


@bp.get("/notices/review")
@login_required
def review_queue():
    if current_user.role != Role.ADVOCATE:
        abort(403, gettext("The review queue is for advocates."))
    require(current_user, Action.VIEW_CASE)
    notices = db.session.scalars(
        select(Notice).join(Case, Case.id == Notice.case_id)
        .where(Case.advocate_id == current_user.id, Notice.status == NoticeStatus.IN_REVIEW)
        .options(contains_eager(Notice.case).joinedload(Case.creditor),  # the queue names both sides
                 contains_eager(Notice.case).joinedload(Case.debtor))
        .order_by(Notice.submitted_at)).all()
    return render_template("notices/queue.html", notices=notices)
