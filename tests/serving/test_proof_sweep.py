"""Every delivery-proof certificate catches up with its timeline: a refresh that was lost (the
broker lost it, or it gave up) is found by the sweep; the whole pipeline survives losing the broker
in the middle of a batch."""
from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, func, select

from notices.serving import proof, timeline
from notices.serving.models import DeliveryEvent, EventKind
from notices.serving.states import DispatchStatus
from notices.serving.tasks import sweep_dispatches, sweep_stale_proofs
from portal import audit, outbox
from portal.database import commit, expecting_writes, rollback
from portal.extensions import db
from portal.outbox import OutboxMessage
from portal.types import utcnow
from tests.conftest import service_unavailable
from tests.fakes.redis_server import PrivateRedis
from tests.fakes.smtp_servers import MisbehavingSmtp
from tests.scratch_db import scratch_app, scratch_database
from tests.serving.helpers import signed_notice
from tests.serving.test_faults import celery_current, serve_debtors, wait_until
from tests.workers import start_worker_process


def current(notice_id: int) -> bool:
    events = db.session.scalar(select(func.count(DeliveryEvent.id)).where(DeliveryEvent.notice_id == notice_id))
    latest = proof.latest(notice_id)
    return latest is not None and latest.events_count == events


def test_sweep_refreshes_a_certificate_whose_refresh_was_lost(app, db_session, monkeypatch):
    _creditor, _adv, _case, notice = signed_notice(mobile=None)
    timeline.record(notice, EventKind.DELIVERED, source="sulah", raw=b"proof sweep test")
    db.session.execute(delete(OutboxMessage))  # its refresh is lost for good
    commit()
    assert not current(notice.id)
    assert proof.stale(utcnow()) == []  # its own refresh may still be on its way
    monkeypatch.setitem(app.config, "PROOF_STALE_SECONDS", 0)
    assert proof.stale(utcnow()) == [notice.id]
    assert sweep_stale_proofs.run() == 1  # eager: the refresh runs once the sweep commits
    assert current(notice.id)
    assert proof.stale(utcnow()) == []


def test_bookkeeping_events_make_no_version_of_their_own(app, db_session, monkeypatch):
    """Queued, a retry planned, deferred: nothing the certificate proves changed, so no refresh is
    queued and the sweep leaves them; the next dispatch or receipt event's version lists them."""
    monkeypatch.setitem(app.config, "PROOF_STALE_SECONDS", 0)
    _creditor, _adv, _case, notice = signed_notice(mobile=None)
    db.session.execute(delete(OutboxMessage))
    for kind in (EventKind.QUEUED, EventKind.RETRY, EventKind.DEFERRED):
        timeline.record(notice, kind, source="sulah", raw=f"bookkeeping {kind}".encode())
    refreshes = select(func.count(OutboxMessage.id)).where(OutboxMessage.task == "notices.refresh_delivery_proof")
    assert db.session.scalar(refreshes) == 0
    commit()
    assert proof.latest(notice.id) is None
    assert proof.stale(utcnow()) == []
    timeline.record(notice, EventKind.DISPATCHED, source="smtp", raw=b"250 2.0.0 Ok: queued as X1")
    assert db.session.scalar(refreshes) == 1
    commit()  # eager: the refresh runs after the commit
    latest = proof.latest(notice.id)
    assert latest.version == 1
    assert latest.events_count == len(timeline.events_for(notice))  # the bookkeeping ones included
    timeline.record(notice, EventKind.RETRY, source="sulah", raw=b"a later retry")
    commit()
    assert proof.latest(notice.id).version == 1
    assert proof.stale(utcnow()) == []  # behind by a bookkeeping event only


@pytest.mark.redis
@pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning")
def test_broker_lost_mid_batch_every_notice_goes_once_and_every_certificate_catches_up(tmp_path, database_url):
    if not PrivateRedis.available():
        service_unavailable("redis-server", "not installed")
    broker = PrivateRedis().start()
    smtp = MisbehavingSmtp().start()
    smtp.behaviour.stall_seconds = 0.3  # the batch is still going when the broker dies
    queue = f"proofs-{uuid.uuid4().hex}"
    worker = None
    try:
        with scratch_database(database_url, tmp_path) as url, scratch_app(url, tmp_path) as app:
            app.config.update(MAIL_PORT=smtp.port, OUTBOX_REPUBLISH_SECONDS=3, PROOF_STALE_SECONDS=3,
                              DISPATCH_LEASE_SECONDS=3)
            celery_app = app.extensions["celery"]
            celery_app.conf.update(broker_url=broker.url, task_always_eager=False, task_default_queue=queue,
                                   result_backend=None, task_ignore_result=True)
            with app.app_context():
                upgrade(revision="heads")
            with celery_current(celery_app), app.app_context():
                ids = serve_debtors(6)
                worker = start_worker_process(url, queue, smtp.port, tmp_path / "instance", tmp_path / "w.log",
                                              broker=broker.url, extra_env={"OUTBOX_LEASE_SECONDS": "5"})
                wait_until(lambda: len(smtp.behaviour.received) >= 1, 90, "the first notice sent")
                broker.restart_empty()  # what it held is gone
                lost_at = time.monotonic()
                assert len(smtp.behaviour.received) < 6, "the batch had finished before the broker was lost"
                # The beat, every second: the outbox relay and both sweeps.
                done = False
                while time.monotonic() - lost_at < 120 and not done:
                    with expecting_writes():  # as a task runs
                        outbox.relay()
                        sweep_dispatches.run()
                        sweep_stale_proofs.run()
                    done = all(_status(i) == DispatchStatus.SENT for i in ids) and _all_current(ids)
                    time.sleep(1)
                assert done, (tmp_path / "w.log").read_text(errors="replace")[-3000:]
                for i in range(6):
                    assert len(smtp.behaviour.messages_to(f"debtor{i}@example.in")) == 1
                assert audit.verify().ok
                rollback()
                db.session.remove()
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        broker.kill()
        smtp.stop()


def _status(dispatch_id: int):
    from notices.serving.models import Dispatch

    rollback()
    status = db.session.get(Dispatch, dispatch_id).status
    rollback()
    return status


def _all_current(dispatch_ids) -> bool:
    from notices.serving.models import Dispatch

    rollback()
    notices = {db.session.get(Dispatch, i).notice_id for i in dispatch_ids}
    ok = all(current(n) for n in notices)
    rollback()
    return ok

