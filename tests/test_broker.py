"""The embedded broker (portal/broker.py): a sqlite:/// URL reaches its transport, which carries
messages like kombu's SQLAlchemy transport and ends a wait for them once the worker is stopping."""
from __future__ import annotations

import threading
import time

import pytest
from celery.worker import state as worker_state
from kombu import Connection, Exchange, Queue

from portal import broker
from portal.config import Config

# kombu's SQLAlchemy models (kombu/transport/sqlalchemy/models.py) still ask for lazy="noload", which
# SQLAlchemy 2.1 deprecates when the mappers are configured; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy is deprecated:DeprecationWarning")


@pytest.fixture
def connection(tmp_path):
    broker.register()
    with Connection(f"sqlite:///{tmp_path / 'broker.sqlite'}") as conn:
        yield conn


def _consume(conn, received: list):
    queue = Queue("embedded", Exchange("embedded", type="direct"), routing_key="embedded")
    consumer = conn.Consumer([queue], callbacks=[lambda body, message: (received.append(body), message.ack())])
    return queue, consumer


def test_default_broker_is_the_embedded_transport_and_other_urls_are_not(tmp_path, monkeypatch):
    monkeypatch.setenv("SULAH_INSTANCE", str(tmp_path))
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    assert Config().CELERY["broker_url"] == f"sqlite:///{tmp_path / 'celery-broker.sqlite'}"
    broker.register()
    assert Connection("sqlite:///x.sqlite").transport_cls == "sqlite"
    assert Connection("sqlite:///x.sqlite").get_transport_cls() is broker.Transport
    # kombu's own transport for a sqla+ URL, Redis for Redis: only the sqlite: scheme is ours.
    assert Connection("sqla+sqlite:///x.sqlite").get_transport_cls() is not broker.Transport
    assert Connection("redis://127.0.0.1:6379/0").get_transport_cls() is not broker.Transport


def test_a_published_message_is_delivered(connection):
    received = []
    queue, consumer = _consume(connection, received)
    with consumer:
        connection.Producer().publish({"n": 1}, exchange=queue.exchange, routing_key="embedded",
                                      declare=[queue])
        connection.drain_events(timeout=5)
    assert received == [{"n": 1}]


def test_a_wait_for_messages_ends_once_the_worker_is_stopping(connection, monkeypatch):
    """kombu's transport sleeps out its whole timeout (the consumer waits 2 s at a time); this one
    gives up within a poll's slice of the stop flag being set, as a SIGTERM sets it."""
    monkeypatch.setattr(worker_state, "should_stop", None)
    _, consumer = _consume(connection, [])
    stop = threading.Timer(0.3, setattr, (worker_state, "should_stop", 0))  # EX_OK, as a warm stop sets it
    with consumer:
        started = time.monotonic()
        stop.start()
        try:
            with pytest.raises(TimeoutError):
                connection.drain_events(timeout=10)
        finally:
            stop.cancel()
        waited = time.monotonic() - started
    # 0.3 s until the flag, then at most a slice (0.05 s) or one look at the queue: seconds to spare
    # on a loaded machine, and nowhere near the 10 s the wait was given.
    assert 0.3 <= waited < 3, waited


def test_a_wait_without_a_stop_lasts_its_timeout(connection, monkeypatch):
    monkeypatch.setattr(worker_state, "should_stop", None)
    _, consumer = _consume(connection, [])
    with consumer:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            connection.drain_events(timeout=1.5)
        waited = time.monotonic() - started
    assert 1.5 <= waited < 4, waited
