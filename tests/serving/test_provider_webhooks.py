"""A notice served by SMS through the gateway adapter and by WhatsApp through the Cloud API
adapter (each against its local fake), with the providers' signed status webhooks arriving at
Sulah's endpoints; forged and replayed ones change nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from notices.serving import dispatch as dispatching
from notices.serving.models import ChannelKind, DeliveryEvent, Dispatch, EventKind
from portal.database import commit
from portal.extensions import db
from tests.fakes.sms_gateway_server import FakeSmsGateway
from tests.fakes.whatsapp_server import FakeWhatsAppCloud
from tests.serving.helpers import signed_notice


@pytest.fixture
def providers(app, monkeypatch):
    gw, wa = FakeSmsGateway(), FakeWhatsAppCloud()
    for key, value in {"SMS_PROVIDER": "gateway", "SMS_GATEWAY_URL": gw.url, "SMS_GATEWAY_KEY": gw.key,
                       "SMS_GATEWAY_SECRET": gw.secret, "SMS_SENDER": "SULAHN", "SMS_DLT_ENTITY_ID": "1101",
                       "SMS_DLT_TEMPLATES": {"notice_served": "1107000000000001"},
                       "SMS_URL_WHITELIST": ["127.0.0.1", "localhost"],
                       "WHATSAPP_PROVIDER": "cloud", "WHATSAPP_API_URL": wa.url,
                       "WHATSAPP_PHONE_NUMBER_ID": wa.phone_number_id, "WHATSAPP_TOKEN": wa.token,
                       "WHATSAPP_APP_SECRET": wa.app_secret}.items():
        monkeypatch.setitem(app.config, key, value)
    yield gw, wa
    gw.stop()
    wa.stop()


def count(kind) -> int:
    return db.session.scalar(select(func.count(DeliveryEvent.id)).where(DeliveryEvent.kind == kind))


def test_sms_and_whatsapp_through_the_providers(client, db_session, providers, outbox):
    gw, wa = providers
    creditor, _adv, _case, notice = signed_notice()
    dispatching.serve(creditor, notice, {ChannelKind.EMAIL, ChannelKind.SMS, ChannelKind.WHATSAPP})
    commit()
    sms = db.session.scalar(select(Dispatch).where(Dispatch.channel == ChannelKind.SMS))
    whatsapp = db.session.scalar(select(Dispatch).where(Dispatch.channel == ChannelKind.WHATSAPP))
    assert sms.provider == "gateway" and gw.received[-1]["client_ref"] == sms.idempotency_key
    assert whatsapp.provider == "cloud" and wa.messages[-1]["template"]["name"] == "notice_served"

    body, headers = gw.report(sms.provider_message_id, "delivered")
    assert client.post("/webhooks/sms/gateway", data=body, headers=headers).status_code == 200
    assert client.post("/webhooks/sms/gateway", data=body, headers=headers).status_code == 409
    forged = dict(headers, **{"X-Gateway-Signature": "0" * 64})
    assert client.post("/webhooks/sms/gateway", data=body, headers=forged).status_code == 403
    body, headers = wa.status_webhook(whatsapp.provider_message_id, "read")
    assert client.post("/webhooks/whatsapp/cloud", data=body, headers=headers).status_code == 200
    body, headers = wa.status_webhook("wamid.unknown", "read")
    assert client.post("/webhooks/whatsapp/cloud", data=body, headers=headers).status_code == 404
    body, headers = wa.status_webhook(whatsapp.provider_message_id, "read", secret="forged")
    assert client.post("/webhooks/whatsapp/cloud", data=body, headers=headers).status_code == 403
    assert count(EventKind.DELIVERED) == 1 and count(EventKind.READ) == 1
