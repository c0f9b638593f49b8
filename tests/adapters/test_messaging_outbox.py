"""The embedded defaults: SMS and WhatsApp written to the instance outbox (nothing leaves the
machine), the provider factories, and the /dev/outbox page listing them."""
from __future__ import annotations

import json
import time

import pytest

from portal.adapters.messaging import DeliveryStatus, PermanentFailure, WebhookRejected
from portal.adapters.sms import GatewaySms, OutboxSms, TwilioSms, sms_gateway
from portal.adapters.whatsapp import CloudWhatsApp, OutboxWhatsApp, whatsapp_gateway
from tests.adapters.outgoing import message


def test_outbox_defaults_write_json_and_the_document(tmp_path):
    config = {"OUTBOX_PATH": tmp_path}
    sms, wa = sms_gateway(config), whatsapp_gateway(config)
    assert isinstance(sms, OutboxSms) and isinstance(wa, OutboxWhatsApp)
    texted = sms.send(message())
    sent = wa.send(message(document=b"%PDF-1.7", document_name="n.pdf"))
    assert texted.status == DeliveryStatus.ACCEPTED and json.loads(texted.raw)["to"] == "+919812345678"
    record = json.loads((tmp_path / "whatsapp" / f"{sent.message_id}.json").read_text())
    assert record["idempotency_key"] == "k" * 64 and record["document"]["name"] == "n.pdf"
    assert (tmp_path / "whatsapp" / f"{sent.message_id}.pdf").read_bytes() == b"%PDF-1.7"
    assert [p.name for p in (tmp_path / "sms").iterdir()] == [f"{texted.message_id}.json"]
    with pytest.raises(PermanentFailure):
        sms.send(message(to="98123"))
    for gateway in (sms, wa):
        with pytest.raises(WebhookRejected, match="no status webhooks"):
            gateway.parse_webhook({}, b"{}", "")


def test_factories_choose_the_configured_provider(tmp_path):
    sms = {"OUTBOX_PATH": tmp_path, "SMS_SENDER": "SULAHN", "SMS_DLT_ENTITY_ID": "1101000000000001",
           "SMS_DLT_TEMPLATES": {"notice_served": "1107000000000001"}, "SMS_URL_WHITELIST": ["sulah.in"],
           "SMS_GATEWAY_URL": "http://127.0.0.1:9", "SMS_GATEWAY_KEY": "k", "SMS_GATEWAY_SECRET": "s",
           "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t", "TWILIO_FROM": "SULAHN"}
    assert isinstance(sms_gateway(dict(sms, SMS_PROVIDER="gateway")), GatewaySms)
    twilio = sms_gateway(dict(sms, SMS_PROVIDER="twilio"))
    assert isinstance(twilio, TwilioSms) and twilio.name == "twilio"
    wa = {"OUTBOX_PATH": tmp_path, "WHATSAPP_PROVIDER": "cloud", "WHATSAPP_API_URL": "http://127.0.0.1:9/v21.0",
          "WHATSAPP_PHONE_NUMBER_ID": "1", "WHATSAPP_TOKEN": "t", "WHATSAPP_APP_SECRET": "s",
          "WHATSAPP_TEMPLATE_LANGUAGE": "en_US"}
    cloud = whatsapp_gateway(wa)
    assert isinstance(cloud, CloudWhatsApp) and cloud.language == "en_US"


@pytest.mark.parametrize("config, match", [
    ({"SMS_PROVIDER": "gateway"}, "SMS_GATEWAY_URL, SMS_GATEWAY_KEY, SMS_GATEWAY_SECRET, SMS_SENDER, "
                                  "SMS_DLT_ENTITY_ID not set"),
    ({"SMS_PROVIDER": "twilio", "TWILIO_ACCOUNT_SID": "AC1"}, "TWILIO_AUTH_TOKEN, TWILIO_FROM not set"),
    ({"SMS_PROVIDER": "twillio"}, "Unknown SMS_PROVIDER 'twillio'"),
    ({"SMS_PROVIDER": "gateway", "SMS_DLT_TEMPLATES": {"notice_served": ""}}, "needs a DLT template id"),
])
def test_sms_misconfiguration_is_named(config, match):
    with pytest.raises(ValueError, match=match):
        sms_gateway(config)


@pytest.mark.parametrize("config, match", [
    ({"WHATSAPP_PROVIDER": "cloud", "WHATSAPP_API_URL": "x"}, "WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_TOKEN, "
                                                             "WHATSAPP_APP_SECRET not set"),
    ({"WHATSAPP_PROVIDER": "meta"}, "Unknown WHATSAPP_PROVIDER 'meta'"),
])
def test_whatsapp_misconfiguration_is_named(config, match):
    with pytest.raises(ValueError, match=match):
        whatsapp_gateway(config)


def test_the_embedded_config_uses_the_outbox(app):
    assert isinstance(sms_gateway(app.config), OutboxSms)
    assert isinstance(whatsapp_gateway(app.config), OutboxWhatsApp)


def test_dev_outbox_lists_sms_and_whatsapp_newest_first(app, client, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_PATH", tmp_path)
    empty = client.get("/dev/outbox").get_data(as_text=True)
    assert "Nothing has been sent yet." in empty and empty.count("None yet.") == 2
    sms_gateway(app.config).send(message(text="First SMS <b>bold</b> https://sulah.in/n/first"))
    time.sleep(0.001)
    sms_gateway(app.config).send(message(text="Second SMS"))
    sent = whatsapp_gateway(app.config).send(message(document=b"%PDF-1.7 x", document_name="SUL-1.pdf"))
    (tmp_path / "sms" / "123-notanid.json").write_text("{}")  # not a name the outbox writes: ignored
    (tmp_path / "sms" / f"{time.time_ns()}-0badf11e.json").write_text("{broken")  # unreadable: skipped
    page = client.get("/dev/outbox")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<title>Dev outbox" in html and "<table" not in html.split("</title>")[0]
    assert "SMS (2)" in html and "WhatsApp (1)" in html and "IST" in html
    assert html.index("Second SMS") < html.index("First SMS")
    assert "&lt;b&gt;bold&lt;/b&gt;" in html  # message text is escaped...
    assert '<a href="https://sulah.in/n/first">https://sulah.in/n/first</a>' in html  # ...its links clickable
    link = f"/dev/outbox/whatsapp/{sent.message_id}/document"
    assert f'href="{link}">SUL-1.pdf</a>' in html
    download = client.get(link)
    assert download.status_code == 200 and download.data == b"%PDF-1.7 x"
    assert download.headers["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("path", ["/dev/outbox/sms/{id}/document", "/dev/outbox/whatsapp/..%2Fsecret_key/document",
                                  "/dev/outbox/whatsapp/{id}.json/document",
                                  "/dev/outbox/whatsapp/123-0000000g/document", "/dev/outbox/whatsapp/{id}x/document"])
def test_dev_outbox_documents_only_by_exact_id(app, client, tmp_path, monkeypatch, path):
    monkeypatch.setitem(app.config, "OUTBOX_PATH", tmp_path)
    sent = whatsapp_gateway(app.config).send(message(document=b"%PDF", document_name="n.pdf"))
    response = client.get(path.format(id=sent.message_id))
    assert response.status_code == 404 and response.data != b"%PDF"
