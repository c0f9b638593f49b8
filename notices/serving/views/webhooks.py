"""Endpoints providers call: SMS and WhatsApp status webhooks (each verified by the provider's
signature scheme), inbound bounces (HMAC-signed), and the tracking pixel. No session, no CSRF:
the signature is the authentication. A bad signature, a replay or an unknown message id is
refused and changes nothing: an answer of 400 or more rolls the request back (portal/web/boundary.py)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import time

from flask import Response, abort, current_app, jsonify, request

from notices.serving import bounces, receipts
from notices.serving.blueprint import webhooks_bp as bp
from notices.serving.models import ChannelKind
from portal.adapters import WebhookRejected, verify_subscription, whatsapp_gateway
from portal.extensions import csrf, limiter

csrf.exempt(bp)

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
MAX_WEBHOOK_BYTES = 1024 * 1024
INBOUND_SKEW_SECONDS = 300


def _gateway(channel: ChannelKind):
    if channel == ChannelKind.SMS:
        from portal.adapters import sms_gateway

        return sms_gateway(current_app.config)

    return whatsapp_gateway(current_app.config)


def _public_url() -> str:
    # Providers sign the URL they were given (our public base), not what a proxy forwards to us.
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + request.full_path.rstrip("?")


def _body() -> bytes:
    if (request.content_length or 0) > MAX_WEBHOOK_BYTES:
        abort(413, "Webhook body too large.")
    return request.get_data(cache=True)


@bp.post("/webhooks/<any(sms, whatsapp):channel>/<provider>")
@limiter.limit("600 per minute")
def status_webhook(channel: str, provider: str):
    kind = ChannelKind(channel)
    gateway = _gateway(kind)
    if provider != gateway.name:
        abort(404, "No such webhook.")
    body = _body()
    try:
        updates = gateway.parse_webhook(dict(request.headers), body, _public_url())
    except WebhookRejected as exc:
        return jsonify(error=str(exc)), 403
    try:
        new = receipts.status_updates(kind, provider, updates)
    except receipts.UnknownMessage as exc:
        return jsonify(error=str(exc)), 404
    if updates and new == 0:
        return jsonify(error="Already recorded: this webhook was replayed."), 409
    return jsonify(recorded=new)


@bp.get("/webhooks/whatsapp/<provider>")
def whatsapp_verify(provider: str):
    """The Graph API's subscription handshake (hub.mode, hub.verify_token, hub.challenge)."""

    gateway = _gateway(ChannelKind.WHATSAPP)
    if provider != gateway.name:
        abort(404, "No such webhook.")
    try:
        challenge = verify_subscription(current_app.config, request.args)
    except WebhookRejected as exc:
        return jsonify(error=str(exc)), 403
    return Response(challenge, mimetype="text/plain")


def inbound_signature(secret: str, timestamp: str, recipient: str, body: bytes) -> str:
    message = timestamp.encode() + b"\n" + recipient.encode() + b"\n" + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@bp.post("/webhooks/mail/inbound")
@limiter.limit("600 per minute")
def inbound_mail():
    """A raw message for one of our bounce addresses, as forwarded by the mail provider's inbound
    route (or the local sink): headers X-Sulah-Recipient, X-Sulah-Timestamp, X-Sulah-Signature."""
    body = _body()
    recipient = request.headers.get("X-Sulah-Recipient", "")
    timestamp = request.headers.get("X-Sulah-Timestamp", "")
    given = request.headers.get("X-Sulah-Signature", "")
    expected = inbound_signature(current_app.config["INBOUND_MAIL_SECRET"], timestamp, recipient, body)
    if not hmac.compare_digest(given, expected):
        return jsonify(error="Bad signature."), 403
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > INBOUND_SKEW_SECONDS:
        return jsonify(error="Stale or missing timestamp."), 403
    try:
        bounce = bounces.parse(recipient, body)
        new = receipts.bounce(bounce, body)
    except bounces.NotABounce as exc:
        return jsonify(error=str(exc)), 422
    except receipts.UnknownMessage as exc:
        return jsonify(error=str(exc)), 404
    if not new:
        return jsonify(error="Already recorded: this bounce was replayed."), 409
    return jsonify(recorded=1, permanent=bounce.permanent)


@bp.get("/t/<token>.gif")
@limiter.limit("120 per minute")
def pixel(token: str):
    if len(token) != 24 or not token.isalnum():
        abort(404)
    try:
        receipts.opened(token, request.headers.get("User-Agent", ""))
    except receipts.UnknownMessage:
        abort(404)
    return Response(PIXEL, mimetype="image/gif", headers={"Cache-Control": "no-store, private"})
