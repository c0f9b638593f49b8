"""Render, dispatch and proof work wait in queues of their own (portal/celery.py, TASK_QUEUES): each
routed task, published as the outbox publishes it, lands in its queue on a real Redis broker and
nowhere else; every other task stays on the default queue."""
from __future__ import annotations

import shlex
import uuid

import pytest
import redis

from portal import config as portal_config
from portal import create_app
from portal.celery import ROUTED_QUEUES, TASK_QUEUES, all_queues, queue_for
from portal.config import PROJECT_ROOT
from tests.celery_apps import keep_celery_current


def test_queue_names_in_production_and_beside_a_private_default_queue():
    assert [queue_for("celery", kind) for kind in ROUTED_QUEUES] == ["render", "dispatch", "proof"]
    assert all_queues("celery") == ["celery", "render", "dispatch", "proof"]
    assert all_queues("t1") == ["t1", "t1.render", "t1.dispatch", "t1.proof"]
    assert sorted(set(TASK_QUEUES.values())) == sorted(ROUTED_QUEUES)


def test_the_development_worker_takes_every_queue():
    """`make run` has one worker (Procfile): it must consume the routed queues too, or no notice
    would be served in development."""
    line = next(x for x in (PROJECT_ROOT / "Procfile").read_text().splitlines() if x.startswith("worker:"))
    args = shlex.split(line)
    assert args[args.index("-Q") + 1].split(",") == all_queues("celery")


@pytest.mark.redis
def test_each_task_lands_on_its_queue(tmp_path, redis_url, monkeypatch):
    monkeypatch.setenv("SULAH_INSTANCE", str(tmp_path))
    default = f"routes-{uuid.uuid4().hex}"
    config = portal_config.TestConfig(tmp_path, f"sqlite:///{tmp_path / 'routes.sqlite'}")
    config.CELERY = dict(config.CELERY, broker_url=redis_url, result_backend=None,
                         task_always_eager=False, task_default_queue=default)
    client = redis.Redis.from_url(redis_url)
    expected = {**{name: queue_for(default, kind) for name, kind in TASK_QUEUES.items()},
                "portal.tasks.send_mail": default, "portal.tasks.ping": default,
                "portal.webhooks.deliver": default}
    try:
        with keep_celery_current():
            app = create_app(config)
            celery_app = app.extensions["celery"]
            try:
                for name in expected:
                    # No task runs: nothing consumes these queues. Published as portal/outbox.py does.
                    celery_app.tasks[name].apply_async([1], task_id=f"outbox-{name}")
            finally:
                celery_app.close()
        for name, queue in expected.items():
            held = [m for m in client.lrange(queue, 0, -1) if name.encode() in m]
            assert len(held) == 1, f"{name} not on {queue}"
        for queue in all_queues(default):
            others = set(expected) - {n for n, q in expected.items() if q == queue}
            assert not [m for m in client.lrange(queue, 0, -1) if any(f'"{o}"'.encode() in m for o in others)]
        assert client.llen(default) == 3
    finally:
        for key in client.scan_iter(f"*{default}*"):
            client.delete(key)
        client.close()
