"""Receipt is not dispatch (issue 17.1) and what a bounce means (issue 23.3): the pure rule on
hand-made timelines, then a demand notice whose only channel bounces, end to end."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from notices.serving import deadlines, receipts
from notices.serving import dispatch as dispatching
from notices.serving.bounces import Bounce
from notices.serving.models import ChannelKind, Dispatch, EventKind, Purpose, ServiceTerms
from notices.serving.receipt import Sighting, State, decide
from notices.serving.states import DispatchStatus
from portal.audit import AuditEvent
from portal.cases.states import CaseStatus
from portal.database import commit
from portal.extensions import db
from portal.notifications.models import AttentionItem
from tests.serving.helpers import delivered, signed_notice

E, K, S = ChannelKind.EMAIL, EventKind, DispatchStatus
T0 = datetime(2026, 12, 1, 4, 30, tzinfo=UTC)   # 10:00 IST, 1 Dec 2026


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def mail(kind: EventKind, minutes: int, *, designated=False, failed=False, channel=E) -> Sighting:
    return Sighting(kind, at(minutes), dispatch_id=1, channel=channel, address="a@debtor.in",
                    designated=designated, failed=failed)


SENT = [(E, "a@debtor.in", S.SENT)]


def test_the_relays_acceptance_is_dispatch_not_receipt():
    found = decide([mail(K.QUEUED, 0), mail(K.DISPATCHED, 1), mail(K.ACCEPTED, 2)], SENT, False)
    assert found.state == State.AWAITING and found.at is None


def test_a_delivery_report_is_receipt_on_a_designated_or_only_address():
    assert decide([mail(K.DELIVERED, 3)], SENT, False).at == at(3)                      # s.13(2)(b)
    assert decide([mail(K.DELIVERED, 3, designated=True)], SENT, True).at == at(3)      # s.13(2)(a)(i)
    # Delivered elsewhere than the designated address: received only when retrieved (s.13(2)(a)(ii)).
    elsewhere = decide([mail(K.DELIVERED, 3), mail(K.READ, 90)], SENT, True)
    assert elsewhere.at == at(90) and elsewhere.evidence.kind == K.READ


def test_a_bounced_channel_proves_nothing_but_the_debtors_own_conduct_does():
    bounced = [(E, "a@debtor.in", S.FAILED)]
    found = decide([mail(K.DISPATCHED, 1), mail(K.DELIVERED, 2, failed=True), mail(K.OPENED, 4, failed=True)],
                   bounced, False)
    assert found.state == State.FAILED and found.failed == ((E, "a@debtor.in"),) and found.at is None
    # The debtor opened the notice through its personal link anyway: s.12 acknowledgement by conduct.
    viewed = decide([mail(K.DELIVERED, 2, failed=True), mail(K.VIEWED, 30, failed=True)], bounced, False)
    assert viewed.state == State.RECEIVED and viewed.at == at(30)


def test_postal_delivery_is_receipt_and_the_earliest_proof_wins():
    post = [(ChannelKind.POST, "12 MG Road", S.SENT), *SENT]
    found = decide([mail(K.READ, 3000), mail(K.DELIVERED, 2000, channel=ChannelKind.POST)], post, True)
    assert found.at == at(2000) and found.evidence.channel == ChannelKind.POST
    assert "postal delivery" in found.how


def test_one_live_channel_keeps_the_notice_awaiting_receipt():
    mixed = [(E, "a@debtor.in", S.FAILED), (ChannelKind.SMS, "+919812345678", S.SENT)]
    assert decide([], mixed, False).state == State.AWAITING
    assert decide([], [], False).state == State.NOT_SERVED


def test_the_receipt_day_is_the_ist_day():
    # 18:45 UTC on 1 Dec is 00:15 IST on 2 Dec.
    late = decide([Sighting(K.DELIVERED, datetime(2026, 12, 1, 18, 45, tzinfo=UTC), channel=E)], SENT, False)
    assert late.day == date(2026, 12, 2)


def _bounce(dispatch: Dispatch) -> bool:
    return receipts.bounce(Bounce(token=dispatch.bounce_token, action="failed", status="5.1.1",
                                  recipient=dispatch.address, diagnostic="550 5.1.1 user unknown",
                                  message_id=f"<dsn-{dispatch.id}@mx.example.in>"), b"5.1.1 report")


def test_a_bounce_on_the_only_channel_unserves_the_notice_and_stops_every_clock(db_session, outbox):
    """Issue 23.3. Served by e-mail with ODR escalation chosen; the relay accepted it; a permanent
    bounce follows. The case is "notice signed" again, nothing runs, the creditor is offered service
    on another channel, and the deadline run records no reminder and no escalation, on any day."""
    creditor, _adv, case, notice = signed_notice(mobile=None)
    (sent,) = dispatching.serve(creditor, notice, {ChannelKind.EMAIL}, escalate_to_odr=True)
    commit()
    db.session.refresh(sent)
    assert sent.status == S.SENT and case.status == CaseStatus.NOTICE_SERVED
    assert _bounce(sent)
    commit()
    db.session.refresh(sent)
    assert sent.status == S.FAILED and case.status == CaseStatus.NOTICE_SIGNED
    terms = db.session.get(ServiceTerms, notice.id)
    assert terms.received_at is None and terms.respond_by is None
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id)
                                      .order_by(AuditEvent.seq)))
    bounce_at = actions.index("dispatch.undeliverable")
    assert actions[bounce_at:bounce_at + 3] == ["dispatch.undeliverable", "case.service_failed",
                                                "notice.service_failed"]
    open_items = {i.kind: i for i in db.session.scalars(select(AttentionItem).where(
        AttentionItem.case_id == case.id, AttentionItem.resolved_at.is_(None)))}
    assert not {"notice_answer", "notice_served", "notice_received"} & set(open_items)
    assert "another channel" in open_items["notice_reserve"].may
    told = [m for m in outbox() if creditor.email in m["To"] and "could not be served" in m["Subject"]]
    assert len(told) == 1 and "no period to pay runs" in told[0].get_body(("plain",)).get_content()
    for day in range(30):  # no reminder, no ODR escalation, ever, for a notice that never arrived
        assert deadlines.check(T0 + timedelta(days=day)) == {"reminders": 0, "escalated": 0}
    assert [d.purpose for d in dispatching.dispatches_for(notice, None)] == [Purpose.NOTICE]
    # A late "delivered" for the bounced message proves nothing either.
    delivered(notice)
    assert terms.received_at is None and case.status == CaseStatus.NOTICE_SIGNED
    # Served again by post: the case is served again, and the clock starts from the postal delivery.
    (post,) = dispatching.serve(creditor, notice, {ChannelKind.POST})
    assert "notice_reserve" not in {i.kind for i in db.session.scalars(select(AttentionItem).where(
        AttentionItem.case_id == case.id, AttentionItem.resolved_at.is_(None)))}
    from notices.serving import postal
    from portal.cases.intake import today_ist

    postal.record_posting(creditor, post, "RK123456785IN", "registered_post", today_ist())
    assert case.status == CaseStatus.NOTICE_SERVED and terms.respond_by is None
    delivered(notice, datetime.now(UTC), channel=ChannelKind.POST)
    assert terms.respond_by == today_ist() + timedelta(days=notice.pay_within_days)


def test_a_bounce_while_another_channel_lives_changes_nothing(db_session, outbox):
    creditor, _adv, case, notice = signed_notice()
    dispatching.serve(creditor, notice, {ChannelKind.EMAIL, ChannelKind.SMS})
    commit()
    email = next(d for d in dispatching.dispatches_for(notice) if d.channel == ChannelKind.EMAIL)
    assert _bounce(email)
    assert case.status == CaseStatus.NOTICE_SERVED
    assert "notice.service_failed" not in set(db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.case_id == case.id)))


def test_the_case_page_and_delivery_page_say_when_nothing_was_received(client, auth, db_session, outbox):
    creditor, _adv, case, notice = signed_notice(mobile=None)
    (sent,) = dispatching.serve(creditor, notice, {ChannelKind.EMAIL})
    commit()
    auth.login_as(creditor)
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "receipt not proven yet" in page and "No period runs until it is" in page
    assert _bounce(db.session.get(Dispatch, sent.id))
    commit()
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "Not received:" in page and "email to debtor@example.in" in page
    assert f"/notices/{notice.id}/delivery" in page and "Serve it again on another channel" in page
    delivery = client.get(f"/notices/{notice.id}/delivery").get_data(as_text=True)
    assert "Not received:" in delivery and 'action="/notices/' in delivery  # the serve form is offered
