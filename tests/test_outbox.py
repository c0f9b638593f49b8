"""The transactional outbox: tasks are written in the transaction that causes them, published after
it commits (or later by the relay, when the broker was down or lost them), and run once per row."""
from __future__ import annotations

import contextlib
import re
from datetime import timedelta

from sqlalchemy import select, update

from notices.serving.models import ChannelKind, Dispatch
from notices.serving.states import DispatchStatus
from portal import outbox as box
from portal.adapters import mail
from portal.config import PROJECT_ROOT
from portal.database import commit, rollback
from portal.extensions import db
from portal.outbox import OutboxMessage
from portal.types import utcnow
from tests.conftest import csrf_for
from tests.serving.helpers import signed_notice

SOURCE_PACKAGES = ("portal", "notices", "evidence", "arbitration", "benchmarks")
# Where handing work to the broker directly is right, and why.
ALLOWED = {
    "portal/outbox.py": "the relay itself",
    "portal/cli.py": "the worker health check: a round trip that changes nothing and waits for its answer",
}
QUEUEING = re.compile(r"\.(delay|apply_async|send_task)\(|\bafter_commit\(")


def test_nothing_is_queued_except_through_the_outbox():
    found = []
    for package in SOURCE_PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            rel = path.relative_to(PROJECT_ROOT).as_posix()
            if rel in ALLOWED or rel == "portal/database.py":  # database.py defines after_commit
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if QUEUEING.search(line):
                    found.append(f"{rel}:{number}: {line.strip()}")
    assert found == [], "queue work with portal.outbox.enqueue in the transaction:\n" + "\n".join(found)
    for rel in ALLOWED:  # the exceptions are still there (else drop them from the list)
        assert QUEUEING.search((PROJECT_ROOT / rel).read_text(encoding="utf-8")), rel


def message(to="someone@example.in") -> mail.Message:
    return mail.Message(to=[to], subject="Outbox test", text="A test of the outbox.")


def rows() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_rolled_back_transaction_leaves_nothing_to_send(db_session, outbox):
    mail.queue(message())
    assert [r.task for r in rows()] == ["portal.tasks.send_mail"]
    rollback()
    assert rows() == []
    commit()
    assert outbox() == []


def test_committed_row_is_published_at_once_and_runs_once(app, db_session, outbox):
    mail.queue(message())
    commit()
    (row,) = rows()
    assert row.published_at is not None and row.done_at is not None and row.runs == 1
    assert len(outbox()) == 1
    # The broker delivers it again (or the relay publishes it twice): the row has run; nothing is sent.
    task = app.extensions["celery"].tasks["portal.tasks.send_mail"]
    payload = box.json.loads(row.arguments)[0][0]
    assert task.apply_async([payload], task_id=f"{box.TASK_ID_PREFIX}{row.id}").get() is None
    assert len(outbox()) == 1
    assert box.relay()["due"] == 0


def test_same_key_in_one_transaction_is_one_row(db_session):
    assert box.enqueue("notices.refresh_delivery_proof", 1, key="proof:1") is not None
    assert box.enqueue("notices.refresh_delivery_proof", 1, key="proof:1") is None
    assert len(rows()) == 1
    rollback()
    assert box.enqueue("notices.refresh_delivery_proof", 1, key="proof:1") is not None  # a new transaction
    rollback()


@contextlib.contextmanager
def broker_down(app):
    """Publishing fails: no eager runs, and a broker URL nothing listens on."""
    celery_app = app.extensions["celery"]
    saved = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager", "result_backend")}
    celery_app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False, result_backend=None)
    _reconnect(celery_app)
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        _reconnect(celery_app)


def _reconnect(celery_app) -> None:
    """Drop the connections and the result backend built from the previous settings."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)


def test_serving_while_the_broker_is_down_succeeds_and_goes_out_when_it_returns(app, client, auth,
                                                                                outbox):
    creditor, _adv, case, notice = signed_notice(mobile=None)
    auth.login_as(creditor)
    with broker_down(app):
        response = client.post(f"/notices/{notice.id}/serve", data={
            "email": "y", "csrf_token": csrf_for(client)}, follow_redirects=True)
        assert response.status_code == 200
        assert b"1 message(s) queued" in response.data
        (dispatch,) = db.session.scalars(select(Dispatch).where(Dispatch.notice_id == notice.id))
        assert dispatch.status == DispatchStatus.QUEUED
        pending = rows()
        # The dispatch alone: its `queued` event is bookkeeping and makes no certificate of its own
        # (notices/serving/timeline.py, BOOKKEEPING); the `dispatched` event's refresh follows it.
        assert [r.task for r in pending] == ["notices.send_dispatch"]
        assert all(r.published_at is None and r.done_at is None for r in pending)
        assert box.relay() == {"due": 1, "published": 0}  # still down: left for the next run
    assert outbox() == []
    # The broker is back: the beat's relay publishes what waited; nobody served the notice again.
    assert box.relay() == {"due": 1, "published": 1}
    db.session.expire_all()
    assert db.session.get(Dispatch, dispatch.id).status == DispatchStatus.SENT
    assert [m["To"] for m in outbox()].count("debtor@example.in") == 1
    assert all(r.done_at is not None for r in rows())
    assert box.pending_count() == 0


def test_broker_down_loses_no_code_alert_or_proof_refresh(app, db_session, outbox):
    """One-time codes, creditor alerts and delivery-proof refreshes wait in the outbox."""
    from notices.serving import timeline
    from notices.serving.models import DeliveryProof, EventKind
    from portal import onetime_codes

    creditor, _adv, case, notice = signed_notice(mobile=None)
    commit()
    with broker_down(app):
        onetime_codes.issue_and_send("debtor_link", "link:1", "email", "debtor@example.in",
                                     what="open your notice", case=case)
        mail.queue(message(creditor.email))  # an alert to the creditor
        timeline.record(notice, EventKind.DISPATCHED, source="smtp", raw=b"250 2.0.0 Ok: outbox test")
        commit()
        assert box.pending_count() == 3
    assert db.session.scalar(select(DeliveryProof).where(DeliveryProof.notice_id == notice.id)) is None
    box.relay()
    assert box.pending_count() == 0
    sent = [(m["To"], m["Subject"].split(":")[0]) for m in outbox()]
    assert ("debtor@example.in", "Your Sulah code") in sent
    assert (creditor.email, "Outbox test") in sent
    assert db.session.scalar(select(DeliveryProof).where(DeliveryProof.notice_id == notice.id)) is not None


def test_relay_publishes_again_what_the_broker_lost(app, db_session, outbox):
    with broker_down(app):
        mail.queue(message())
        commit()
    (row,) = rows()
    # Published to a broker that then lost it: never ran.
    db.session.execute(update(OutboxMessage).values(published_at=utcnow() - timedelta(minutes=1)))
    commit()
    assert box.relay()["due"] == 0  # not yet: it may still be on its way
    long_ago = utcnow() - timedelta(seconds=app.config["OUTBOX_REPUBLISH_SECONDS"] + 1)
    db.session.execute(update(OutboxMessage).values(published_at=long_ago))
    commit()
    assert box.relay() == {"due": 1, "published": 1}
    assert len(outbox()) == 1
    db.session.refresh(row)
    assert row.runs == 1 and row.done_at is not None


def test_each_further_publication_waits_twice_as_long(app, db_session):
    grace = app.config["OUTBOX_REPUBLISH_SECONDS"]
    with broker_down(app):
        mail.queue(message())
        commit()
        (row,) = rows()
        for publications, waited, due in ((1, 1.5, 1), (2, 1.5, 0), (2, 2.5, 1), (3, 3.5, 0), (3, 4.5, 1)):
            db.session.execute(update(OutboxMessage).values(
                publications=publications, published_at=utcnow() - timedelta(seconds=grace * waited)))
            commit()
            assert box.relay()["due"] == due, (publications, waited)


def test_serving_writes_one_send_task_per_dispatch(db_session):
    """The row names the dispatch; the dispatch's own claim decides whether it is sent."""
    from notices.serving import dispatch as dispatching

    creditor, _adv, _case, notice = signed_notice(mobile=None)
    (dispatch,) = dispatching.serve(creditor, notice, {ChannelKind.EMAIL})
    sends = [r for r in rows() if r.task == "notices.send_dispatch"]
    assert [box.json.loads(r.arguments) for r in sends] == [[[dispatch.id], {}]]
    assert sends[0].key == f"dispatch:{dispatch.id}"
    rollback()


def test_coalesced_rows_join_the_one_waiting_until_a_worker_takes_it(app, db_session):
    """A burst of delivery events makes one proof refresh; a row a worker has already taken does not
    count (what it reads is decided), so the next event gets a new one, due PROOF_DEBOUNCE_SECONDS on."""
    db_session.add(OutboxMessage(task="notices.refresh_delivery_proof", arguments="[[7], {}]",
                                 key="proof:7", started_at=utcnow(), runs=1))
    db_session.flush()
    first = box.enqueue_coalesced("notices.refresh_delivery_proof", 7, key="proof:7", delay=5)
    assert first is not None and first.eta > utcnow()
    assert box.enqueue_coalesced("notices.refresh_delivery_proof", 7, key="proof:7", delay=5) is None
    assert box.enqueue_coalesced("notices.refresh_delivery_proof", 8, key="proof:8", delay=5) is not None
    assert sorted(r.key for r in rows()) == ["proof:7", "proof:7", "proof:8"]
    rollback()
