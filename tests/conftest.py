"""Test harness: one migrated database per session (SQLite, or PostgreSQL with SULAH_TEST_DB=postgresql),
a savepoint per test rolled back afterwards, a real SMTP sink, and login helpers."""
from __future__ import annotations

import os
import socket
from types import SimpleNamespace

import argon2
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_login.utils import _create_identifier
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from portal import create_app
from portal.accounts import passwords
from portal.config import TestConfig
from portal.dev import smtp_sink as sink
from portal.extensions import db

PG_URL = os.environ.get("SULAH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("SULAH_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKEND = os.environ.get("SULAH_TEST_DB", "sqlite")
# SULAH_TEST_EVERY_PASS=1 runs the tests that use no database in the PostgreSQL pass too.
IN_EVERY_PASS = os.environ.get("SULAH_TEST_EVERY_PASS", "") == "1"

# Argon2 at production cost (64 MiB, three passes, four lanes) is about 0.25 s of CPU a hash or a
# check: every form login, sign-up, reset and invitation paid it, and each worker twice at import.
# The tests prove what is hashed and checked, not how hard the hash is to break, so they use
# argon2-cffi's cheapest Argon2id parameters (same algorithm and encoding). Set before anything
# hashes (tests/factories.py hashes its password at import). Subprocesses (the Celery worker, the
# dev-stack commands) are separate interpreters and keep the production parameters.
passwords._hasher = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
passwords._DUMMY = passwords._hasher.hash("not-a-real-password")


def service_unavailable(what: str, reason: str) -> None:
    """Skip with a printed reason on a laptop; fail the run in CI, where the service must exist."""
    message = f"{what} unreachable ({reason})"
    if IN_CI:
        pytest.fail(f"{message}: CI must have it", pytrace=False)
    pytest.skip(message)


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def uses_the_database(item) -> bool:
    """Whether the test reaches the session's database (SQLite or PostgreSQL): directly or through
    any fixture, every way in goes through `database_url` (app, db_session, client, auth, the
    scratch databases). A test without it gives the same result on either engine."""
    return "database_url" in getattr(item, "fixturenames", ()) or "postgres" in item.keywords


E2E = os.path.join(os.path.dirname(__file__), "e2e")


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects: sees the browser tests in every pass
def pytest_collection_modifyitems(config, items):
    astray = [item.nodeid for item in items
              if item.get_closest_marker("browser") and not str(item.path).startswith(E2E + os.sep)]
    if astray:
        raise pytest.UsageError(f"browser tests belong in tests/e2e/ (the browser run of "
                                f"scripts/test-passes.sh collects only there): {astray}")
    for item in items:
        if "postgres" in item.keywords and BACKEND != "postgresql":
            item.add_marker(pytest.mark.skip(reason="runs in the PostgreSQL pass (make test runs it)"))
    if BACKEND == "postgresql" and not IN_EVERY_PASS:
        # The PostgreSQL pass is for what the engine can change; tests that never reach a database
        # (pure rules, parsers, adapters with fakes, PDFs and signatures) already ran in the SQLite
        # pass and would give the same result here (scripts/test-passes.sh).
        engine_free = [item for item in items if not uses_the_database(item)]
        if engine_free:
            config.hook.pytest_deselected(items=engine_free)
            items[:] = [item for item in items if uses_the_database(item)]
    # Browser tests last: Playwright's sync API keeps an event loop running in the main thread for
    # the session-wide browser, and code under test that calls asyncio.run() (pyHanko) cannot
    # run while it is open.
    # Among them, the longest journeys first: under xdist the last test of the run is then a short
    # one, not a 40 s journey one worker runs alone while the other idles (length of the test's
    # source stands in for its duration).
    items.sort(key=lambda item: ("browser" in item.keywords,
                                 -_source_lines(item) if "browser" in item.keywords else 0))


def _source_lines(item) -> int:
    import inspect

    try:
        return len(inspect.getsourcelines(item.function)[0])
    except (AttributeError, OSError, TypeError):
        return 0


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """SQLite: a file of the session's own. PostgreSQL: a database of the session's own beside
    SULAH_TEST_PG_URL's (created from it, dropped afterwards), so two test runs on one server
    (two developers, or a run beside a CI job) do not drop each other's tables."""
    if BACKEND != "postgresql":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        return
    base = sa.make_url(PG_URL)
    name = f"{base.database}_run{os.getpid()}"
    server = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        server.dispose()
        service_unavailable("PostgreSQL at 127.0.0.1:5432", str(exc).splitlines()[0])
    yield base.set(database=name).render_as_string(hide_password=False)
    with server.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


@pytest.fixture(scope="session")
def smtp_sink(tmp_path_factory):
    """A real SMTP server on a free port; messages land in `folder` as .eml files."""
    folder = tmp_path_factory.mktemp("outbox")
    port = _free_port()
    controller = sink.start(folder, port=port)
    yield SimpleNamespace(port=port, folder=folder)
    controller.stop()


@pytest.fixture(scope="session")
def app(tmp_path_factory, database_url, smtp_sink):
    config = TestConfig(tmp_path_factory.mktemp("instance"), database_url)
    config.MAIL_PORT = smtp_sink.port
    config.OUTBOX_PATH = smtp_sink.folder
    app = create_app(config)
    with app.app_context():
        upgrade(revision="heads")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request):
    """Rate-limit counters (memory storage, shared by the session's app) start empty in each test
    that uses the app, so one test's logins never throttle another's."""
    if "app" in request.fixturenames:
        from portal.extensions import limiter

        request.getfixturevalue("app")
        limiter.reset()


@pytest.fixture(autouse=True)
def _fresh_import_staging(request):
    """Import staging is per organisation id; tests roll back, so ids come round again and one test's
    staged file would otherwise sit in the next test's organisation folder."""
    yield
    if "app" in request.fixturenames:
        import shutil

        app = request.getfixturevalue("app")
        shutil.rmtree(os.path.join(app.config["INSTANCE_PATH"], "imports"), ignore_errors=True)


@pytest.fixture
def outbox(smtp_sink):
    """Messages sent during this test, oldest first, parsed."""
    from portal.dev import outbox as box

    before = set(smtp_sink.folder.iterdir())

    def sent():
        new = sorted(p for p in smtp_sink.folder.iterdir() if p not in before and p.suffix == ".eml")
        return [box.parse(p) for p in new]

    return sent


@pytest.fixture
def db_session(app):
    """Everything a test does, including requests it makes, happens in one rolled-back transaction."""
    with app.app_context():
        conn = db.engine.connect()
        outer = conn.begin()
        original = db.session
        db.session = scoped_session(
            sessionmaker(bind=conn, class_=Session, join_transaction_mode="create_savepoint",
                         expire_on_commit=True), scopefunc=_app_ctx_id)
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            conn.close()


class CommittingClient(FlaskClient):
    """Commits what the test set up before each request, as real data would be committed.

    The commit only releases a savepoint, so the outer transaction still rolls everything back.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        # A fresh app context per request, as in production: its own `g` and its own session
        # (bound to the same connection, so it sees the test's data and rolls back only itself).
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture
def client(app, db_session):
    app.test_client_class = CommittingClient
    return app.test_client()


class Auth:
    """Log in through the real form, or (for role tests) put the user straight into the session."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str, follow_redirects: bool = False):
        page = self.client.get("/login")
        assert page.status_code == 200
        return self.client.post("/login", data={"email": email, "password": password,
                                                 "csrf_token": csrf_from(page)},
                                follow_redirects=follow_redirects)

    def login_as(self, user) -> None:
        app = self.client.application
        with app.test_request_context(environ_base=self.client.environ_base):
            ident = _create_identifier()
        with self.client.session_transaction() as sess:
            sess["_user_id"] = user.get_id()
            sess["_fresh"] = True
            sess["_id"] = ident

    def logout(self):
        page = self.client.get("/dashboard", follow_redirects=True)
        return self.client.post("/logout", data={"csrf_token": csrf_from(page)})


def csrf_for(client) -> str:
    """A valid CSRF token for the client's session without loading a page (as the page would)."""
    import secrets

    from itsdangerous import URLSafeTimedSerializer

    raw = secrets.token_hex(20)
    with client.session_transaction() as sess:
        sess["csrf_token"] = raw
    key = client.application.config.get("WTF_CSRF_SECRET_KEY") or client.application.secret_key
    return URLSafeTimedSerializer(key, salt="wtf-csrf-token").dumps(raw)


def csrf_from(response) -> str:
    import re

    m = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', response.data)
    assert m, "no CSRF token on the page"
    return m.group(1).decode()


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def redis_url() -> str:
    if not _port_open("127.0.0.1", 6379):
        service_unavailable("Redis at 127.0.0.1:6379", "connection refused")
    return REDIS_URL


class StatementCount:
    """The SQL statements run inside a `with` block: `with StatementCount() as sql: ...`, then `sql.n`."""

    def __init__(self) -> None:
        self.n = 0

    def _tick(self, *_args) -> None:
        self.n += 1

    def __enter__(self) -> StatementCount:
        sa.event.listen(db.engine, "before_cursor_execute", self._tick)
        return self

    def __exit__(self, *exc: object) -> None:
        sa.event.remove(db.engine, "before_cursor_execute", self._tick)
