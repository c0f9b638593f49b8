"""Provider reports are the same fact when they name the same message and status, or repeat the
provider's own event id: a resent WhatsApp status with a new timestamp, a delivery report re-sent
under the same event id, a second copy of a bounce are refused as replays and record nothing; a
unique constraint holds the rule even for two deliveries at once."""
from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from notices.serving import dispatch as dispatching
from notices.serving import timeline
from notices.serving.models import ChannelKind, DeliveryEvent, Dispatch, EventKind
from notices.serving.timeline import ProviderIdentity
from portal.database import commit
from portal.extensions import db
from tests.serving.helpers import signed_notice
from tests.serving.test_provider_webhooks import providers  # noqa: F401  (fixture)
from tests.serving.test_receipts import dsn, post_inbound, served  # noqa: F401  (served: fixture)


def events(kind: EventKind) -> list[DeliveryEvent]:
    return list(db.session.scalars(select(DeliveryEvent).where(DeliveryEvent.kind == kind)))


@pytest.fixture
def dispatched(db_session, providers, outbox):  # noqa: F811
    creditor, _adv, _case, notice = signed_notice()
    dispatching.serve(creditor, notice, {ChannelKind.EMAIL, ChannelKind.SMS, ChannelKind.WHATSAPP})
    commit()
    sms = db.session.scalar(select(Dispatch).where(Dispatch.channel == ChannelKind.SMS))
    whatsapp = db.session.scalar(select(Dispatch).where(Dispatch.channel == ChannelKind.WHATSAPP))
    return providers, sms, whatsapp


def test_a_resent_whatsapp_status_with_a_new_timestamp_is_a_replay(client, dispatched):
    (_gw, wa), _sms, whatsapp = dispatched
    now = int(time.time())
    first, headers = wa.status_webhook(whatsapp.provider_message_id, "delivered", at=now - 60)
    resent, resent_headers = wa.status_webhook(whatsapp.provider_message_id, "delivered", at=now)
    assert first != resent  # a different payload hash: the old de-duplication let it in
    assert client.post("/webhooks/whatsapp/cloud", data=first, headers=headers).status_code == 200
    answer = client.post("/webhooks/whatsapp/cloud", data=resent, headers=resent_headers)
    assert answer.status_code == 409 and "replayed" in answer.json["error"]
    [event] = events(EventKind.DELIVERED)
    assert (event.source, event.provider_message_id, event.provider_status) == (
        "cloud", whatsapp.provider_message_id, "delivered")
    # The next status of the same message is a new fact.
    body, headers = wa.status_webhook(whatsapp.provider_message_id, "read", at=now + 5)
    assert client.post("/webhooks/whatsapp/cloud", data=body, headers=headers).json == {"recorded": 1}
    assert len(events(EventKind.READ)) == 1


def test_an_sms_report_resent_under_its_event_id_is_a_replay(client, dispatched):
    (gw, _wa), sms, _whatsapp = dispatched
    now = int(time.time())

    def report(status: str, at: int, event_id: str) -> tuple[bytes, dict]:
        body = json.dumps({"message_id": sms.provider_message_id, "status": status, "timestamp": at,
                           "event_id": event_id}).encode()
        return body, gw.sign(body)

    body, headers = report("delivered", now - 30, "evt-1")
    assert client.post("/webhooks/sms/gateway", data=body, headers=headers).status_code == 200
    body, headers = report("delivered", now, "evt-2")  # the same status under a new event id
    assert client.post("/webhooks/sms/gateway", data=body, headers=headers).status_code == 409
    body, headers = report("failed", now, "evt-1")  # the same event id, whatever it now says
    assert client.post("/webhooks/sms/gateway", data=body, headers=headers).status_code == 409
    [event] = events(EventKind.DELIVERED)
    assert event.provider_event_id == "evt-1"
    assert events(EventKind.FAILED) == []


def test_a_second_copy_of_a_bounce_is_a_replay_a_new_verdict_is_not(client, app, served):  # noqa: F811
    _creditor, _case, notice, dispatch, _token = served
    address = f"bounces+{dispatch.bounce_token}@{app.config['MAIL_BOUNCE_DOMAIN']}"
    delayed = dsn(address, "4.2.2", "delayed")
    assert post_inbound(client, app, address, delayed).status_code == 200
    # The same verdict again, in a report the MTA wrote anew (other bytes, so another hash).
    again = delayed.replace(b"Subject: Undelivered", b"Subject: Still undelivered")
    assert post_inbound(client, app, address, again).status_code == 409
    assert post_inbound(client, app, address, dsn(address)).status_code == 200  # now failed 5.1.1
    assert sorted(e.provider_status for e in events(EventKind.BOUNCED)) == ["delayed 4.2.2", "failed 5.1.1"]


def test_the_constraint_holds_when_two_deliveries_race(dispatched, monkeypatch):
    _providers, _sms, whatsapp = dispatched
    identity = ProviderIdentity(whatsapp.provider_message_id, "delivered")
    first = timeline.record(whatsapp.notice, EventKind.DELIVERED, source="cloud", dispatch=whatsapp,
                            raw=b'{"t": 1}', identity=identity)
    assert first is not None
    # The other request looked before the first one's row existed.
    monkeypatch.setattr(timeline, "_seen", lambda *args: False)
    assert timeline.record(whatsapp.notice, EventKind.DELIVERED, source="cloud", dispatch=whatsapp,
                           raw=b'{"t": 2}', identity=identity) is None
    assert len(events(EventKind.DELIVERED)) == 1
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(DeliveryEvent(notice_id=whatsapp.notice_id, dispatch_id=whatsapp.id,
                                     kind=EventKind.DELIVERED, occurred_at=first.occurred_at, source="cloud",
                                     payload_sha256="f" * 64, provider_message_id=whatsapp.provider_message_id,
                                     provider_status="delivered"))
        db.session.flush()
    assert db.session.scalar(select(func.count(DeliveryEvent.id)).where(
        DeliveryEvent.kind == EventKind.DELIVERED)) == 1
