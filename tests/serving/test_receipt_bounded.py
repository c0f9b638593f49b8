"""Whether a notice was received is read from the one event that proves it earliest, not from the
whole timeline: the answer is the pure rule's (`decide`) over every event, on many mixed timelines
(designated or other addresses, failed dispatches, post, reminders, no dispatch at all), and the rows
read do not grow with the timeline. The certificate still lists every event (it must): streamed."""
from __future__ import annotations

import random
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from notices.serving import timeline
from notices.serving.models import ChannelKind, DeliveryEvent, Dispatch, EventKind, Purpose
from notices.serving.receipt import _sighting, decide, for_notice
from notices.serving.states import DispatchStatus
from notices.serving.subject import same
from portal.extensions import db
from tests.conftest import StatementCount
from tests.serving.helpers import signed_notice

T0 = datetime(2026, 12, 1, 4, 30, tzinfo=UTC)


def whole_timeline_answer(notice):
    """The rule over every event, as the receipt was read before (all rows, then `decide`)."""
    rows = db.session.execute(
        select(DeliveryEvent, Dispatch).outerjoin(Dispatch, Dispatch.id == DeliveryEvent.dispatch_id)
        .where(same(DeliveryEvent, notice)).order_by(DeliveryEvent.occurred_at, DeliveryEvent.id)).all()
    sightings = [_sighting(e, d) for e, d in rows if d is None or d.purpose == Purpose.NOTICE]
    own = db.session.scalars(select(Dispatch).where(same(Dispatch, notice), Dispatch.purpose == Purpose.NOTICE)
                             .order_by(Dispatch.id))
    anything = any(c.designated for c in notice.case.debtor.contacts)
    return decide(sightings, [(d.channel, d.address, d.status) for d in own], anything)


def dispatch(notice, user_id, rnd: random.Random) -> Dispatch:
    d = Dispatch(notice_id=notice.id, channel=rnd.choice(list(ChannelKind)),
                 purpose=rnd.choice([Purpose.NOTICE, Purpose.NOTICE, Purpose.REMINDER]),
                 address=f"a{rnd.randint(1, 9)}@debtor.in", idempotency_key=secrets.token_hex(16),
                 status=rnd.choice([DispatchStatus.SENT, DispatchStatus.FAILED, DispatchStatus.QUEUED]),
                 designated=rnd.random() < 0.4, bounce_token=secrets.token_hex(8),
                 pixel_token=secrets.token_hex(8), created_by_id=user_id)
    db.session.add(d)
    return d


def test_the_earliest_proof_read_alone_gives_the_rules_answer_on_many_timelines(db_session):
    creditor, _advocate, case, notice = signed_notice()
    rnd = random.Random(22)
    contact = case.debtor.contacts[0]
    received = 0
    for _scenario in range(60):
        db.session.execute(delete(DeliveryEvent).where(DeliveryEvent.notice_id == notice.id))
        db.session.execute(delete(Dispatch).where(Dispatch.notice_id == notice.id))
        contact.designated = rnd.random() < 0.5
        sent = [dispatch(notice, creditor.id, rnd) for _ in range(rnd.randint(0, 4))]
        db.session.flush()
        for _ in range(rnd.randint(0, 12)):
            db.session.add(DeliveryEvent(
                notice_id=notice.id, dispatch_id=rnd.choice([*(d.id for d in sent), None]),
                kind=rnd.choice(list(EventKind)), occurred_at=T0 + timedelta(minutes=rnd.randint(0, 20)),
                source="test", payload_sha256=secrets.token_hex(32)))
        db.session.flush()
        db.session.expire_all()
        assert for_notice(notice) == whole_timeline_answer(notice)
        received += for_notice(notice).received
    assert 10 < received < 55, "the scenarios mix received and not received"


def test_the_receipt_reads_one_event_row_however_long_the_timeline(db_session):
    _creditor, _advocate, _case, notice = signed_notice()
    loaded: list = []
    statements = []

    def on_load(_session, obj) -> None:
        loaded.append(obj)

    for n in (1, 200):
        for k in range(n):
            db.session.add(DeliveryEvent(notice_id=notice.id, kind=EventKind.ACCEPTED if k else EventKind.READ,
                                         occurred_at=T0 + timedelta(seconds=k), source="test",
                                         payload_sha256=secrets.token_hex(32)))
        db.session.flush()
        db.session.expire_all()
        loaded.clear()
        event.listen(Session, "loaded_as_persistent", on_load)
        try:
            with StatementCount() as sql:
                found = for_notice(notice)
        finally:
            event.remove(Session, "loaded_as_persistent", on_load)
        assert found.received and found.evidence.kind == EventKind.READ
        assert sum(isinstance(o, DeliveryEvent) for o in loaded) == 1, n
        statements.append(sql.n)
    assert statements[0] == statements[1], "the same statements for 1 event and for 201"


def test_the_certificate_counts_in_sql_and_lists_every_event_streamed(db_session):
    _creditor, _advocate, _case, notice = signed_notice()
    for k in range(7):
        db.session.add(DeliveryEvent(notice_id=notice.id, kind=EventKind.ACCEPTED,
                                     occurred_at=T0 + timedelta(seconds=k), source="test",
                                     payload_sha256=f"{k:064d}"))
    db.session.flush()
    every = timeline.events_for(notice)
    assert timeline.count(notice) == len(every) >= 7
    assert [e.id for e in timeline.stream_events(notice)] == [e.id for e in every]
