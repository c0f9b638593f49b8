"""The debtor's own page of a case: the served notice and the ways to answer it. Reached by a
debtor with an account, or through the personal link after the one-time code (a LinkGuest)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from evidence import store
from notices import EventKind, Notice, NoticeStatus, record_delivery_event
from portal.accounts import Action
from portal.cases import Case, case_for
from portal.debtor import responses
from portal.extensions import db
from portal.i18n import gettext
from portal.web.forms import require_fresh_form

bp = Blueprint("debtor_case", __name__)


def load(reference: str, action: Action = Action.DEBTOR_VIEW) -> Case:
    return case_for(reference, action)


def served_notices(case: Case) -> list[Notice]:
    return list(db.session.scalars(select(Notice).where(
        Notice.case_id == case.id, Notice.status == NoticeStatus.SIGNED)
        .order_by(Notice.signed_at.desc())))


def served_notice(case: Case, notice_id: int) -> Notice:
    notice = next((n for n in served_notices(case) if n.id == notice_id), None)
    if notice is None:
        abort(404, "No such notice.")
    return notice


@bp.get("/d/<reference>")
@login_required
def home(reference: str):
    from portal.debtor.page import context

    case = load(reference)
    notices = served_notices(case)
    return render_template("debtor/case.html", case=case, notices=notices, form=FlaskForm(),
                           **context(current_user, case, notices))


@bp.get("/d/<reference>/notices/<int:notice_id>.pdf")
@login_required
def notice_pdf(reference: str, notice_id: int):

    notice = served_notice(load(reference), notice_id)
    with store().open(notice.signed_pdf_sha256) as fh:
        data = fh.read()
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="legal-notice-{reference}.pdf"'})


@bp.post("/d/<reference>/notices/<int:notice_id>/acknowledge")
@login_required
def acknowledge(reference: str, notice_id: int):
    case = load(reference)
    notice = served_notice(case, notice_id)
    require_fresh_form()
    event = record_delivery_event(notice, EventKind.ACKNOWLEDGED, source="debtor", actor=current_user,
                            detail="The debtor pressed “I have received this notice”.",
                            raw=f"acknowledged notice {notice.id} by {current_user.get_id()}".encode())
    if event is not None:  # the first press only; a second one changes nothing
        responses.acknowledge(current_user, case, notice)
    flash(gettext("Thank you. Your acknowledgement is recorded with the time."), "success")
    return redirect(url_for("debtor_case.home", reference=case.reference))
