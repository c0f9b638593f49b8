"""POST /webhooks/razorpay: the gateway tells us a payment link was paid. No session and no CSRF:
the HMAC signature over the raw body is the authentication. A bad signature (400), a link that is
not ours (404), an amount that differs from the link's (422) change nothing; a replayed event is
acknowledged (200) and changes nothing either, so the gateway stops retrying it."""
from __future__ import annotations

from flask import abort, jsonify, request
from sqlalchemy.exc import IntegrityError

from portal.adapters import WebhookRejected
from portal.cases import today_ist
from portal.extensions import csrf, db, limiter
from portal.payments.gateway import WebhookRefused, event_key, record_webhook
from portal.payments.views import bp, gateway

MAX_WEBHOOK_BYTES = 256 * 1024


@bp.post("/webhooks/razorpay")
@csrf.exempt
@limiter.limit("600 per minute")
def razorpay_webhook():
    links = gateway()
    if links is None or links.name != "razorpay":
        abort(404, "No such webhook.")
    if (request.content_length or 0) > MAX_WEBHOOK_BYTES:
        abort(413, "Webhook body too large.")
    body = request.get_data(cache=True)
    with links:
        try:
            event = links.verify_webhook(body, request.headers.get("X-Razorpay-Signature", ""))
        except WebhookRejected as exc:
            return jsonify(error=str(exc)), 400
    if event is None:
        return jsonify(result="ignored")
    event_id = event_key(request.headers.get("X-Razorpay-Event-Id"), body)
    try:
        with db.session.begin_nested():
            outcome = record_webhook(links.name, event, event_id, today_ist())
    except WebhookRefused as exc:
        return jsonify(error=str(exc)), exc.status  # a 4xx: the boundary keeps nothing
    except IntegrityError:
        # The same event or payment recorded by a concurrent delivery a moment ago: the savepoint
        # is undone and the 200 commits nothing.
        return jsonify(result="duplicate")
    return jsonify(result=outcome)
