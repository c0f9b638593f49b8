"""The WhatsApp Cloud API adapter against a local fake of the Graph API: the signed PDF uploaded as
media and sent as a template's document header, Graph errors classified, status webhooks verified
by X-Hub-Signature-256, and the subscription handshake."""
from __future__ import annotations

import json

import pytest

from portal.adapters.messaging import DeliveryStatus, PermanentFailure, TransientFailure, WebhookRejected
from portal.adapters.whatsapp import CloudWhatsApp, verify_subscription
from tests.adapters.outgoing import message
from tests.fakes.whatsapp_server import NOTICE_TEMPLATE, FakeWhatsAppCloud

PDF = b"%PDF-1.7 signed notice"


@pytest.fixture(scope="module")
def server():
    fake = FakeWhatsAppCloud(templates={"notice_served": NOTICE_TEMPLATE,
                                        "reminder_served": dict(NOTICE_TEMPLATE, header=None)})
    yield fake
    fake.stop()


@pytest.fixture
def wa(server):
    server.fail_next, server.fail_status, server.fail_code, server.delay = 0, 503, 2, 0.0
    server.undeliverable.clear()
    return server


def cloud(wa, token=None, **kw) -> CloudWhatsApp:
    return CloudWhatsApp(wa.url, wa.phone_number_id, token or wa.token, wa.app_secret, **kw)


def notice(**kw):
    return message(document=PDF, document_name="SUL-2026-000001.pdf", **kw)


def test_uploads_the_pdf_and_sends_the_template_with_our_reference(wa):
    receipt = cloud(wa).send(notice(idempotency_key="w" * 64))
    assert receipt.message_id.startswith("wamid.") and json.loads(receipt.raw)["messages"][0]["id"] \
        == receipt.message_id
    sent = wa.by_id[receipt.message_id]
    header, body = sent["template"]["components"]
    document = header["parameters"][0]["document"]
    assert wa.media[document["id"]] == PDF and document["filename"] == "SUL-2026-000001.pdf"
    assert [p["text"] for p in body["parameters"]] == list(message().variables)
    assert sent["to"] == "919812345678" and sent["biz_opaque_callback_data"] == "w" * 64
    assert sent["template"]["language"] == {"code": "en"}


def test_a_template_without_a_document_header(wa):
    receipt = cloud(wa).send(message(template="reminder_served"))
    assert wa.by_id[receipt.message_id]["template"]["components"][0]["type"] == "body"


@pytest.mark.parametrize("kw, match", [
    ({"template": "unknown"}, "error 132001: Template name does not exist"),
    ({"variables": ("only one",)}, "error 132000"),
    ({"to": "+91 98123"}, "not a WhatsApp number"),
])
def test_permanent_failures(wa, kw, match):
    with pytest.raises(PermanentFailure, match=match):
        cloud(wa).send(notice(**kw))


def test_a_recipient_not_on_whatsapp_is_permanent(wa):
    wa.undeliverable.add("919812345678")
    with pytest.raises(PermanentFailure, match="400, error 131026: Message undeliverable"):
        cloud(wa).send(notice())


def test_the_template_needs_its_document(wa):
    with pytest.raises(PermanentFailure, match="131008.*header document is required"):
        cloud(wa).send(message())
    with pytest.raises(PermanentFailure, match="132001"):
        cloud(wa, language="hi").send(notice())


@pytest.mark.parametrize("status, code", [(503, 2), (429, 130429), (400, 131056), (500, 131000)])
def test_outages_and_rate_limits_are_transient(wa, status, code):
    wa.fail_next, wa.fail_status, wa.fail_code = 1, status, code
    with pytest.raises(TransientFailure, match=f"{status}, error {code}"):
        cloud(wa).send(notice())
    assert cloud(wa).send(notice()).message_id.startswith("wamid.")


def test_timeouts_unreachable_and_a_refused_token_are_transient(wa):
    wa.delay = 0.5
    with pytest.raises(TransientFailure, match="unreachable: ReadTimeout"):
        cloud(wa, timeout=0.1).send(notice())
    wa.delay = 0.0
    with pytest.raises(TransientFailure, match="unreachable"):
        CloudWhatsApp("http://127.0.0.1:9/v21.0", "1", "t", "s", timeout=1).send(notice())
    with pytest.raises(TransientFailure, match="401, error 190"):
        cloud(wa, token="expired").send(notice())


@pytest.mark.parametrize("status, expected", [("sent", DeliveryStatus.ACCEPTED), ("delivered", DeliveryStatus.DELIVERED),
                                              ("read", DeliveryStatus.READ), ("failed", DeliveryStatus.FAILED)])
def test_status_webhooks_map_to_delivery_statuses(wa, status, expected):
    receipt = cloud(wa).send(notice(idempotency_key="h" * 64))
    body, headers = wa.status_webhook(receipt.message_id, status, at=1_795_000_000,
                                      error_code=131026 if status == "failed" else None)
    (update,) = cloud(wa).parse_webhook(headers, body, "")
    assert (update.message_id, update.status, update.raw) == (receipt.message_id, expected, body)
    assert update.at.isoformat() == "2026-11-18T11:06:40+00:00" and update.extra["client_ref"] == "h" * 64
    assert update.detail == ("131026 Message undeliverable" if status == "failed" else "")


def test_statuses_that_are_not_delivery_facts_are_skipped(wa):
    body, headers = wa.sign({"object": "whatsapp_business_account", "entry": [{"id": "W", "changes": [
        {"field": "messages", "value": {"messages": [{"from": "919812345678", "type": "text"}]}},
        {"field": "messages", "value": {"statuses": [{"id": "wamid.1", "status": "deleted", "timestamp": "1"}]}},
    ]}]})
    assert cloud(wa).parse_webhook(headers, body, "") == []


def test_forged_and_malformed_webhooks_are_rejected(wa):
    body, headers = wa.status_webhook("wamid.000001", "read")
    with pytest.raises(WebhookRejected, match="signature"):
        cloud(wa).parse_webhook(headers, body.replace(b"read", b"sent"), "")
    forged_body, forged = wa.status_webhook("wamid.000001", "read", secret="not-the-secret")
    with pytest.raises(WebhookRejected, match="signature"):
        cloud(wa).parse_webhook(forged, forged_body, "")
    for header in ({}, {"X-Hub-Signature-256": headers["X-Hub-Signature-256"].removeprefix("sha256=")},
                   {"X-Hub-Signature-256": "sha256=" + "é" * 64}):
        with pytest.raises(WebhookRejected, match="signature"):
            cloud(wa).parse_webhook(header, body, "")
    for bad in (b"not json", b"{}", b"[]", json.dumps({"object": "page", "entry": []}).encode(),
                json.dumps({"object": "whatsapp_business_account", "entry": [{"changes": [{"value": {
                    "statuses": [{"id": "wamid.1", "status": "read", "timestamp": "soon"}]}}]}]}).encode()):
        with pytest.raises(WebhookRejected, match="Malformed"):
            cloud(wa).parse_webhook(wa.sign(bad)[1], bad, "")


def test_subscription_handshake():
    config = {"WHATSAPP_VERIFY_TOKEN": "tok"}
    args = {"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "1158201444"}
    assert verify_subscription(config, args) == "1158201444"
    for bad_config, bad_args in [(config, dict(args, **{"hub.verify_token": "nope"})),
                                 (config, dict(args, **{"hub.mode": "unsubscribe"})),
                                 (config, dict(args, **{"hub.challenge": "<script>"})),
                                 (config, dict(args, **{"hub.verify_token": "é"})),
                                 ({}, dict(args, **{"hub.verify_token": ""}))]:
        with pytest.raises(WebhookRejected):
            verify_subscription(bad_config, bad_args)
