"""SMS and WhatsApp dispatches through the gateway interface, and their status webhooks, with a
recording gateway in place of a provider (each provider adapter has its own tests against a
fake of its API): WhatsApp waits for the e-mail; forged, replayed and unknown webhooks change
nothing."""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from notices.serving import channels, dispatch_runner
from notices.serving import dispatch as dispatching
from notices.serving.models import ChannelKind, DeliveryEvent, Dispatch, EventKind
from notices.serving.states import DispatchStatus
from notices.serving.views import webhooks as webhook_views
from portal.adapters.messaging import (
    DeliveryStatus,
    PermanentFailure,
    ProviderReceipt,
    StatusUpdate,
    WebhookRejected,
)
from portal.database import commit
from portal.extensions import db
from tests.serving.helpers import signed_notice

SECRET = "shared-secret"


class RecordingGateway:
    """Sends nothing; remembers each message. Its webhook: JSON statuses with an HMAC header."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent = []
        self.refuse: set[str] = set()

    def send(self, message):
        if message.to in self.refuse:
            raise PermanentFailure(f"{message.to} is not a valid mobile number")
        self.sent.append(message)
        return ProviderReceipt(message_id=f"{self.name}-{len(self.sent)}",
                               raw=json.dumps({"id": len(self.sent)}).encode())

    def parse_webhook(self, headers, body, url):
        import hmac

        expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(headers.get("X-Signature", ""), expected):
            raise WebhookRejected("Bad signature.")
        return [StatusUpdate(message_id=s["id"], status=DeliveryStatus(s["status"]),
                             at=datetime(2026, 11, 23, 6, 0, tzinfo=UTC), raw=json.dumps(s).encode())
                for s in json.loads(body)]


@pytest.fixture
def gateways(monkeypatch):
    made = {ChannelKind.SMS: RecordingGateway("testsms"), ChannelKind.WHATSAPP: RecordingGateway("testwa")}
    real = channels.channel_for

    def channel_for(kind):
        return channels.GatewayChannel(kind, made[kind]) if kind in made else real(kind)

    monkeypatch.setattr(dispatch_runner, "channel_for", channel_for)
    monkeypatch.setattr(webhook_views, "_gateway", lambda kind: made[kind])
    return made


def test_sms_carries_the_link_and_whatsapp_the_pdf(db_session, gateways, outbox):
    creditor, _adv, case, notice = signed_notice()
    dispatching.serve(creditor, notice, {ChannelKind.EMAIL, ChannelKind.SMS, ChannelKind.WHATSAPP})
    commit()
    (sms,) = gateways[ChannelKind.SMS].sent
    (wa,) = gateways[ChannelKind.WHATSAPP].sent
    assert sms.to == "+919812345678" and "/n/" in sms.text and sms.document is None
    assert sms.variables[1] == case.reference and sms.template == "notice_served"
    assert hashlib.sha256(wa.document).hexdigest() == notice.signed_pdf_sha256
    assert {d.status for d in db.session.scalars(select(Dispatch))} == {DispatchStatus.SENT}
    assert len([m for m in outbox() if creditor.email not in m["To"]]) == 1  # not its "serve it" mail


def test_whatsapp_waits_for_the_email(db_session, gateways):
    creditor, _adv, _case, notice = signed_notice()
    created = dispatching.serve(creditor, notice, {ChannelKind.EMAIL, ChannelKind.WHATSAPP})
    db.session.commit()  # the tasks are not run: nothing has gone yet
    wa = next(d for d in created if d.channel == ChannelKind.WHATSAPP)
    email = next(d for d in created if d.channel == ChannelKind.EMAIL)
    assert dispatch_runner.run(wa.id).result == "busy"
    assert gateways[ChannelKind.WHATSAPP].sent == []
    assert dispatch_runner.run(email.id).result == "sent"
    assert dispatch_runner.run(wa.id).result == "sent"


def test_whatsapp_fails_when_the_email_failed(db_session, gateways):
    creditor, _adv, _case, notice = signed_notice()
    created = dispatching.serve(creditor, notice, {ChannelKind.EMAIL, ChannelKind.WHATSAPP})
    db.session.commit()
    for d in created:
        if d.channel == ChannelKind.EMAIL:
            d.status = DispatchStatus.FAILED
    db.session.commit()
    wa = next(d for d in created if d.channel == ChannelKind.WHATSAPP)
    assert dispatch_runner.run(wa.id).result == "failed"
    assert gateways[ChannelKind.WHATSAPP].sent == []


def test_invalid_number_fails_permanently(db_session, gateways):
    gateways[ChannelKind.SMS].refuse.add("+919812345678")
    creditor, _adv, _case, notice = signed_notice()
    (sms,) = dispatching.serve(creditor, notice, {ChannelKind.SMS})
    commit()
    db.session.refresh(sms)
    assert sms.status == DispatchStatus.FAILED and "not a valid mobile" in sms.last_error


def post_status(client, channel, provider, statuses, secret=SECRET):
    import hmac

    body = json.dumps(statuses).encode()
    sig = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(f"/webhooks/{channel}/{provider}", data=body,
                       headers={"X-Signature": sig, "Content-Type": "application/json"})


def count(kind: EventKind) -> int:
    return db.session.scalar(select(func.count(DeliveryEvent.id)).where(DeliveryEvent.kind == kind))


def test_status_webhooks_delivered_read_and_the_forgeries(client, db_session, gateways):
    creditor, _adv, _case, notice = signed_notice()
    dispatching.serve(creditor, notice, {ChannelKind.EMAIL, ChannelKind.WHATSAPP})
    commit()
    delivered = [{"id": "testwa-1", "status": "delivered"}]
    assert post_status(client, "whatsapp", "testwa", delivered).status_code == 200
    assert post_status(client, "whatsapp", "testwa", delivered).status_code == 409  # replay
    assert post_status(client, "whatsapp", "testwa", delivered, secret="forged").status_code == 403
    assert post_status(client, "whatsapp", "testwa", [{"id": "testwa-99", "status": "read"}]).status_code == 404
    # One known and one unknown id: refused as a whole, the known one is not recorded either.
    mixed = [{"id": "testwa-1", "status": "read"}, {"id": "nope", "status": "read"}]
    assert post_status(client, "whatsapp", "testwa", mixed).status_code == 404
    assert count(EventKind.READ) == 0
    assert post_status(client, "whatsapp", "otherprovider", delivered).status_code == 404
    assert post_status(client, "whatsapp", "testwa", [{"id": "testwa-1", "status": "read"}]).status_code == 200
    assert count(EventKind.DELIVERED) == 1 and count(EventKind.READ) == 1
    wa = db.session.scalar(select(Dispatch).where(Dispatch.channel == ChannelKind.WHATSAPP))
    assert not wa.unread


def test_failed_status_fails_the_dispatch(client, db_session, gateways, outbox):
    creditor, _adv, _case, notice = signed_notice()
    (sms,) = dispatching.serve(creditor, notice, {ChannelKind.SMS})
    commit()
    resp = post_status(client, "sms", "testsms", [{"id": "testsms-1", "status": "failed"}])
    assert resp.status_code == 200
    db.session.refresh(sms)
    assert sms.status == DispatchStatus.FAILED
    assert any(creditor.email in m["To"] for m in outbox())
