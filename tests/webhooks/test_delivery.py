"""Webhooks end to end against a real receiver on a local port: a served notice arrives signed; a
receiver that fails three times gets the event on the fourth attempt; timeouts and redirects are
logged and retried, never followed; a replay carries the same event id; a rotation signs with both
secrets; a rolled-back step raises nothing."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.audit import AuditEvent
from portal.cases import transitions
from portal.cases.states import CaseStatus
from portal.database import commit, rollback
from portal.extensions import db
from portal.outbox import OutboxMessage
from portal.types import utcnow
from portal.webhooks import services, signing
from portal.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEvent
from portal.webhooks.states import DeliveryStatus
from tests.conftest import csrf_from
from tests.factories import CaseFactory, CreditorFactory
from tests.webhooks.receiver import Receiver


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.stop()


@pytest.fixture
def admin(db_session):
    return CreditorFactory(is_org_admin=True)


def signed_case(admin):
    return CaseFactory(creditor=admin.organization, created_by_id=admin.id, _status=CaseStatus.NOTICE_SIGNED)


def serve(case):
    transitions.fire(case, "serve_notice", None)
    commit()  # the outbox publishes after the commit; the eager worker delivers at once


def the_delivery(kind="notice.served") -> WebhookDelivery:
    return db.session.scalar(select(WebhookDelivery).join(WebhookEvent).where(WebhookEvent.type == kind)
                             .order_by(WebhookDelivery.id.desc()))


def test_a_served_notice_reaches_the_receiver_signed(client, auth, admin, receiver, db_session):
    auth.login_as(admin)
    page = client.get("/account/webhooks")
    assert page.status_code == 200
    resp = client.post("/account/webhooks", data={
        "csrf_token": csrf_from(page), "url": receiver.url, "description": "ERP",
        "event_types": ["notice.served", "case.status_changed"]})
    assert resp.status_code == 201, resp.get_data(as_text=True)[:3000]
    secret = re.search(r'value="(whsec_[A-Za-z0-9+/=]+)"', resp.get_data(as_text=True)).group(1)
    case = signed_case(admin)
    serve(case)
    assert len(receiver.requests) == 2  # the status change and the served notice, one request each
    bodies = [json.loads(r["body"]) for r in receiver.requests]
    assert {b["type"] for b in bodies} == {"case.status_changed", "notice.served"}
    served = next(r for r in receiver.requests if json.loads(r["body"])["type"] == "notice.served")
    signing.verify(secret, served["headers"], served["body"], now=int(utcnow().timestamp()))
    body = json.loads(served["body"])
    assert served["headers"]["Webhook-Id"] == body["id"] and body["id"].startswith("evt_")
    assert body["data"]["case"] == {"reference": case.reference, "status": "notice_served"}
    status_change = next(b for b in bodies if b["type"] == "case.status_changed")
    assert status_change["data"]["from"] == "notice_signed" and status_change["data"]["to"] == "notice_served"
    delivery = the_delivery()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1
    assert delivery.attempt_log[0].status_code == 200 and delivery.attempt_log[0].elapsed_ms >= 0
    shown = client.get(f"/account/webhooks/{delivery.endpoint_id}").get_data(as_text=True)
    assert body["id"] in shown and "HTTP 200" in shown and secret not in shown


def test_three_failures_then_the_fourth_attempt_delivers(admin, receiver, db_session):
    endpoint, secret = services.register(admin, receiver.url, ["notice.served"])
    receiver.answers = [500, 500, 500]
    serve(signed_case(admin))
    delivery = the_delivery()
    first = delivery.attempt_log[0]
    assert first.status_code == 500 and delivery.status == DeliveryStatus.PENDING
    previous = first.started_at  # each wait counts from the attempt before: 30 s, then 60, then 120
    for number, wait in enumerate([30, 60, 120], start=1):
        db.session.refresh(delivery)
        assert delivery.attempts == number
        due = delivery.next_attempt_at
        assert abs((due - previous) - timedelta(seconds=wait)) < timedelta(seconds=2)
        previous = due
        assert services.deliver(delivery.id, now=due - timedelta(seconds=1)) is None  # not yet due
        assert services.deliver(delivery.id, now=due) is not None
    db.session.refresh(delivery)
    assert [a.status_code for a in delivery.attempt_log] == [500, 500, 500, 200]
    assert delivery.status == DeliveryStatus.DELIVERED
    assert len({r["headers"]["Webhook-Id"] for r in receiver.requests}) == 1  # the same id each time
    assert receiver.processed == [receiver.requests[0]["headers"]["Webhook-Id"]]
    signing.verify(secret, receiver.requests[-1]["headers"], receiver.requests[-1]["body"],
                   now=int(utcnow().timestamp()))
    audited = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "webhook_delivery.delivered"))
    assert audited.data["attempts"] == 4


def test_the_sweep_queues_due_retries_through_the_outbox(admin, receiver, db_session):
    services.register(admin, receiver.url, ["notice.served"])
    receiver.answers = [503]
    serve(signed_case(admin))
    delivery = the_delivery()
    assert services.sweep(now=utcnow()) == []  # not due yet: nothing queued
    later = delivery.next_attempt_at + timedelta(seconds=1)
    assert services.due_ids(later) == [delivery.id]
    delivery.next_attempt_at = utcnow() - timedelta(seconds=1)  # as if 30 s had passed
    commit()
    assert services.sweep() == [delivery.id]
    db.session.refresh(delivery)
    assert delivery.status == DeliveryStatus.DELIVERED and len(receiver.requests) == 2
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.key == f"webhook-delivery:{delivery.id}")) == 2


def test_it_gives_up_after_a_day(app, admin, receiver, db_session):
    services.register(admin, receiver.url, ["notice.served"])
    receiver.answers = [500] * 20
    serve(signed_case(admin))
    delivery = the_delivery()
    while delivery.status == DeliveryStatus.PENDING:
        services.deliver(delivery.id, now=delivery.next_attempt_at)
        db.session.refresh(delivery)
    assert delivery.status == DeliveryStatus.GIVEN_UP and delivery.attempts == 14
    assert delivery.attempt_log[-1].started_at is not None
    assert delivery.finished_at - delivery.created_at <= timedelta(hours=24)


def test_a_timeout_is_logged_and_retried(app, admin, receiver, db_session):
    app.config["WEBHOOK_TIMEOUT_SECONDS"] = 0.3
    try:
        services.register(admin, receiver.url, ["notice.served"])
        receiver.hold.clear()  # the receiver does not answer in time
        serve(signed_case(admin))
    finally:
        app.config["WEBHOOK_TIMEOUT_SECONDS"] = 10.0
        receiver.hold.set()
    attempt = the_delivery().attempt_log[0]
    assert attempt.status_code is None and "timed out" in attempt.error
    assert the_delivery().status == DeliveryStatus.PENDING


def test_a_redirect_is_not_followed(admin, receiver, db_session):
    services.register(admin, receiver.url, ["notice.served"])
    receiver.answers = [302]
    serve(signed_case(admin))
    attempt = the_delivery().attempt_log[0]
    assert attempt.status_code == 302 and "redirect is not followed" in attempt.error
    assert [r["path"] for r in receiver.requests] == ["/hooks/sulah"]  # never /elsewhere
    assert the_delivery().status == DeliveryStatus.PENDING


def test_a_refused_connection_is_logged(admin, receiver, db_session):
    url = receiver.url
    receiver.stop()
    services.register(admin, url, ["notice.served"])
    serve(signed_case(admin))
    attempt = the_delivery().attempt_log[0]
    assert attempt.status_code is None and "refused the connection" in attempt.error


def test_a_replay_carries_the_same_event_id_and_the_receiver_ignores_it(client, auth, admin, receiver,
                                                                        db_session):
    endpoint, _secret = services.register(admin, receiver.url, ["notice.served"])
    serve(signed_case(admin))
    delivery = the_delivery()
    auth.login_as(admin)
    page = client.get(f"/account/webhooks/{endpoint.id}")
    resp = client.post(f"/account/webhooks/{endpoint.id}/deliveries/{delivery.id}/replay",
                       data={"csrf_token": csrf_from(page)})
    assert resp.status_code == 302
    assert len(receiver.requests) == 2
    assert receiver.requests[0]["headers"]["Webhook-Id"] == receiver.requests[1]["headers"]["Webhook-Id"]
    assert receiver.requests[0]["body"] == receiver.requests[1]["body"]
    assert len(receiver.processed) == 1  # de-duplicated by the event id
    replayed = db.session.scalar(select(WebhookDelivery).where(WebhookDelivery.replay_of_id == delivery.id))
    assert replayed.status == DeliveryStatus.DELIVERED
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "webhook_delivery.replayed"))


def test_a_rotation_signs_with_both_secrets_until_the_overlap_ends(admin, receiver, db_session):
    endpoint, old = services.register(admin, receiver.url, ["notice.served"])
    new = services.rotate_secret(admin, endpoint)
    commit()
    serve(signed_case(admin))
    sent = receiver.requests[-1]
    now = int(utcnow().timestamp())
    signing.verify(old, sent["headers"], sent["body"], now=now)
    signing.verify(new, sent["headers"], sent["body"], now=now)
    assert services.live_secrets(endpoint, endpoint.previous_expires_at + timedelta(seconds=1)) == [new]


def test_a_disabled_endpoint_gets_nothing_and_its_pending_deliveries_stop(admin, receiver, db_session):
    endpoint, _ = services.register(admin, receiver.url, ["notice.served"])
    receiver.answers = [500]
    serve(signed_case(admin))
    pending = the_delivery()
    services.set_active(admin, endpoint, False)
    commit()
    serve(signed_case(admin))
    assert len(receiver.requests) == 1
    services.deliver(pending.id, now=pending.next_attempt_at)
    db.session.refresh(pending)
    assert pending.status == DeliveryStatus.GIVEN_UP


def test_a_rolled_back_step_raises_no_event(admin, receiver, db_session):
    services.register(admin, receiver.url, ["notice.served"])
    commit()
    case = signed_case(admin)
    commit()
    transitions.fire(case, "serve_notice", None)
    assert db.session.scalar(select(func.count()).select_from(WebhookEvent)) == 1
    rollback()
    assert db.session.scalar(select(func.count()).select_from(WebhookEvent)) == 0
    assert receiver.requests == []
    assert db.session.scalar(select(func.count()).select_from(WebhookAttempt)) == 0


def test_another_organisations_events_are_not_sent(admin, receiver, db_session):
    services.register(admin, receiver.url, ["notice.served"])
    other = CreditorFactory(is_org_admin=True)
    serve(signed_case(other))
    assert receiver.requests == []


def test_the_real_serving_path_sends_served_then_received(receiver, db_session):
    """A notice signed by its advocate, served by e-mail through the dispatch pipeline (the mail sink
    accepts it), then a delivery report proves receipt: two signed events, in that order."""
    from notices.serving import dispatch
    from notices.serving.models import ChannelKind
    from tests.serving.helpers import delivered, signed_notice

    creditor, _advocate, case, notice = signed_notice()
    _endpoint, secret = services.register(creditor, receiver.url, ["notice.served", "notice.received"])
    commit()
    dispatch.serve(creditor, notice, {ChannelKind.EMAIL})
    commit()
    delivered(notice)
    commit()
    bodies = [json.loads(r["body"]) for r in receiver.requests]
    assert [b["type"] for b in bodies] == ["notice.served", "notice.received"]
    assert all(b["data"]["case"]["reference"] == case.reference for b in bodies)
    for sent in receiver.requests:
        signing.verify(secret, sent["headers"], sent["body"], now=int(utcnow().timestamp()))


@pytest.mark.parametrize("form, message", [
    ({"url": "javascript:alert(1)", "event_types": ["notice.served"]}, "must start with https://"),
    ({"url": "http://[::1", "event_types": ["notice.served"]}, "not a web address"),
    ({"url": "http://127.0.0.1:1/x", "event_types": ["no.such"]}, "is not a valid choice"),
    ({"url": "http://127.0.0.1:1/x\x00", "event_types": ["notice.served"]}, "no spaces"),
    ({"url": "http://127.0.0.1:1/x", "event_types": ["notice.served"], "description": "a\u202eb"}, "one line"),
    ({"url": "", "event_types": []}, "Give the endpoint"),
])
def test_junk_is_refused_with_its_reason_and_nothing_stored(client, auth, admin, db_session, form, message):
    auth.login_as(admin)
    page = client.get("/account/webhooks")
    resp = client.post("/account/webhooks", data={"csrf_token": csrf_from(page), **form})
    assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    assert services.endpoints_of_org(admin.org_id) == []


def test_another_organisation_cannot_see_or_replay_a_delivery(client, auth, admin, receiver, db_session):
    endpoint, _ = services.register(admin, receiver.url, ["notice.served"])
    serve(signed_case(admin))
    delivery = the_delivery()
    other = CreditorFactory(is_org_admin=True)
    auth.login_as(other)
    page = client.get("/account/webhooks")
    assert client.get(f"/account/webhooks/{endpoint.id}").status_code == 404
    resp = client.post(f"/account/webhooks/{endpoint.id}/deliveries/{delivery.id}/replay",
                       data={"csrf_token": csrf_from(page)})
    assert resp.status_code == 404 and len(receiver.requests) == 1


def test_the_sweep_forgets_ended_deliveries_after_the_keep_days(client, auth, admin, receiver, db_session):
    endpoint, _ = services.register(admin, receiver.url, ["notice.served"])
    serve(signed_case(admin))
    delivered_one = the_delivery()
    services.replay(admin, delivered_one)
    commit()
    receiver.answers = [500]  # the second event is still being retried: it stays
    serve(signed_case(admin))
    pending = the_delivery()
    pending_id = pending.id
    assert pending.status == DeliveryStatus.PENDING
    later = utcnow() + timedelta(days=31)
    services.sweep(now=later)
    left = db.session.scalars(select(WebhookDelivery.id)).all()
    assert left == [pending_id]  # the delivered event went with its replay and attempts
    assert db.session.scalar(select(func.count()).select_from(WebhookEvent)) == 1
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "webhook_delivery.delivered"))


def test_the_administrator_changes_the_events_and_keeps_the_secret(client, auth, admin, receiver, db_session):
    endpoint, secret = services.register(admin, receiver.url, ["payment.confirmed"])
    auth.login_as(admin)
    page = client.get(f"/account/webhooks/{endpoint.id}")
    bad = client.post(f"/account/webhooks/{endpoint.id}", data={
        "csrf_token": csrf_from(page), "url": "https://exa mple.com/x", "event_types": ["notice.served"]})
    assert bad.status_code == 422 and "no spaces" in bad.get_data(as_text=True)
    assert services.endpoint_of_org(admin.org_id, endpoint.id).event_types == "payment.confirmed"
    resp = client.post(f"/account/webhooks/{endpoint.id}", data={
        "csrf_token": csrf_from(page), "url": receiver.url, "event_types": ["notice.served"]})
    assert resp.status_code == 302
    serve(signed_case(admin))
    sent = receiver.requests[-1]
    assert json.loads(sent["body"])["type"] == "notice.served"
    signing.verify(secret, sent["headers"], sent["body"], now=int(utcnow().timestamp()))
    changed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "webhook_endpoint.updated"))
    assert changed.data["before"]["event_types"] == "payment.confirmed"
