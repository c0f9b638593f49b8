"""A burst of e-mail dispatches (notices/serving/burst.py): one claim and one settling transaction for
many, the ledger appended once per transaction, each dispatch still sent once, the daily cap still
per debtor."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import select

from notices.serving import burst
from notices.serving import dispatch as dispatching
from notices.serving.models import ChannelKind, DeliveryEvent, Dispatch, EventKind
from notices.serving.states import DispatchStatus
from portal import audit
from portal import outbox as outbox_rows
from portal.cases.models import ContactKind, PartyContact
from portal.cases.states import CaseStatus
from portal.database import commit
from portal.extensions import db
from portal.types import utcnow
from tests.conftest import StatementCount
from tests.serving.helpers import signed_notice

# What one more dispatch in a burst costs in statements (was 26 on SQLite and PostgreSQL): on
# PostgreSQL, 3 (measured), mostly its acceptance, committed alone right after its send. Its claim
# (status, personal link) and its settling (status, service terms, case status, timeline event,
# certificate refresh, the ledger's listeners: attention items, webhook endpoints) are written for
# the whole burst at once: an executemany, or one INSERT of many rows. SQLite's driver runs an
# INSERT that returns the new keys once a row (measured 8). One dispatch run alone costs about 80.
PER_DISPATCH = {"postgresql": 3, "sqlite": 8}


def queued(monkeypatch, n: int, *, creditor=None, window=None) -> tuple[object, list[int]]:
    """N notices served by e-mail, their dispatches QUEUED and not yet run (the tasks stay in the
    outbox, unpublished)."""
    monkeypatch.setattr(outbox_rows, "publish_now", lambda ids: 0)
    ids = []
    for i in range(n):
        creditor, _adv, case, notice = signed_notice(mobile=None, creditor=creditor, window=window)
        case.debtor.contacts[0].value = f"debtor{i}@example.in"
        ids += [d.id for d in dispatching.serve(creditor, notice, {ChannelKind.EMAIL})]
        commit()
    monkeypatch.undo()
    return creditor, ids


def status(dispatch_id: int) -> DispatchStatus:
    db.session.expire_all()
    return db.session.get(Dispatch, dispatch_id).status


def kinds(texts: list[str]) -> list[tuple[str, int]]:
    from collections import Counter

    return Counter(" ".join(t.split()[:3])[:60] for t in texts).most_common()


def ledger_statements(sql: list[str]) -> int:
    return sum(1 for s in sql if "audit_heads" in s or "audit_events" in s)


class Statements(StatementCount):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def _tick(self, _conn, _cursor, statement, *_rest) -> None:
        self.n += 1
        self.texts.append(statement)


def run_burst(ids: list[int], monkeypatch) -> tuple[burst.Burst, Statements]:
    """The burst's own statements: what it queues (certificates, the ledger's checkpoint) is not run."""
    monkeypatch.setattr(outbox_rows, "publish_now", lambda ids: 0)
    with Statements() as sql:
        done = burst.run()
    monkeypatch.undo()
    assert sorted(done.outcomes) == sorted(ids)
    return done, sql


def test_a_burst_costs_a_small_constant_per_dispatch_and_the_ledger_once(db_session, outbox, monkeypatch):
    creditor, two = queued(monkeypatch, 2)
    _small, small_sql = run_burst(two, monkeypatch)
    _creditor, eight = queued(monkeypatch, 8, creditor=creditor)
    done, big_sql = run_burst(eight, monkeypatch)
    assert {o.result for o in done.outcomes.values()} == {"sent"}
    assert all(status(i) == DispatchStatus.SENT for i in two + eight)
    per_dispatch = (big_sql.n - small_sql.n) / 6
    bound = PER_DISPATCH[db.session.get_bind().dialect.name]
    assert per_dispatch <= bound, (small_sql.n, big_sql.n, kinds(big_sql.texts))
    # The ledger's statements do not grow with the burst: one append per transaction, however many
    # events (claim, sent, served, dispatched: four a dispatch).
    assert ledger_statements(big_sql.texts) == ledger_statements(small_sql.texts)
    report = audit.verify()
    assert report.ok, report.problems
    mails = [m for m in outbox() if m["X-Sulah-Dispatch"]]
    assert sorted(m["To"] for m in mails) == sorted(f"debtor{i}@example.in" for i in (0, 1, *range(8)))


def test_a_burst_serves_each_notice_and_times_it_from_its_own_acceptance(db_session, outbox, monkeypatch):
    _creditor, ids = queued(monkeypatch, 3)
    burst.run()
    db.session.expire_all()
    for dispatch_id in ids:
        dispatch = db.session.get(Dispatch, dispatch_id)
        assert dispatch.status == DispatchStatus.SENT and dispatch.sent_at == dispatch.accepted_at
        assert dispatch.attempts == 1
        assert dispatch.notice.case.status == CaseStatus.NOTICE_SERVED
        kinds = list(db.session.scalars(select(DeliveryEvent.kind).where(DeliveryEvent.dispatch_id == dispatch_id)))
        assert EventKind.DISPATCHED in kinds
        actions = [e.action for e in audit.events_for_case(dispatch.notice.case_id)]
        assert {"dispatch.claim", "dispatch.sent", "case.serve_notice", "delivery.dispatched"} <= set(actions)
        assert actions.index("dispatch.claim") < actions.index("dispatch.sent")
    assert audit.verify().ok
    # A second burst finds nothing due: nothing is sent twice.
    assert burst.run().outcomes == {}
    assert len([m for m in outbox() if m["X-Sulah-Dispatch"]]) == 3


def test_a_debtor_over_its_daily_cap_is_deferred_alone(db_session, outbox, monkeypatch):
    window = {"contact_from_minute": 0, "contact_until_minute": 24 * 60, "daily_contact_cap": 1}
    creditor, others = queued(monkeypatch, 2, window=window)
    # A third debtor with two e-mail addresses: the cap (one contact a day) lets only one go today.
    monkeypatch.setattr(outbox_rows, "publish_now", lambda ids: 0)
    _c, _adv, case, notice = signed_notice(mobile=None, creditor=creditor)
    case.debtor.contacts[0].value = "capped@example.in"
    case.debtor.contacts.append(PartyContact(kind=ContactKind.EMAIL, value="capped.accounts@example.in",
                                             source="test"))
    capped = [d.id for d in dispatching.serve(creditor, notice, {ChannelKind.EMAIL})]
    commit()
    monkeypatch.undo()
    done = burst.run()
    results = {i: done.outcomes[i].result for i in others + capped}
    assert [results[i] for i in others] == ["sent", "sent"]
    assert sorted(results[i] for i in capped) == ["deferred", "sent"]
    deferred = next(i for i in capped if results[i] == "deferred")
    db.session.expire_all()
    held = db.session.get(Dispatch, deferred)
    assert held.status == DispatchStatus.QUEUED and held.not_before is not None and held.attempts == 0
    assert audit.verify().ok


def test_the_burst_takes_over_its_dispatches_queued_tasks(db_session, outbox, monkeypatch):
    """The tasks queued for the dispatches a burst claimed are marked done in the claim's transaction:
    a worker skips them instead of locking each dispatch to find it sent."""
    _creditor, ids = queued(monkeypatch, 3)
    burst.run()
    message = outbox_rows.OutboxMessage
    rows = db.session.execute(select(message.key, message.done_at).where(
        message.key.in_([f"dispatch:{i}" for i in ids]))).all()
    assert len(rows) == 3 and all(done_at is not None for _key, done_at in rows)


def test_a_lapsed_claim_of_a_burst_is_claimed_again_and_sent_once(db_session, outbox, monkeypatch):
    """A worker that claimed a burst and died: after the lease each dispatch is claimed again (a
    second attempt) and sent once."""
    _creditor, ids = queued(monkeypatch, 3)
    claimed = burst._claim(None, 10, float("inf"))  # the claim committed; the worker dies here
    assert sorted(i for i, _ in claimed.claimed) == sorted(ids)
    assert burst.run().outcomes == {}  # live claims: nobody else takes them
    # The lease runs out.
    db.session.execute(sa.update(Dispatch).where(Dispatch.id.in_(ids))
                       .values(claimed_until=utcnow() - timedelta(seconds=1)))
    commit()
    done = burst.run()
    assert {o.result for o in done.outcomes.values()} == {"sent"} and sorted(done.outcomes) == sorted(ids)
    db.session.expire_all()
    assert [db.session.get(Dispatch, i).attempts for i in ids] == [2, 2, 2]
    assert len([m for m in outbox() if m["X-Sulah-Dispatch"]]) == 3
    assert audit.verify().ok


def test_a_dispatch_the_burst_cannot_build_does_not_hold_up_the_others(db_session, outbox, monkeypatch):
    """One notice whose e-mail cannot be built (its PDF gone from the store): the burst's claim is
    not committed, and the task sends its own dispatch alone."""
    from notices.serving.tasks import send_dispatch

    _creditor, ids = queued(monkeypatch, 2)
    real = burst.build_delivery

    def broken(dispatch):
        if dispatch.id == ids[1]:
            raise FileNotFoundError("the signed PDF is not in the store")
        return real(dispatch)

    monkeypatch.setattr(burst, "build_delivery", broken)
    assert send_dispatch(ids[0])["result"] == "sent"
    assert status(ids[0]) == DispatchStatus.SENT
    assert status(ids[1]) == DispatchStatus.QUEUED and db.session.get(Dispatch, ids[1]).attempts == 0
    assert [m["To"] for m in outbox() if m["X-Sulah-Dispatch"]] == ["debtor0@example.in"]
    assert audit.verify().ok


def _told(case_id: int) -> tuple[list, list]:
    """What the ledger's listeners left for a case: its open attention items (kind, audience) and
    the webhook events of its serving (type, deliveries)."""
    from portal.notifications.models import AttentionItem
    from portal.webhooks.models import WebhookDelivery, WebhookEvent

    items = sorted(db.session.execute(select(AttentionItem.kind, AttentionItem.audience).where(
        AttentionItem.case_id == case_id, AttentionItem.resolved_at.is_(None))).all())
    hooks = sorted(db.session.execute(  # raised by serving it (not by the drafting before)
        select(WebhookEvent.type, sa.func.count(WebhookDelivery.id)).outerjoin(WebhookDelivery)
        .join(audit.AuditEvent, audit.AuditEvent.id == WebhookEvent.audit_event_id)
        .where(WebhookEvent.case_id == case_id, audit.AuditEvent.action == "case.serve_notice")
        .group_by(WebhookEvent.type)).all())
    return items, hooks


def test_a_burst_tells_everyone_what_one_dispatch_alone_tells(db_session, outbox, monkeypatch):
    """The listeners run once for the burst's events (one read of the open items, the endpoints),
    and leave for each served notice what a dispatch run alone leaves: the debtor's and the
    creditor's attention items, a webhook event of each type with a delivery to the endpoint."""
    from notices.serving import dispatch_runner
    from portal.webhooks import services as webhooks
    from tests.webhooks.receiver import Receiver

    receiver = Receiver()
    try:
        creditor, ids = queued(monkeypatch, 1)
        webhooks.register(creditor, receiver.url, ["notice.served", "case.status_changed"])
        commit()
        monkeypatch.setattr(outbox_rows, "publish_now", lambda ids: 0)
        assert dispatch_runner.run(ids[0]).result == "sent"
        commit()
        monkeypatch.undo()
        alone = _told(db.session.get(Dispatch, ids[0]).notice.case_id)
        _creditor, three = queued(monkeypatch, 3, creditor=creditor)
        done, _sql = run_burst(three, monkeypatch)
    finally:
        receiver.stop()
    assert {o.result for o in done.outcomes.values()} == {"sent"}
    assert alone[0] == [("notice_answer", "debtor"), ("notice_served", "creditor")]
    assert alone[1] == [("case.status_changed", 1), ("notice.served", 1)]
    for dispatch_id in three:
        assert _told(db.session.get(Dispatch, dispatch_id).notice.case_id) == alone
    assert audit.verify().ok
