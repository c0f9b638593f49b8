"""The debtor's personal link: the served notice, the way to check it is genuine, and "I have
received this notice". The token in the URL is the authority; it opens only its own case."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from notices import timeline
from notices.delivery_models import EventKind, ServiceTerms
from notices.models import Notice
from portal.database import commit
from portal.debtor import links
from portal.debtor.models import DebtorLink
from portal.extensions import db, limiter
from portal.types import utcnow

bp = Blueprint("debtor", __name__)


def _link(token: str) -> DebtorLink:
    link = links.resolve(token)
    if link is None:
        abort(404, "This link is not valid: it may have expired or been replaced. Ask the sender "
                   "for a new one, or check the notice at the verification page.")
    return link


def _record(link: DebtorLink, kind: EventKind, detail: str) -> None:
    notice = db.session.get(Notice, link.notice_id)
    dispatch = None
    if link.dispatch_id is not None:
        from notices.delivery_models import Dispatch

        dispatch = db.session.get(Dispatch, link.dispatch_id)
    # One event per link and kind: the first view is the proof, repeats add nothing.
    timeline.record(notice, kind, source="debtor_link", dispatch=dispatch, detail=detail,
                    raw=f"{kind.value} link {link.id}".encode())
    link.last_used_at = utcnow()


@bp.get("/n/<token>")
@limiter.limit("60 per minute")
def open_notice(token: str):
    link = _link(token)
    _record(link, EventKind.VIEWED, request.headers.get("User-Agent", "")[:300])
    commit()
    notice = db.session.get(Notice, link.notice_id)
    terms = db.session.get(ServiceTerms, notice.id)
    acknowledged = any(e.kind == EventKind.ACKNOWLEDGED for e in timeline.events_for(notice))
    return render_template("debtor/notice.html", notice=notice, case=notice.case, terms=terms,
                           token=token, form=FlaskForm(), acknowledged=acknowledged)


@bp.get("/n/<token>/notice.pdf")
@limiter.limit("60 per minute")
def notice_pdf(token: str):
    from evidence.services import store

    link = _link(token)
    notice = db.session.get(Notice, link.notice_id)
    with store().open(notice.signed_pdf_sha256) as fh:
        data = fh.read()
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="legal-notice-{notice.case.reference}.pdf"'})


@bp.post("/n/<token>/acknowledge")
@limiter.limit("20 per minute")
def acknowledge(token: str):
    link = _link(token)
    if not FlaskForm().validate_on_submit():
        abort(400, "Your form had expired. Please open the link again.")
    _record(link, EventKind.ACKNOWLEDGED, "The debtor pressed “I have received this notice”.")
    commit()
    flash("Thank you. Your acknowledgement is recorded with the time.", "success")
    return redirect(url_for("debtor.open_notice", token=token))
