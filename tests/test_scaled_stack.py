"""`make run-scaled`'s processes (Procfile.scaled, run by honcho as the Makefile runs it) on
PostgreSQL and Redis: both gunicorn processes answer /health, a task sent through each queue (the
default, render, dispatch and proof) comes back from that queue's own worker, and Ctrl-C (SIGINT to
honcho) stops every process."""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
import uuid

import pytest
import redis
from flask_migrate import upgrade

from portal import config as portal_config
from portal import create_app
from portal.celery import all_queues
from portal.config import PROJECT_ROOT
from tests.celery_apps import keep_celery_current
from tests.scratch_db import scratch_app, scratch_database

pytestmark = [pytest.mark.postgres, pytest.mark.redis,
              # Celery's Redis result backend still calls redis-py's deprecated setex; not ours to fix.
              pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning")]

_SERVICE_VARS = ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "MAIL_SERVER", "MAIL_PORT",
                 "SECRET_KEY", "SULAH_DATA_KEY", "CELERY_QUEUE", "SULAH_PORT", "SULAH_PORT2",
                 "RATELIMIT_STORAGE_URI")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health(port: int) -> int | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:  # noqa: S310
            return answer.status
    except OSError:
        return None


def _wait(predicate, timeout: float, what: str, log) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    pytest.fail(f"{what} not within {timeout} s:\n{log.read_text(errors='replace')[-4000:]}")


def test_scaled_topology_serves_on_two_ports_and_each_queue_has_its_worker(tmp_path, database_url, redis_url):
    queue = f"scaled-{uuid.uuid4().hex[:8]}"  # private queues on the shared Redis database
    web1, web2, mail_port = _free_port(), _free_port(), _free_port()
    with scratch_database(database_url, tmp_path) as url:
        with scratch_app(url, tmp_path) as app, app.app_context():
            upgrade(revision="heads")  # run-scaled.sh applies them before starting the processes
        env = {k: v for k, v in os.environ.items() if k not in _SERVICE_VARS}
        env.update(SULAH_INSTANCE=str(tmp_path / "instance"), SULAH_ENV="development", DATABASE_URL=url,
                   CELERY_BROKER_URL=redis_url, CELERY_RESULT_BACKEND=redis_url, RATELIMIT_STORAGE_URI=redis_url,
                   CELERY_QUEUE=queue, SULAH_PORT=str(web1), SULAH_PORT2=str(web2), MAIL_PORT=str(mail_port),
                   WEB_CONCURRENCY="1", WORKER_CONCURRENCY="1", DISPATCH_CONCURRENCY="1",
                   PYTHONUNBUFFERED="1", PATH=f"{PROJECT_ROOT / '.venv' / 'bin'}:{os.environ['PATH']}")
        log = tmp_path / "honcho.log"
        honcho = [str(PROJECT_ROOT / ".venv" / "bin" / "honcho"), "--procfile", "Procfile.scaled", "start"]
        with log.open("wb") as out:
            stack = subprocess.Popen(honcho, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        try:
            _wait(lambda: _health(web1) == 200 and _health(web2) == 200, 120, "/health on both ports", log)
            config = portal_config.TestConfig(tmp_path / "client", url)
            config.CELERY = dict(config.CELERY, broker_url=redis_url, result_backend=redis_url,
                                 task_always_eager=False, task_default_queue=queue)
            with keep_celery_current():
                client = create_app(config).extensions["celery"]
                try:
                    answers = {}
                    for name in all_queues(queue):
                        nonce = secrets.token_hex(8)
                        result = client.tasks["portal.tasks.ping"].apply_async(
                            args=[nonce], queue=name, ignore_result=False)
                        answers[name] = result.get(timeout=120)
                        result.forget()
                        assert answers[name]["nonce"] == nonce
                finally:
                    client.close()
            nodes = {name: answer["node"].split("@")[0] for name, answer in answers.items()}
            assert nodes == {queue: "default", f"{queue}.render": "render", f"{queue}.dispatch": "dispatch",
                             f"{queue}.proof": "proof"}
            assert {answer["database"] for answer in answers.values()} == {"postgresql+psycopg"}
            assert "beat: Starting" in log.read_text(errors="replace")
        finally:
            stack.send_signal(signal.SIGINT)  # Ctrl-C: honcho stops every process
            try:
                code = stack.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(stack.pid, signal.SIGKILL)
                stack.wait()
                pytest.fail(f"honcho did not stop on SIGINT:\n{log.read_text(errors='replace')[-4000:]}")
            client_redis = redis.Redis.from_url(redis_url)
            for key in client_redis.scan_iter(f"*{queue}*"):
                client_redis.delete(key)
            client_redis.close()
    assert code in (0, 130), log.read_text(errors="replace")[-4000:]
    assert _health(web1) is None and _health(web2) is None  # the web processes are gone too
