"""The embedded SQLite default: work expected to write (a Celery task, a POST) begins IMMEDIATE, so
it waits for the write lock instead of failing with "database is locked" when its snapshot is stale;
page views begin deferred and read concurrently."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from portal.database import expecting_writes
from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's BEGIN modes")


def begins(app, work) -> list[str]:
    from portal.extensions import db

    seen: list[str] = []
    with app.app_context():
        engine = db.engine

        def record(_conn, _cursor, statement, *_args):
            if statement.startswith("BEGIN"):
                seen.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            work(engine)
        finally:
            event.remove(engine, "before_cursor_execute", record)
    return seen


def one_read(engine) -> None:
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))


def test_a_task_begins_immediate_and_a_page_view_deferred(app):
    def in_task(engine):
        with expecting_writes():
            one_read(engine)

    assert begins(app, in_task) == ["BEGIN IMMEDIATE"]
    assert begins(app, one_read) == ["BEGIN"]


@pytest.mark.parametrize(("method", "expected"), [("GET", "BEGIN"), ("HEAD", "BEGIN"),
                                                   ("POST", "BEGIN IMMEDIATE"), ("DELETE", "BEGIN IMMEDIATE")])
def test_requests_that_change_state_begin_immediate(app, method, expected):
    def in_request(engine):
        with app.test_request_context("/", method=method):
            one_read(engine)

    assert begins(app, in_request) == [expected]


def test_celery_tasks_run_expecting_writes(app):
    """The worker's task class wraps every task in expecting_writes()."""
    from portal.database import _expects_writes

    celery_app = app.extensions["celery"]
    seen = []

    @celery_app.task(name="tests.sqlite_begin.probe")
    def probe():
        seen.append(_expects_writes())

    probe()  # __call__ runs the task as a worker would, inside the app's context
    assert seen == [True]
    assert _expects_writes() is False


def test_a_stale_writer_waits_its_turn_instead_of_failing(tmp_path):
    """Two writers that both read first: deferred, the second fails with "database is locked"
    (SQLite cannot upgrade a stale snapshot); IMMEDIATE, it waits for the first and succeeds."""
    from portal import create_app
    from portal.config import TestConfig
    from portal.extensions import db
    from tests.celery_apps import keep_celery_current

    with keep_celery_current():
        app = create_app(TestConfig(tmp_path / "instance", f"sqlite:///{tmp_path / 'race.sqlite'}"))
    with app.app_context():
        engine = db.engine
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE counter (n INTEGER)"))
            conn.execute(sa.text("INSERT INTO counter VALUES (0)"))
        first_read = threading.Event()
        errors: list[BaseException] = []

        def writer(delay_after_read: bool):
            try:
                with app.app_context(), expecting_writes(), engine.begin() as conn:
                    n = conn.execute(sa.text("SELECT n FROM counter")).scalar_one()
                    if delay_after_read:
                        first_read.set()
                        threading.Event().wait(0.3)
                    conn.execute(sa.text("UPDATE counter SET n = :n"), {"n": n + 1})
            except BaseException as exc:  # noqa: BLE001  (reported by the assertion below)
                errors.append(exc)

        slow = threading.Thread(target=writer, args=(True,))
        slow.start()
        assert first_read.wait(5)
        writer(False)
        slow.join(10)
        assert errors == []
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT n FROM counter")).scalar_one() == 2
        engine.dispose()
