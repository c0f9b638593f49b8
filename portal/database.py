"""Database wiring: SQLite pragmas for the embedded default, after-commit hooks, migrations, and the
read replica the dashboards' figures may be read from (`replica_reads`)."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, current_app, has_request_context, request
from flask import session as browser_session
from sqlalchemy import (
    ColumnElement,
    Table,
    any_,
    bindparam,
    create_engine,
    event,
    func,
    make_url,
    select,
    text,
    union,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import ORMExecuteState, Session

from portal import text_guard
from portal.config import PROJECT_ROOT
from portal.extensions import db, migrate

_PENDING = "sulah_after_commit"
# Session.info names starting with this belong to one transaction: dropped at its commit or rollback.
TRANSACTION_PREFIX = "sulah_txn:"
_UNDO = "sulah_on_rollback"
_BEFORE = "sulah_before_commit"
# True while a Celery task or a state-changing request runs: its SQLite transactions BEGIN IMMEDIATE.
_writes_expected: ContextVar[bool] = ContextVar("sulah_writes_expected", default=False)
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# True while a side connection only reads (e.g. during a rollback): its SQLite BEGIN stays deferred.
_reads_only: ContextVar[bool] = ContextVar("sulah_reads_only", default=False)


log = logging.getLogger(__name__)
_REPLICA = "sulah_replica"
# A replica that could not be reached is left alone this long; the primary serves meanwhile.
REPLICA_RETRY_SECONDS = 30.0
# Set while a `replica_reads` block reads from the replica: the replica's engine.
_on_replica: ContextVar[Engine | None] = ContextVar("sulah_on_replica", default=None)
# Session.info: this transaction has written (flushed, or run an INSERT, UPDATE or DELETE).
_WROTE = "sulah_txn_wrote"
# In the browser's session: when this person last changed something (seconds since the epoch).
_WROTE_AT = "wrote_at"


def init_database(app: Flask) -> None:
    """Bind the database to the app. The mapped classes are registered by the app factory (it
    imports portal.models), so this kernel module knows no feature's models."""
    db.init_app(app)
    text_guard.install()
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _configure_sqlite(db.engine)
    init_replica(app)


def init_replica(app: Flask) -> None:
    """Connect `replica_reads` to DATABASE_REPLICA_URL (again, after the setting changed); unset:
    the primary serves every read."""
    old = app.extensions.pop(_REPLICA, None)
    if old is not None:
        old.engine.dispose()
    if app.config.get("DATABASE_REPLICA_URL"):
        app.extensions[_REPLICA] = _Replica(replica_engine(app.config["DATABASE_REPLICA_URL"]))


def replica_of(app: Flask) -> Engine | None:
    """The replica's engine, None when there is none."""
    replica = app.extensions.get(_REPLICA)
    return replica.engine if replica is not None else None


class _Replica:
    def __init__(self, engine: Engine) -> None:
        self.engine, self.down_until = engine, 0.0


def replica_engine(url: str) -> Engine:
    """An engine on a PostgreSQL read replica whose every transaction is READ ONLY, so a write that
    strayed onto it fails instead of reaching a server that would refuse it or, worse, a primary."""
    if make_url(url).get_backend_name() != "postgresql":
        raise ValueError("DATABASE_REPLICA_URL must be a PostgreSQL URL (a streaming replica of "
                         "DATABASE_URL); leave it unset to read everything from the primary.")
    engine = create_engine(url, pool_pre_ping=True)

    @event.listens_for(engine, "begin")
    def _read_only(conn):
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")

    return engine


@contextmanager
def replica_reads() -> Iterator[bool]:
    """Inside this block, the session's SELECTs (not SELECT ... FOR UPDATE) read from the read replica
    (DATABASE_REPLICA_URL) in a read-only transaction; yields whether they do. The primary serves
    them instead when no replica is set, when it cannot be reached (then it is left alone for
    REPLICA_RETRY_SECONDS), and when this transaction has written anything (its own writes are not
    on the replica). Only for figures that may be a second or so behind (dashboards, collections):
    everything else, and every write, stays on the primary."""
    replica = current_app.extensions.get(_REPLICA)
    session = db.session()
    use = (replica is not None and replica.down_until <= time.monotonic() and _on_replica.get() is None
           and not session.info.get(_WROTE) and not (session.new or session.dirty or session.deleted)
           and not _wrote_recently())
    if use:
        try:
            session.connection(bind_arguments={"bind": replica.engine})  # begins its read-only transaction
        except DBAPIError as exc:
            replica.down_until = time.monotonic() + REPLICA_RETRY_SECONDS
            log.warning("read replica unreachable, the primary serves for %ss: %s", REPLICA_RETRY_SECONDS,
                        str(exc).splitlines()[0])
            use = False
    token = _on_replica.set(replica.engine if use else None)
    try:
        yield use
    finally:
        _on_replica.reset(token)


def _wrote_recently() -> bool:
    """This browser changed something less than REPLICA_AFTER_WRITE_SECONDS ago (read your writes)."""
    if not has_request_context():
        return False
    at = browser_session.get(_WROTE_AT)
    return isinstance(at, int | float) and \
        time.time() - at < current_app.config.get("REPLICA_AFTER_WRITE_SECONDS", 10.0)


def _remember_write() -> None:
    """After a person's own change commits (a request other than GET or HEAD that wrote), their next
    pages read from the primary for a while: the replica may not have the change yet."""
    if has_request_context() and request.method not in ("GET", "HEAD") and \
            current_app.extensions.get(_REPLICA) is not None:
        browser_session[_WROTE_AT] = int(time.time())


@event.listens_for(Session, "do_orm_execute")
def _route_reads(state: ORMExecuteState):
    if not state.is_select:
        state.session.info[_WROTE] = True  # an INSERT, UPDATE or DELETE, or text: maybe a write
        return None
    engine = _on_replica.get()
    if engine is None or getattr(state.statement, "_for_update_arg", None) is not None:
        return None
    return state.invoke_statement(bind_arguments={"bind": engine})


@event.listens_for(Session, "after_flush")
def _wrote(session: Session, _flush_context) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_writes(session: Session, transaction) -> None:
    if transaction.parent is None:  # the session's own transaction, not a savepoint inside it
        session.info.pop(_WROTE, None)


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

    # A deferred transaction that reads, then writes, fails at once with "database is locked" if
    # another connection wrote in between (SQLite cannot upgrade its snapshot, so busy_timeout does
    # not apply). Work that is expected to write (a worker's task, a POST) takes the write lock at
    # BEGIN instead and waits its turn under busy_timeout; page views stay deferred and concurrent.
    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _expects_writes() else "BEGIN")


def _expects_writes() -> bool:
    if _reads_only.get():
        return False
    if _writes_expected.get():
        return True
    return has_request_context() and request.method not in _SAFE_METHODS


@contextmanager
def expecting_writes() -> Iterator[None]:
    """SQLite transactions begun inside this block take the write lock at BEGIN."""
    token = _writes_expected.set(True)
    try:
        yield
    finally:
        _writes_expected.reset(token)


@contextmanager
def reading_only() -> Iterator[None]:
    """SQLite transactions begun inside this block are deferred (readers never wait on a writer)."""
    token = _reads_only.set(True)
    try:
        yield
    finally:
        _reads_only.reset(token)


def one_of(column, values: Iterable) -> ColumnElement[bool]:
    """`column IN (values)` for a long list of keys. On PostgreSQL the list goes as one array
    parameter (`column = ANY(:values)`), which the driver and the server read at once, instead of
    one bound parameter per value (thousands of them cost more to send and plan than to look up).
    Elsewhere an IN list: the caller keeps each list within SQLite's limit on parameters."""
    values = list(values)
    if db.engine.dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=postgresql.ARRAY(column.type)))
    return column.in_(values)


def referenced(ids: Iterable[int], *columns) -> set[int]:
    """Those of `ids` that any of these foreign-key columns points at (one statement): the rows
    other records rest on."""
    ids = sorted(set(ids))
    if not ids:
        return set()
    return set(db.session.scalars(union(*(select(column).where(column.in_(ids)) for column in columns))))


def key_lists(values: Iterable, per_list: int) -> Iterator[list]:
    """`values`, sorted, in the lists `one_of` takes one statement at a time: all of them at once on
    PostgreSQL (one array parameter), `per_list` at a time elsewhere (SQLite bounds an IN list)."""
    values = sorted(values)
    step = max(len(values), 1) if db.engine.dialect.name == "postgresql" else per_list
    for first in range(0, len(values), step):
        yield values[first:first + step]


def reserve_ids(table: Table, count: int, session: Session | None = None) -> list[int]:
    """`count` new keys of `table` (an integer `id` key) for rows about to be inserted.

    PostgreSQL: from the table's own sequence (one statement). SQLite: after the table's highest key
    (and any this session gave but has not flushed), which is safe because a writing SQLite
    transaction holds the database's only write lock: call it after the transaction has written
    (or began IMMEDIATE), as every writer here does."""
    if count <= 0:
        return []
    session = session or db.session
    with session.no_autoflush:
        if session.get_bind().dialect.name == "postgresql":
            return list(session.scalars(text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                                             "FROM generate_series(1, :n)"),
                                        {"table": table.name, "n": count}).all())
        top = max([session.scalar(select(func.coalesce(func.max(table.c.id), 0)))]
                  + [row.id for row in session.new
                     if getattr(row, "__table__", None) is table and row.id is not None])
    return list(range(top + 1, top + 1 + count))


def give_ids(rows: list, session: Session | None = None) -> None:
    """Give new rows of one mapped class (an integer `id` key) their keys before they are inserted,
    so that the ORM inserts them in batches on every database. Without keys, SQLite (which cannot
    hand back a batch's generated keys in order) makes the ORM insert one statement per row.
    The keys come from `reserve_ids`."""
    todo = [row for row in rows if row.id is None]
    if len(todo) < 2:
        return
    for row, new_id in zip(todo, reserve_ids(type(todo[0]).__table__, len(todo), session), strict=True):
        row.id = new_id


def insert_rows(table: Table, rows: list[dict], session: Session | None = None) -> None:
    """Insert many rows of one table in the caller's transaction, without the ORM's unit of work
    (the bulk writers: an import's cases, invoices, facts versions and audit events).

    Every row names the same columns; a column it leaves out takes the column's Python default
    (as an ORM insert would) or else its server default. Text is checked for NUL as a flush is
    (portal.text_guard). PostgreSQL: one COPY, values converted by each column's own type as a
    bound parameter would be (Money to the paisa, UTC times, enums by value). Elsewhere: one
    executemany. The caller refreshes anything derived from the rows (portal.cases.totals does
    not see them)."""
    if not rows:
        return
    session = session or db.session
    given = list(rows[0])
    defaults = {c.name: c.default for c in table.columns if c.name not in given
                and c.default is not None and (c.default.is_scalar or c.default.is_callable)}
    columns = given + list(defaults)
    filled = {name: (d.arg if d.is_scalar else d.arg(None)) for name, d in defaults.items()}
    text_guard.check_rows(table, rows, given)
    session.flush()  # what the session holds pending goes first (the rows may point at it)
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        conn.execute(table.insert(), [{**row, **filled} for row in rows] if filled else rows)
        return
    processors = [table.c[name].type.bind_processor(conn.dialect) for name in columns]
    statement = f'COPY {table.name} ({", ".join(columns)}) FROM STDIN'
    cursor = conn.connection.driver_connection.cursor()
    # COPY runs on the driver's cursor, where SQLAlchemy's statement events do not see it: tell
    # them, so that whoever counts statements (tests, benchmarks) counts this one too.
    conn.dispatch.before_cursor_execute(conn, cursor, statement, None, None, False)
    with cursor.copy(statement) as copy:
        for row in rows:
            values = [row[name] for name in given] + [filled[name] for name in defaults]
            copy.write_row([v if p is None or v is None else p(v)
                            for v, p in zip(values, processors, strict=True)])
    conn.dispatch.after_cursor_execute(conn, cursor, statement, None, None, False)


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


def before_commit(fn: Callable[[], None]) -> None:
    """Run `fn` just before the current transaction commits through `commit()`; what it writes
    commits with the rest (a mail composed from everything the transaction did goes into the
    outbox with it). Dropped on rollback."""
    db.session().info.setdefault(_BEFORE, []).append(fn)


def on_rollback(fn: Callable[[], None]) -> None:
    """Run `fn` if the current transaction is rolled back (undo what it did outside the database,
    e.g. remove a file it stored); dropped when it commits."""
    db.session().info.setdefault(_UNDO, []).append(fn)


def commit() -> None:
    """The transaction boundary: views and tasks commit here, then queued side effects run."""
    session = db.session()
    while hooks := session.info.pop(_BEFORE, []):
        for fn in hooks:
            fn()
    wrote = bool(session.info.get(_WROTE) or session.new or session.dirty or session.deleted)
    session.commit()
    if wrote:
        _remember_write()
    session.info.pop(_PENDING + "_keys", None)
    session.info.pop(_UNDO, None)
    _drop_transaction_names(session)
    for fn in session.info.pop(_PENDING, []):
        fn()


def rollback() -> None:
    session = db.session()
    session.rollback()
    _drop_pending(session)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_BEFORE, None)
    session.info.pop(_PENDING + "_keys", None)
    _drop_transaction_names(session)
    for fn in session.info.pop(_UNDO, []):
        fn()


def _drop_transaction_names(session: Session) -> None:
    for name in [n for n in session.info if isinstance(n, str) and n.startswith(TRANSACTION_PREFIX)]:
        del session.info[name]


@event.listens_for(Session, "after_commit")
def _forget_undo(session: Session) -> None:
    session.info.pop(_UNDO, None)
