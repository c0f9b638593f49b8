"""Faults on a real broker (Redis) and real workers: the SMTP server is down for a while, and a
worker process is killed in the middle of handing a notice to the SMTP server. Every notice still
goes out exactly once."""
from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid
from types import SimpleNamespace

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from flask_migrate import upgrade

from notices.serving import dispatch as dispatching
from notices.serving.models import ChannelKind, Dispatch
from notices.serving.states import DispatchStatus
from notices.serving.tasks import sweep_dispatches
from portal import audit
from portal.celery import all_queues
from portal.database import commit
from portal.extensions import db
from tests.celery_apps import keep_celery_current
from tests.fakes.smtp_servers import MisbehavingSmtp
from tests.scratch_db import scratch_app, scratch_database
from tests.serving.helpers import signed_notice
from tests.workers import start_worker_process, stop_worker_process

pytestmark = [pytest.mark.redis,
              # Celery 5.7's Redis result backend still calls redis-py's deprecated setex.
              pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning")]


@contextlib.contextmanager
def celery_current(celery_app):
    with keep_celery_current():
        celery_app.set_default()
        celery_app.set_current()
        yield


@pytest.fixture
def stack(tmp_path, database_url, redis_url):
    """A committed database of its own, a Redis queue of its own and a misbehaving SMTP server."""
    smtp = MisbehavingSmtp().start()
    queue = f"faults-{uuid.uuid4().hex}"
    with scratch_database(database_url, tmp_path) as url, scratch_app(url, tmp_path) as app:
        app.config.update(MAIL_PORT=smtp.port, MAIL_TIMEOUT=10, DISPATCH_RETRY_BASE_SECONDS=0.3,
                          DISPATCH_RETRY_CAP_SECONDS=1, DISPATCH_LEASE_SECONDS=3, DISPATCH_MAX_ATTEMPTS=100)
        celery_app = app.extensions["celery"]
        celery_app.conf.update(broker_url=redis_url, task_always_eager=False, task_default_queue=queue,
                               result_backend=None, task_ignore_result=True)
        with app.app_context():
            upgrade(revision="heads")
        with celery_current(celery_app), app.app_context():
            yield app, celery_app, smtp, url, queue
            db.session.remove()
        celery_app.close()
    smtp.stop()
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"*{queue}*"):
        client.delete(key)
    client.close()


def serve_debtors(n: int) -> list[Dispatch]:
    dispatches = []
    for i in range(n):
        creditor, _adv, case, notice = signed_notice(mobile=None)
        case.debtor.contacts[0].value = f"debtor{i}@example.in"
        dispatches += dispatching.serve(creditor, notice, {ChannelKind.EMAIL})
    ids = [d.id for d in dispatches]
    commit()  # queues one task per dispatch on Redis
    return ids


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def fresh(dispatch_id: int) -> SimpleNamespace:
    """The dispatch as committed now. The read transaction ends at once: on SQLite a transaction
    holds the write lock from BEGIN, and an idle one would stall the workers."""
    db.session.rollback()
    d = db.session.get(Dispatch, dispatch_id)
    snapshot = SimpleNamespace(status=d.status, attempts=d.attempts)
    db.session.rollback()
    return snapshot


def statuses(ids) -> list[DispatchStatus]:
    return [fresh(i).status for i in ids]


def test_smtp_down_for_a_while_then_every_notice_goes_out_once(stack):
    app, celery_app, smtp, _url, _queue = stack
    smtp.stop()
    ids = serve_debtors(3)
    # Dispatches and proof refreshes go to their own queues beside the default one (portal/celery.py).
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30,
                      queues=all_queues(celery_app.conf.task_default_queue)):
        wait_until(lambda: all(fresh(i).attempts >= 2 for i in ids), 30, "failed attempts while SMTP is down")
        assert DispatchStatus.SENT not in statuses(ids)  # queued, or mid-attempt
        smtp.start()
        wait_until(lambda: statuses(ids) == [DispatchStatus.SENT] * 3, 30, "all three sent")
        time.sleep(1.0)  # let any duplicate or late retry run: it must find the dispatch sent
    for i in range(3):
        assert len(smtp.behaviour.messages_to(f"debtor{i}@example.in")) == 1


def test_worker_killed_mid_dispatch_still_sends_exactly_once(stack, tmp_path):
    app, _celery_app, smtp, url, queue = stack
    smtp.behaviour.stall_seconds = 60  # the worker hangs in DATA until it is killed
    (dispatch_id,) = serve_debtors(1)
    log = tmp_path / "worker.log"
    instance = tmp_path / "instance"
    first = start_worker_process(url, queue, smtp.port, instance, log)
    try:
        assert smtp.behaviour.data_started.wait(60), log.read_text(errors="replace")
        assert statuses([dispatch_id]) == [DispatchStatus.SENDING]
        os.killpg(first.pid, signal.SIGKILL)  # the whole worker: parent and pool child
        first.wait(10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    # The worker is dead (waited for): nothing more can reach the server.
    assert smtp.behaviour.received == []  # the server never gave its final 250: nothing delivered
    smtp.behaviour.stall_seconds = 0
    second = start_worker_process(url, queue, smtp.port, instance, log)
    try:
        # The claim lapses after its 3 s lease; the sweep (beat, every minute) then queues it again
        # (before that it finds nothing to requeue and changes nothing).
        wait_until(lambda: sweep_dispatches.run() == 1, 10, "the lapsed claim requeued by the sweep")
        wait_until(lambda: statuses([dispatch_id]) == [DispatchStatus.SENT], 60, "sent after the kill")
        assert sweep_dispatches.run() == 0
        time.sleep(1.0)
    finally:
        stop_worker_process(second)
    assert len(smtp.behaviour.messages_to("debtor0@example.in")) == 1
    assert fresh(dispatch_id).attempts == 2


def test_worker_killed_mid_burst_leaves_claims_that_expire_and_each_is_sent_once(stack, tmp_path):
    """A worker claims three e-mails as one burst and dies in the first send: the three claims lapse
    with their lease, the sweep queues them again, and each debtor gets its notice once."""
    app, _celery_app, smtp, url, queue = stack
    smtp.behaviour.stall_seconds = 60  # the worker hangs in DATA of its first message until killed
    ids = serve_debtors(3)
    log = tmp_path / "worker.log"
    instance = tmp_path / "instance"
    # A lease longer than the mail timeout, so that a worker claims more than one at a time.
    env = {"DISPATCH_LEASE_SECONDS": "4", "MAIL_TIMEOUT": "1"}
    first = start_worker_process(url, queue, smtp.port, instance, log, extra_env=env)
    try:
        assert smtp.behaviour.data_started.wait(60), log.read_text(errors="replace")
        os.killpg(first.pid, signal.SIGKILL)  # the whole worker: parent and pool child
        first.wait(10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert statuses(ids) == [DispatchStatus.SENDING] * 3  # one burst claimed all three
    assert smtp.behaviour.received == []
    smtp.behaviour.stall_seconds = 0
    second = start_worker_process(url, queue, smtp.port, instance, log, extra_env=env)
    try:
        wait_until(lambda: sweep_dispatches.run() == 3, 15, "the lapsed claims requeued by the sweep")
        wait_until(lambda: statuses(ids) == [DispatchStatus.SENT] * 3, 60, "all three sent after the kill")
        assert sweep_dispatches.run() == 0
        time.sleep(1.0)  # let any duplicate run: it must find the dispatches sent
    finally:
        stop_worker_process(second)
    for i in range(3):
        assert len(smtp.behaviour.messages_to(f"debtor{i}@example.in")) == 1
    assert [fresh(i).attempts for i in ids] == [2, 2, 2]
    db.session.rollback()
    report = audit.verify()
    db.session.rollback()
    assert report.ok, report.problems


def test_two_workers_racing_for_one_dispatch_send_it_once(stack):
    """Two workers take the same task at once (a duplicate delivery by the broker): the row lock
    and the claim let exactly one of them send."""
    import threading

    from notices.serving import dispatch_runner

    app, _celery_app, smtp, _url, _queue = stack
    smtp.behaviour.stall_seconds = 1.0  # both are in flight together
    (dispatch_id,) = serve_debtors(1)
    results: list[str] = []

    def worker():
        with app.app_context():
            results.append(dispatch_runner.run(dispatch_id).result)
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == ["busy", "sent"]
    assert len(smtp.behaviour.messages_to("debtor0@example.in")) == 1
