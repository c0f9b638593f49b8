"""Outbound webhooks: only an organisation's administrator lists, adds and manages its own endpoints;
another organisation's administrator does not learn that an endpoint or a delivery exists (404)."""
from __future__ import annotations

from sqlalchemy import select

from portal.cases import transitions
from portal.extensions import db
from portal.webhooks import services
from portal.webhooks.models import WebhookDelivery
from tests.matrix.common import NOBODY, ORG_ADMINS, OTHER_ORG, Probe, S, allow

# Nothing listens there: a delivery attempt is refused at once (development allows 127.0.0.1).
URL = "http://127.0.0.1:9/sulah"


def endpoint(w):
    made, _secret = services.register(w.creditor_admin, URL, ["notice.served"])
    return made


def endpoint_url(suffix: str = ""):
    return lambda w: f"/account/webhooks/{endpoint(w).id}{suffix}"


def replay_url(w) -> str:
    """A delivery raised the way every one is: a case's notice is served."""
    e = endpoint(w)
    transitions.fire(w.case(S.NOTICE_SIGNED), "serve_notice", None)
    delivery = db.session.scalar(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == e.id))
    return f"/account/webhooks/{e.id}/deliveries/{delivery.id}/replay"


ROUTES = {
    ("outbound_webhooks.index", "GET"): Probe(lambda w: "/account/webhooks", allow(ORG_ADMINS, 200),
                                              hidden_from=NOBODY),
    ("outbound_webhooks.create", "POST"): Probe(
        lambda w: "/account/webhooks", allow(ORG_ADMINS, 201), hidden_from=NOBODY,
        form=lambda w: {"url": URL, "description": "ERP", "event_types": ["notice.served", "offer.made"]}),
    ("outbound_webhooks.show", "GET"): Probe(endpoint_url(), allow({"creditor_admin"}, 200),
                                             hidden_from=OTHER_ORG),
    ("outbound_webhooks.edit", "POST"): Probe(
        endpoint_url(), allow({"creditor_admin"}, 302), hidden_from=OTHER_ORG,
        form=lambda w: {"url": URL + "/v2", "description": "ERP", "event_types": ["payment.confirmed"]}),
    ("outbound_webhooks.rotate", "POST"): Probe(endpoint_url("/rotate"), allow({"creditor_admin"}, 200),
                                                hidden_from=OTHER_ORG),
    ("outbound_webhooks.set_active", "POST"): Probe(endpoint_url("/disable"), allow({"creditor_admin"}, 302),
                                                    hidden_from=OTHER_ORG),
    ("outbound_webhooks.replay", "POST"): Probe(replay_url, allow({"creditor_admin"}, 302),
                                                hidden_from=OTHER_ORG),
}
