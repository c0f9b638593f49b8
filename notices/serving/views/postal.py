"""Registered / speed post pages: the print pack, the article number from the receipt, the tracking
record and the returned A.D. card. Every form lives on the delivery page; refusals re-render it."""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Response, abort, flash, g, redirect, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from evidence import UploadRefused
from notices.serving import postal
from notices.serving.blueprint import postal_bp as bp
from notices.serving.forms import PostingForm, ReturnedCardForm, ServeForm, TrackingForm
from notices.serving.models import ChannelKind, DeliveryEvent, Dispatch
from notices.serving.pages import delivery_page
from notices.serving.postal import PostalInputError, PostalService, Posting
from portal.accounts import Action, can, require
from portal.extensions import db
from portal.formatting import day
from portal.i18n import gettext, language, localise_errors


@dataclass
class PostalPanel:
    """What the delivery page shows for one postal dispatch."""

    dispatch: Dispatch
    posting: Posting | None
    tracking: list[DeliveryEvent]
    card: DeliveryEvent | None
    may_record: bool    # the article number (serving the notice)
    may_attach: bool    # tracking and the returned card (also after talks have ended)
    posting_form: PostingForm
    tracking_form: TrackingForm
    card_form: ReturnedCardForm
    card_said: str      # the returned card, as the panel says it (card_sentence)


_CARD_DOCUMENT = re.compile(r"\(document (\d+)\)")


def card_sentence(card: DeliveryEvent | None) -> str:
    """The returned A.D. card as the panel says it, in the page's language. Its event's detail is the
    record and stays English (the timeline, the delivery-proof certificate): an English page shows it
    as it is, a Hindi page says the same from the card's day and its document."""
    if card is None:
        return ""
    lang = language()
    if lang == "en":
        return f"{card.detail}."
    when = day(card.occurred_at, lang)  # noon IST of the day written on the card: that day
    found = _CARD_DOCUMENT.search(card.detail)
    if found is None:
        return gettext("A.D. card returned, signed by the addressee on %(day)s.", day=when)
    return gettext("A.D. card returned, signed by the addressee on %(day)s (document %(document)s).",
                   day=when, document=found[1])


def postal_panel(dispatch: Dispatch) -> PostalPanel:
    submitted = g.get("postal_forms", {})
    card = postal.returned_card(dispatch)
    return PostalPanel(
        dispatch=dispatch, posting=postal.posting_of(dispatch), tracking=postal.tracking_records(dispatch),
        card=card, card_said=card_sentence(card),
        may_record=can(current_user, Action.SERVE_NOTICE, dispatch.served.case),
        may_attach=can(current_user, Action.RECORD_POSTAL_SERVICE, dispatch.served.case),
        posting_form=submitted.get("posting") or PostingForm(formdata=None),
        tracking_form=submitted.get("tracking") or TrackingForm(formdata=None),
        card_form=submitted.get("card") or ReturnedCardForm(formdata=None))


@bp.app_context_processor
def _panel_helper():
    return {"postal_panel": postal_panel}


def load(dispatch_id: int, action: Action) -> Dispatch:
    dispatch = db.session.get(Dispatch, dispatch_id)
    if dispatch is None or dispatch.channel != ChannelKind.POST:
        abort(404, gettext("No such postal dispatch."))
    require(current_user, action, dispatch.served.case)
    return dispatch


def _refused(dispatch: Dispatch, name: str, form: FlaskForm, message: str | None = None):
    """The delivery page again, with this form's errors: 422, nothing changed (the refusals shown
    here change nothing before they are raised, and the 422 rolls the request back)."""
    if message:
        form.form_errors.append(message)
    localise_errors(form)
    g.postal_forms = {name: form}
    if dispatch.document_id is not None:
        from notices.serving.views.documents import document_page

        return document_page(dispatch.document, 422)
    return delivery_page(dispatch.notice, ServeForm(formdata=None), 422)


def _done(dispatch: Dispatch, message: str):
    flash(message, "success")
    if dispatch.document_id is not None:
        return redirect(url_for("serving.show_document_delivery", document_id=dispatch.document_id))
    return redirect(url_for("serving.show_delivery", notice_id=dispatch.notice_id))


@bp.get("/dispatches/<int:dispatch_id>/post-pack.pdf")
@login_required
def download_pack(dispatch_id: int):
    dispatch = load(dispatch_id, Action.VIEW_DELIVERY)
    service = None
    if request.args.get("service"):
        try:
            service = PostalService(request.args["service"])
        except ValueError:
            abort(400, gettext("Choose registered_post or speed_post."))
    data = postal.print_pack(dispatch, service)
    name = f"post-pack-{dispatch.served.case.reference}-{dispatch.id}.pdf"
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/dispatches/<int:dispatch_id>/posting")
@login_required
def record_posting(dispatch_id: int):
    dispatch = load(dispatch_id, Action.SERVE_NOTICE)
    form = PostingForm()
    if not form.validate_on_submit():
        return _refused(dispatch, "posting", form)
    try:
        postal.record_posting(current_user, dispatch, form.article_number.data, form.service.data,
                              form.booked_on.data)
    except PostalInputError as exc:
        return _refused(dispatch, "posting", form, str(exc))
    return _done(dispatch, gettext("Posting recorded: the notice counts as dispatched on the booking date."))


@bp.post("/dispatches/<int:dispatch_id>/tracking")
@login_required
def upload_tracking(dispatch_id: int):
    dispatch = load(dispatch_id, Action.RECORD_POSTAL_SERVICE)
    form = TrackingForm()
    if not form.validate_on_submit():
        return _refused(dispatch, "tracking", form)
    try:
        doc = postal.attach_tracking(current_user, dispatch, form.file.data.stream,
                                     form.file.data.filename or "", form.outcome.data, form.scanned_at.data)
    except (UploadRefused, PostalInputError) as exc:
        return _refused(dispatch, "tracking", form, str(exc))
    return _done(dispatch, gettext("Tracking record %(filename)s stored with the evidence and added to the "
                                   "timeline.", filename=doc.filename))


@bp.post("/dispatches/<int:dispatch_id>/returned-card")
@login_required
def upload_returned_card(dispatch_id: int):
    dispatch = load(dispatch_id, Action.RECORD_POSTAL_SERVICE)
    form = ReturnedCardForm()
    if not form.validate_on_submit():
        return _refused(dispatch, "card", form)
    try:
        doc = postal.attach_returned_card(current_user, dispatch, form.file.data.stream,
                                          form.file.data.filename or "", form.delivered_on.data)
    except (UploadRefused, PostalInputError) as exc:
        return _refused(dispatch, "card", form, str(exc))
    return _done(dispatch, gettext("Returned card %(filename)s stored with the evidence; delivery recorded.",
                                   filename=doc.filename))
