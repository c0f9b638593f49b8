"""Database wiring: SQLite pragmas for the embedded default, after-commit hooks, migrations."""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from portal import text_guard
from portal.config import PROJECT_ROOT
from portal.extensions import db, migrate

_PENDING = "sulah_after_commit"


def init_database(app: Flask) -> None:
    import portal.models  # noqa: F401  (registers every mapped class)

    db.init_app(app)
    text_guard.install()
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _configure_sqlite(db.engine)


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and defers BEGIN; take control.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN")


def after_commit(fn: Callable[[], None], key: str | None = None) -> None:
    """Run `fn` once the current transaction commits through `commit()`; drop it on rollback.

    Mail and Celery tasks go through here so a rolled-back request never sends anything. With a
    `key`, a second hook under the same key in the same transaction is dropped (one refresh for
    many events).
    """
    info = db.session().info
    if key is not None:
        keys = info.setdefault(_PENDING + "_keys", set())
        if key in keys:
            return
        keys.add(key)
    info.setdefault(_PENDING, []).append(fn)


def commit() -> None:
    """The transaction boundary: views and tasks commit here, then queued side effects run."""
    session = db.session()
    session.commit()
    session.info.pop(_PENDING + "_keys", None)
    for fn in session.info.pop(_PENDING, []):
        fn()


def rollback() -> None:
    session = db.session()
    session.rollback()
    session.info.pop(_PENDING, None)
    session.info.pop(_PENDING + "_keys", None)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_PENDING + "_keys", None)
