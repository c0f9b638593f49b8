"""Serving pages: the creditor serves a signed notice, everyone on the case's side reads the
delivery timeline and downloads the delivery-proof certificate."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField

from notices import dispatch as dispatching
from notices import proof, timeline
from notices.contact_rules import ContactPolicy, describe
from notices.delivery_models import ChannelKind, ServiceTerms
from notices.models import Notice, NoticeStatus
from portal.accounts.policy import Action, can, require
from portal.cases.states import DomainError
from portal.database import commit, rollback
from portal.extensions import db

bp = Blueprint("serving", __name__)


class ServeForm(FlaskForm):
    email = BooleanField("E-mail, with the signed PDF attached", default=True)
    sms = BooleanField("SMS with the link to the notice")
    whatsapp = BooleanField("WhatsApp, with the signed PDF (only together with e-mail)")
    post = BooleanField("Registered or speed post (print the notice, envelope and acknowledgement card)")
    escalate_to_odr = BooleanField("If the period to pay ends without an answer, move the case into "
                                   "online dispute resolution and invite the debtor")

    def channels(self) -> set[ChannelKind]:
        return {kind for kind in ChannelKind if getattr(self, kind.value).data}


def load(notice_id: int, action: Action) -> Notice:
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        abort(404, "No such notice.")
    require(current_user, action, notice.case)
    return notice


def _page(notice: Notice, form: ServeForm, status: int = 200):
    terms = db.session.get(ServiceTerms, notice.id)
    return render_template(
        "notices/delivery.html", notice=notice, case=notice.case, form=form, terms=terms,
        dispatches=dispatching.dispatches_for(notice, None), events=timeline.events_for(notice),
        latest_proof=proof.latest(notice.id), rules=describe(ContactPolicy.of(notice.case.creditor)),
        can_serve=notice.status == NoticeStatus.SIGNED and can(current_user, Action.SERVE_NOTICE,
                                                                notice.case)), status


@bp.get("/notices/<int:notice_id>/delivery")
@login_required
def show_delivery(notice_id: int):
    return _page(load(notice_id, Action.VIEW_DELIVERY), ServeForm(formdata=None))


@bp.post("/notices/<int:notice_id>/serve")
@login_required
def serve_notice(notice_id: int):
    notice = load(notice_id, Action.SERVE_NOTICE)
    form = ServeForm()
    if not form.validate_on_submit():
        abort(400, "Your form had expired. Please try again.")
    try:
        created = dispatching.serve(current_user, notice, form.channels(),
                                    escalate_to_odr=form.escalate_to_odr.data)
    except DomainError as exc:
        rollback()
        form.form_errors.append(str(exc))
        return _page(notice, form, 422)
    commit()
    flash(f"Service started: {len(created)} message(s) queued. Each goes out within the contact "
          "rules; the timeline below fills in as the providers answer.", "success")
    return redirect(url_for("serving.show_delivery", notice_id=notice.id))


@bp.get("/notices/<int:notice_id>/delivery-proof.pdf")
@login_required
def delivery_proof(notice_id: int):
    from evidence.services import store

    notice = load(notice_id, Action.VIEW_DELIVERY)
    latest = proof.latest(notice.id)
    if latest is None:
        abort(404, "No delivery proof yet: it is issued once the notice is served.")
    with store().open(latest.sha256) as fh:
        data = fh.read()
    name = f"delivery-proof-{notice.case.reference}-v{latest.version}.pdf"
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
