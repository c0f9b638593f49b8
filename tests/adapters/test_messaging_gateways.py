"""The SMS gateway and WhatsApp Cloud adapters against local fakes of their APIs, the local
outbox default, and a notice served through them with status webhooks arriving at Sulah."""
from __future__ import annotations

import json
import time

import pytest

from portal.adapters.messaging import (
    DeliveryStatus,
    OutgoingMessage,
    PermanentFailure,
    TransientFailure,
    WebhookRejected,
)
from portal.adapters.outbox_gateways import OutboxGateway, read
from portal.adapters.sms import GatewaySms, sms_gateway
from portal.adapters.whatsapp import CloudWhatsApp, verify_subscription, whatsapp_gateway
from tests.fakes.messaging_servers import FakeSmsGateway, FakeWhatsAppCloud

TEMPLATES = {"notice_served": "1107000000000001"}


def message(**kw) -> OutgoingMessage:
    values = {"to": "+919812345678", "template": "notice_served",
              "variables": ("Kaveri Textiles", "SUL-2026-000001", "7 December 2026", "https://sulah.in/n/x"),
              "text": "Legal notice ... https://sulah.in/n/x - Sulah", "idempotency_key": "k" * 64}
    values.update(kw)
    return OutgoingMessage(**values)


@pytest.fixture(scope="module")
def gw():
    server = FakeSmsGateway()
    yield server
    server.stop()


def sms(gw) -> GatewaySms:
    return GatewaySms(gw.url, gw.key, gw.secret, "SULAHN", "1101000000000001", TEMPLATES, ["sulah.in"])


def test_gateway_sends_with_dlt_ids_once_per_idempotency_key(gw):
    adapter = sms(gw)
    first = adapter.send(message(idempotency_key="a" * 64))
    again = adapter.send(message(idempotency_key="a" * 64))
    assert first.message_id == again.message_id
    sent = [m for m in gw.received if m["client_ref"] == "a" * 64]
    assert len(sent) == 1 and sent[0]["template_id"] == "1107000000000001" and sent[0]["sender"] == "SULAHN"


@pytest.mark.parametrize("kw, error, text", [
    ({"template": "unregistered"}, PermanentFailure, "not registered on DLT"),
    ({"text": "Pay at https://evil.example/x"}, PermanentFailure, "not whitelisted"),
    ({"to": "+1555"}, PermanentFailure, "invalid mobile"),
])
def test_gateway_refusals(gw, kw, error, text):
    with pytest.raises(error, match=text):
        sms(gw).send(message(idempotency_key=str(time.time_ns()), **kw))


def test_gateway_transient_failures(gw):
    gw.fail_next = 1
    with pytest.raises(TransientFailure, match="503"):
        sms(gw).send(message(idempotency_key="t" * 64))
    dead = GatewaySms("http://127.0.0.1:9", "k", "s", "SULAHN", "1", TEMPLATES, ["sulah.in"], timeout=1)
    with pytest.raises(TransientFailure, match="unreachable"):
        dead.send(message())


def test_gateway_reports_verified(gw):
    adapter = sms(gw)
    body, headers = gw.report("gw-1", "delivered")
    (update,) = adapter.parse_webhook(headers, body, "")
    assert update.status == DeliveryStatus.DELIVERED and update.raw == body
    with pytest.raises(WebhookRejected, match="signature"):
        adapter.parse_webhook(headers, body.replace(b"delivered", b"failed"), "")
    stale_body, stale = gw.report("gw-1", "delivered", stamp=int(time.time()) - 3600)
    with pytest.raises(WebhookRejected, match="Stale"):
        adapter.parse_webhook(stale, stale_body, "")
    with pytest.raises(ValueError, match="six capital letters"):
        GatewaySms(gw.url, "k", "s", "sulah", "1", TEMPLATES, [])


@pytest.fixture(scope="module")
def wa():
    server = FakeWhatsAppCloud()
    yield server
    server.stop()


def cloud(wa) -> CloudWhatsApp:
    return CloudWhatsApp(wa.url, wa.phone_number_id, wa.token, wa.app_secret)


def test_whatsapp_uploads_the_pdf_and_sends_the_template(wa):
    receipt = cloud(wa).send(message(document=b"%PDF-1.7 signed", document_name="notice.pdf"))
    assert receipt.message_id.startswith("wamid.")
    sent = wa.messages[-1]
    header = sent["template"]["components"][0]["parameters"][0]["document"]
    assert wa.media[header["id"]] == b"%PDF-1.7 signed" and sent["to"] == "919812345678"


def test_whatsapp_errors_are_classified(wa):
    with pytest.raises(PermanentFailure, match="Template name does not exist"):
        cloud(wa).send(message(template="unknown"))
    wa.fail_next = 1
    with pytest.raises(TransientFailure, match="503"):
        cloud(wa).send(message())
    with pytest.raises(PermanentFailure, match="401"):
        CloudWhatsApp(wa.url, wa.phone_number_id, "bad-token", "s").send(message())


def test_whatsapp_status_webhook_verified(wa):
    body, headers = wa.status_webhook("wamid.000001", "read")
    (update,) = cloud(wa).parse_webhook(headers, body, "")
    assert update.status == DeliveryStatus.READ and update.message_id == "wamid.000001"
    forged_body, forged = wa.status_webhook("wamid.000001", "read", secret="not-the-secret")
    with pytest.raises(WebhookRejected):
        cloud(wa).parse_webhook(forged, forged_body, "")
    with pytest.raises(WebhookRejected, match="Malformed"):
        bad = b"{}"
        import hashlib
        import hmac

        sig = "sha256=" + hmac.new(wa.app_secret.encode(), bad, hashlib.sha256).hexdigest()
        cloud(wa).parse_webhook({"X-Hub-Signature-256": sig}, bad, "")


def test_subscription_handshake():
    config = {"WHATSAPP_VERIFY_TOKEN": "tok"}
    assert verify_subscription(config, {"hub.mode": "subscribe", "hub.verify_token": "tok",
                                        "hub.challenge": "42"}) == "42"
    with pytest.raises(WebhookRejected):
        verify_subscription(config, {"hub.mode": "subscribe", "hub.verify_token": "nope"})
    with pytest.raises(WebhookRejected):
        verify_subscription({}, {"hub.mode": "subscribe", "hub.verify_token": ""})


def test_outbox_default_writes_json_and_the_document(tmp_path):
    config = {"OUTBOX_PATH": tmp_path}
    assert isinstance(sms_gateway(config), OutboxGateway) and isinstance(whatsapp_gateway(config), OutboxGateway)
    box = whatsapp_gateway(config)
    receipt = box.send(message(document=b"%PDF", document_name="n.pdf"))
    (record,) = read(tmp_path, "whatsapp")
    assert record["id"] == receipt.message_id and (tmp_path / "whatsapp" / record["document"]["file"]).read_bytes() \
        == b"%PDF"
    assert json.loads(receipt.raw)["to"] == "+919812345678"
    with pytest.raises(PermanentFailure):
        box.send(message(to="98123"))
    with pytest.raises(WebhookRejected):
        box.parse_webhook({}, b"{}", "")


def test_dev_outbox_page_lists_sms_and_whatsapp(app, client, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_PATH", tmp_path)
    sms_gateway(app.config).send(message(text="SMS text for the outbox page"))
    page = client.get("/dev/outbox")
    assert page.status_code == 200 and "SMS text for the outbox page" in page.get_data(as_text=True)
