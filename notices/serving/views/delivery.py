"""Serving pages: the creditor serves a signed notice, everyone on the case's side reads the
delivery timeline and downloads the delivery-proof certificate."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, url_for
from flask_login import current_user, login_required

from evidence import store
from notices.models import Notice
from notices.serving import dispatch as dispatching
from notices.serving import part_b, proof
from notices.serving.blueprint import bp
from notices.serving.forms import ExpertCertificateForm, ExpertRequestForm, ServeForm
from notices.serving.models import ExpertCertificate
from notices.serving.pages import delivery_page
from portal.accounts import Action, require
from portal.extensions import db
from portal.i18n import gettext, localise_errors
from portal.web.boundary import attempt


def load(notice_id: int, action: Action) -> Notice:
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        abort(404, gettext("No such notice."))
    require(current_user, action, notice.case)
    return notice


def _refused(notice: Notice, form: ServeForm | None = None, **forms):
    """The delivery page again, with the refused form's errors in the page's language: 422."""
    for refused in (form, *forms.values()):
        localise_errors(refused)
    return delivery_page(notice, form or ServeForm(formdata=None), 422, **forms)


@bp.get("/notices/<int:notice_id>/delivery")
@login_required
def show_delivery(notice_id: int):
    return delivery_page(load(notice_id, Action.VIEW_DELIVERY), ServeForm(formdata=None))


@bp.post("/notices/<int:notice_id>/serve")
@login_required
def serve_notice(notice_id: int):
    notice = load(notice_id, Action.SERVE_NOTICE)
    form = ServeForm()
    if not form.validate_on_submit():
        abort(400, gettext("Your form had expired. Please try again."))
    created = attempt(lambda: dispatching.serve(current_user, notice, form.channels(),
                                                escalate_to_odr=form.escalate_to_odr.data), form.form_errors)
    if created is None:
        return _refused(notice, form)
    flash(gettext("Service started: %(count)s message(s) queued. Each goes out within the contact rules; "
                  "the timeline below fills in as the providers answer.", count=len(created)), "success")
    return redirect(url_for("serving.show_delivery", notice_id=notice.id))


@bp.get("/notices/<int:notice_id>/delivery-proof.pdf")
@login_required
def delivery_proof(notice_id: int):

    notice = load(notice_id, Action.VIEW_DELIVERY)
    latest = proof.latest(notice.id)
    if latest is None:
        abort(404, gettext("No delivery proof yet: it is issued once the notice is served."))
    with store().open(latest.sha256) as fh:
        data = fh.read()
    name = f"delivery-proof-{notice.case.reference}-v{latest.version}.pdf"
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/notices/<int:notice_id>/expert-certificates")
@login_required
def request_expert_certificate(notice_id: int):
    notice = load(notice_id, Action.REQUEST_EXPERT_CERTIFICATE)
    form = ExpertRequestForm()
    if not form.validate_on_submit():
        return _refused(notice, expert_form=form)
    done = attempt(lambda: part_b.request(current_user, notice, form.expert_name.data,
                                          form.qualification.data), form.form_errors)
    if done is None:
        return _refused(notice, expert_form=form)
    flash(gettext("Part B requested: send the expert the latest delivery-proof certificate, then upload "
                  "the expert's signed certificate here."), "success")
    return redirect(url_for("serving.show_delivery", notice_id=notice.id))


@bp.post("/expert-certificates/<int:certificate_id>")
@login_required
def attach_expert_certificate(certificate_id: int):
    certificate = db.session.get(ExpertCertificate, certificate_id)
    if certificate is None:
        abort(404, gettext("No such request for an expert's certificate."))
    notice = load(certificate.notice_id, Action.REQUEST_EXPERT_CERTIFICATE)
    form = ExpertCertificateForm()
    if not form.validate_on_submit():
        return _refused(notice, upload_form=form)
    done = attempt(lambda: part_b.attach(current_user, certificate, form.file.data.stream,
                                         form.file.data.filename or ""), form.form_errors)
    if done is None:
        return _refused(notice, upload_form=form)
    flash(gettext("The expert's certificate is attached; the next version of the delivery proof names it."),
          "success")
    return redirect(url_for("serving.show_delivery", notice_id=notice.id))
