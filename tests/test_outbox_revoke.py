"""Tasks a burst took over (portal.outbox.taken_over) are revoked once the claim commits: a worker
drops each as it arrives, before the task runs and claims its outbox row; a task not revoked runs."""
from __future__ import annotations

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_prerun, task_revoked

from portal import config as portal_config
from portal import create_app, outbox
from tests.celery_apps import keep_celery_current


@pytest.mark.redis
def test_a_taken_over_task_is_dropped_by_the_worker_before_it_runs(tmp_path, redis_url, monkeypatch):
    monkeypatch.setenv("SULAH_INSTANCE", str(tmp_path))
    # The worker's database has no tables: a task that ran would fail at its outbox claim.
    config = portal_config.TestConfig(tmp_path, f"sqlite:///{tmp_path / 'empty.sqlite'}")
    config.CELERY = dict(config.CELERY, broker_url=redis_url, result_backend=None, task_always_eager=False,
                         task_default_queue=f"revoke-{uuid.uuid4().hex}")
    taken = [900_000_000 + n for n in range(3)]  # rows of no other test's
    revoked, ran = [], []

    def on_revoked(request=None, **_):
        revoked.append(request.id)

    def on_prerun(task_id=None, **_):
        ran.append(task_id)

    task_revoked.connect(on_revoked, weak=False)
    task_prerun.connect(on_prerun, weak=False)
    try:
        with keep_celery_current():
            app = create_app(config)
            celery_app = app.extensions["celery"]
            try:
                with start_worker(celery_app, pool="solo", perform_ping_check=False), app.app_context():
                    assert outbox.revoke_done(taken)
                    time.sleep(0.5)  # the broadcast and the queue reach the worker on two connections
                    ping = celery_app.tasks["portal.tasks.ping"]
                    for row_id in taken:
                        ping.apply_async(["x"], task_id=f"{outbox.TASK_ID_PREFIX}{row_id}")
                    ping.apply_async(["x"], task_id="not-taken-over")
                    deadline = time.monotonic() + 20
                    while "not-taken-over" not in ran and time.monotonic() < deadline:
                        time.sleep(0.1)
            finally:
                celery_app.close()
    finally:
        task_revoked.disconnect(on_revoked)
        task_prerun.disconnect(on_prerun)
    assert ran == ["not-taken-over"]
    assert sorted(revoked) == sorted(f"{outbox.TASK_ID_PREFIX}{row_id}" for row_id in taken)


def test_nothing_is_revoked_without_a_broker_that_broadcasts(app):
    """Eager tests and the embedded SQLite broker (no fanout): the claims skip the tasks instead."""
    with app.app_context():
        assert outbox.revoke_done([1]) is False
