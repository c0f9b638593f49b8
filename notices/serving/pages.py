"""The delivery page of a notice, rendered by the serving views and re-rendered by the postal views."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from notices.models import Notice
from notices.serving import dispatch as dispatching
from notices.serving import proof, receipt, timeline
from notices.serving.contact_rules import ContactPolicy, describe
from notices.serving.forms import ExpertCertificateForm, ExpertRequestForm, ServeForm
from notices.serving.models import ServiceTerms
from notices.serving.subject import Served
from notices.states import NoticeStatus
from portal.accounts import Action, can
from portal.extensions import db
from portal.paging import BadCursor, PageArgs


def service_pages(served: Served) -> dict:
    """The page of a notice's or document's dispatches and of its timeline that the request asks
    for (`dispatches_after`/`_before` and `after`/`before`), and the dispatches on it (for their
    postal panels); a 400 for a junk cursor."""
    try:
        dispatches = dispatching.dispatches_page(served, PageArgs.of_page(request.args, "dispatches_"))
        events = timeline.events_page(served, PageArgs.of_page(request.args))
    except BadCursor as exc:
        abort(400, str(exc))
    return {"dispatch_page": dispatches, "event_page": events, "dispatches": [d for d, _ in dispatches.rows]}


def delivery_page(notice: Notice, form: ServeForm, status: int = 200, *,
                  expert_form: ExpertRequestForm | None = None,
                  upload_form: ExpertCertificateForm | None = None):
    terms = db.session.get(ServiceTerms, notice.id)
    return render_template(
        "notices/delivery.html", notice=notice, case=notice.case, form=form, terms=terms,
        **service_pages(notice),
        latest_proof=proof.latest(notice.id), receipt=receipt.for_notice(notice),
        expert_certificates=proof.expert_certificates(notice),
        may_ask_expert=can(current_user, Action.REQUEST_EXPERT_CERTIFICATE, notice.case),
        expert_form=expert_form or ExpertRequestForm(formdata=None),
        upload_form=upload_form or ExpertCertificateForm(formdata=None),
        rules=describe(ContactPolicy.of(notice.case.creditor)),
        can_serve=notice.status == NoticeStatus.SIGNED and can(current_user, Action.SERVE_NOTICE,
                                                                notice.case)), status
