"""Signing pages on the notices blueprint: the advocate's choice of provider, the hand-over to the
provider's site, and the three ways a ceremony comes back (the ESP's post, DocuSign's browser return,
DocuSign Connect), for a notice or a settlement agreement alike (ceremony_routing finishes either),
and the download of the signed notice.
Callbacks from providers carry no session and no CSRF token: the eSign response's XML signature
with the pending store's one-time take(), or Connect's HMAC, is their authentication."""
from __future__ import annotations

import json

from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from evidence import store
from notices.drafting.pages import load_notice, notice_page
from notices.signing import ceremonies, ceremony_routing
from notices.signing import signatures as signing
from notices.signing.blueprint import bp
from notices.signing.providers import (
    AADHAAR,
    DOCUSIGN,
    LABELS,
    NAMES,
    PADES,
    HandOverPolicy,
    enabled_providers,
    provider_for,
)
from notices.signing.states import CeremonyStatus
from notices.signing.token_keys import uses_token
from notices.states import NoticeStatus
from portal.accounts import Action, require
from portal.adapters import SigningError, connect_envelope_id, transaction_of, verify_connect_hmac
from portal.errors import DomainError
from portal.extensions import csrf, limiter
from portal.i18n import gettext
from portal.urls import public_url
from portal.web.boundary import attempt
from portal.web.forms import require_fresh_form

MAX_CALLBACK_BYTES = 1024 * 1024


@bp.post("/notices/<int:notice_id>/sign")
@login_required
def sign_notice(notice_id: int):
    notice = load_notice(notice_id)
    require(current_user, Action.REVIEW_NOTICE, notice.case)
    require_fresh_form()
    name = request.form.get("provider") or PADES
    offered = enabled_providers(current_app.config)
    if name not in offered:
        abort(400, gettext("“%(name)s” is not a signing method offered here. Choose one of: %(methods)s.",
                           name=name[:40], methods=", ".join(gettext(LABELS[n]) for n in offered)))
    pin = request.form.get("token_pin") or None
    if name == PADES and uses_token(current_user) and not pin:
        flash(gettext("Type the PIN of your token to sign with the key on it."), "error")
        return notice_page(notice, status=422)
    errors: list[str] = []
    started = attempt(lambda: signing.start_signing(
        current_user, notice, provider_for(name, current_user, pin=pin),
        return_url=lambda token: public_url("notices.signing_return", token=token)), errors)
    if errors:  # a fixed refusal is found in the catalogue by its English
        flash(gettext(errors[0]), "error")
        return notice_page(notice, status=409)
    if started.ceremony is None:
        flash(gettext("Signed with your digital signature certificate. The notice is ready to serve."),
              "success")
        return redirect(url_for("notices.show_notice", notice_id=notice_id))
    return render_template(
        "signing_handover.html", reference=notice.case.reference, label=gettext(NAMES[name]),
        document=gettext("The notice for %(reference)s (version %(version)s)",
                         reference=notice.case.reference, version=notice.current.version),
        back=(url_for("notices.show_notice", notice_id=notice.id), gettext("Back to the notice")),
        url=started.result.redirect_url, fields=started.result.redirect_form)


sign_notice.talisman_view_options = {"content_security_policy": HandOverPolicy()}


@bp.post("/esign/aadhaar/response")
@csrf.exempt
@limiter.limit("60 per minute")
def esign_response():
    """The ESP's auto-posting form, from the signer's browser (which sends no session cookie here)."""
    if (request.content_length or 0) > MAX_CALLBACK_BYTES:
        abort(413, gettext("The eSign response is too large."))
    if AADHAAR not in enabled_providers(current_app.config):
        abort(404, gettext("Aadhaar eSign is not offered here."))
    callback = request.form.to_dict()

    try:
        txn = transaction_of(callback)
    except SigningError as exc:
        abort(400, str(exc))
    ceremony = ceremonies.by_reference(AADHAAR, txn)
    if ceremony is None:
        abort(404, gettext("No eSign signature is waiting for this response."))
    if not ceremony.pending:
        abort(409, gettext("This eSign signature has already finished; a response is used only once."))
    is_notice = ceremony.settlement_id is None
    try:
        ceremony_routing.finish(ceremony, provider_for(AADHAAR), callback, via="esp_response")
    except (SigningError, DomainError) as exc:  # a 400: the request's changes are rolled back
        abort(400, gettext("%(error)s The notice was not signed; open it and try again.", error=exc)
              if is_notice else
              gettext("%(error)s The settlement agreement was not signed; open it and try again.", error=exc))
    # No flash: this request has no session, and starting one would replace the signer's.
    return redirect(ceremony_routing.page_url(ceremony), 303)


@bp.get("/notices/signing/<token>/return")
@login_required
def signing_return(token: str):
    """DocuSign sends the signer back here with ?event=...; only signing_complete can finish."""
    ceremony = ceremonies.by_token(token)
    if ceremony is None or ceremony.provider != DOCUSIGN:
        abort(404, gettext("No such signing attempt."))
    ceremony_routing.authorize(current_user, ceremony)
    ceremony = ceremonies.by_reference(DOCUSIGN, ceremony.provider_ref)
    event = request.args.get("event", "")[:40]
    is_notice = ceremony.settlement_id is None
    if not ceremony.pending:
        return _back(ceremony)
    if event != "signing_complete":
        reason = event or gettext("no reason given")
        flash(gettext("DocuSign reports that the signing was not finished (%(reason)s). The notice is not "
                      "signed; you can start again.", reason=reason) if is_notice else
              gettext("DocuSign reports that the signing was not finished (%(reason)s). The settlement "
                      "agreement is not signed; you can start again.", reason=reason), "error")
        return _back(ceremony)
    # The browser's word is not proof: the adapter fetches the document from DocuSign, and
    # the finisher keeps it only if it carries an intact signature.
    envelope = {"event": "envelope-completed", "data": {
        "envelopeId": ceremony.provider_ref, "envelopeSummary": {"status": "completed"}}}
    errors: list[str] = []
    attempt(lambda: _finish(ceremony, envelope), errors)
    if errors:  # undone (a savepoint), though the answer is a redirect
        flash(gettext("%(error)s The notice is not signed yet.", error=errors[0]) if is_notice else
              gettext("%(error)s The settlement agreement is not signed yet.", error=errors[0]), "error")
        return redirect(ceremony_routing.page_url(ceremony))
    return _back(ceremony)


def _finish(ceremony, envelope: dict):
    try:
        return ceremony_routing.finish(ceremony, provider_for(DOCUSIGN), envelope, via="return_url")
    except SigningError as exc:  # DocuSign could not be reached: said on the page like a refusal
        raise DomainError(str(exc)) from exc


def _back(ceremony):
    """To the document; its page itself says why a declined or failed attempt did not sign."""
    if ceremony.status == CeremonyStatus.SIGNED:
        flash(ceremony_routing.signed_message(ceremony), "success")
    elif ceremony.status == CeremonyStatus.ABANDONED:
        flash(ceremony_routing.abandoned_message(ceremony), "error")
    return redirect(ceremony_routing.page_url(ceremony))


@bp.post("/webhooks/docusign/connect")
@csrf.exempt
@limiter.limit("600 per minute")
def docusign_connect():
    """DocuSign Connect (JSON, HMAC-signed): finishes a ceremony, or confirms one already finished."""
    if (request.content_length or 0) > MAX_CALLBACK_BYTES:
        return jsonify(error="Body too large."), 413
    if DOCUSIGN not in enabled_providers(current_app.config):
        return jsonify(error="DocuSign is not configured here."), 404

    provider = provider_for(DOCUSIGN)
    body = request.get_data(cache=False)
    if not verify_connect_hmac(body, dict(request.headers), provider.settings.connect_secrets):
        return jsonify(error="The Connect message is not signed with our HMAC key; ignored."), 401
    try:
        payload = json.loads(body)
    except ValueError:
        return jsonify(error="The Connect message is not JSON."), 400
    if not isinstance(payload, dict):
        return jsonify(error="The Connect message is not a JSON object."), 400
    ceremony = ceremonies.by_reference(DOCUSIGN, connect_envelope_id(payload))
    if ceremony is None:
        return jsonify(error="No signing attempt has this envelope."), 404
    event = str(payload.get("event") or "")
    if not ceremony.pending:
        # A retry, or the browser's return got here first: the same news again changes nothing.
        if ceremony.status == CeremonyStatus.SIGNED and event == "envelope-completed":
            return jsonify(status="signed", changed=False)
        return jsonify(error=f"This signing attempt has already finished ({ceremony.status.value})."), 409
    # An error answer rolls the request's changes back.
    try:
        status = ceremony_routing.finish(ceremony, provider, payload, via="connect")
    except SigningError as exc:
        return jsonify(error=str(exc)), 502  # DocuSign could not be reached: Connect retries later
    except DomainError as exc:
        return jsonify(error=str(exc)), 409
    return jsonify(status=status.value, changed=status != CeremonyStatus.PENDING)


@bp.get("/notices/<int:notice_id>/signed.pdf")
@login_required
def signed_pdf(notice_id: int):

    notice = load_notice(notice_id)
    if notice.status != NoticeStatus.SIGNED:
        abort(404, gettext("This notice has not been signed yet."))
    with store().open(notice.signed_pdf_sha256) as fh:
        data = fh.read()
    name = f"notice-{notice.case.reference}.pdf"
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
