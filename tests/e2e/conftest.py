"""Browser tests: the real app served on a free port from a background thread, with its own migrated
SQLite file, real commits and its own SMTP sink, driven by Debian's Chromium through Playwright.

Not the savepoint fixtures: the browser's requests commit for real, as they do in production.
"""
from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from portal import config as portal_config
from portal import create_app
from portal.database import commit
from portal.dev import smtp_sink
from portal.extensions import db, limiter
from tests.celery_apps import keep_celery_current
from tests.conftest import _free_port, service_unavailable

CHROMIUM = Path(os.environ.get("SULAH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
TIMEOUT_MS = 10_000
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


@dataclass
class LiveServer:
    app: Flask
    url: str
    outbox: Path

    def app_context(self):
        """For checking what the browser stored: the live app's own database, real sessions."""
        return self.app.app_context()


def _with_own_celery(app: Flask) -> Callable:
    """Make each request thread queue tasks on the live app's (eager) Celery app.

    `shared_task`s resolve to Celery's *current* app, which is thread-local and falls back to a
    process-wide default; the default must stay the test session's app for the other tests.
    """
    celery_app = app.extensions["celery"]

    def wsgi(environ, start_response):
        celery_app.set_current()
        return app(environ, start_response)

    return wsgi


@contextmanager
def serving(tmp_path_factory, name: str = "live", prepare: Callable[[], None] | None = None
            ) -> Iterator[LiveServer]:
    """A freshly migrated app served from a background thread; `prepare` runs in its app context
    (and commits) before the first request, e.g. to seed demo data."""
    instance = tmp_path_factory.mktemp(f"{name}-instance")
    mail_port = _free_port()
    sink = smtp_sink.start(instance / "outbox", port=mail_port)

    saved_env = os.environ.get("SULAH_INSTANCE")
    try:
        config = portal_config.TestConfig(instance, f"sqlite:///{instance / 'live.sqlite'}")
        config.MAIL_PORT = mail_port
        config.OUTBOX_PATH = instance / "outbox"
        with keep_celery_current():
            app = create_app(config)
    finally:
        if saved_env is None:
            os.environ.pop("SULAH_INSTANCE", None)
        else:
            os.environ["SULAH_INSTANCE"] = saved_env
    with app.app_context():
        upgrade(revision="heads")

    server = make_server("127.0.0.1", 0, _with_own_celery(app), threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = url  # links in e-mails point at this server
    if prepare is not None:
        _in_own_thread(app, prepare)
    thread = threading.Thread(target=server.serve_forever, name=f"{name}-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=url, outbox=instance / "outbox")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        sink.stop()
        with app.app_context():
            db.engine.dispose()


def _in_own_thread(app: Flask, prepare: Callable[[], None]) -> None:
    """Run `prepare` in the app's context and commit as the CLI does, in a thread of its own: Playwright's sync API
    keeps an event loop running in the test's thread, where signing (asyncio.run) cannot start one."""
    failure: list[BaseException] = []

    def run():
        try:
            with app.app_context():
                app.extensions["celery"].set_current()
                prepare()
                commit()  # and what waits on the commit: the seed's notices go out by e-mail
        except BaseException as exc:  # re-raised in the test's thread
            failure.append(exc)

    with keep_celery_current():
        thread = threading.Thread(target=run, name="prepare")
        thread.start()
        thread.join()
    if failure:
        raise failure[0]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    with serving(tmp_path_factory) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        service_unavailable(f"Chromium at {CHROMIUM}", "not installed; apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def open_page(browser, live_server, request):
    """`open_page()` gives a page in a fresh browser context: one per person, own cookies.

    When the test fails, each page's screenshot and HTML go to test-results/ for the CI log.
    """
    # The limiter (memory storage) is shared by every app in this process; start each browser
    # test with clean counters so earlier tests' logins from 127.0.0.1 do not lock it out.
    limiter.reset()
    contexts = []

    def open_():
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for n, context in enumerate(contexts):
        if failed:
            _save_artifacts(request.node.name, n, context)
        context.close()


def _save_artifacts(test_name: str, n: int, context) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", test_name)
    for m, page in enumerate(context.pages):
        page.screenshot(path=str(ARTIFACTS / f"{stem}-{n}-{m}.png"), full_page=True)
        (ARTIFACTS / f"{stem}-{n}-{m}.html").write_text(page.content())
        print(f"browser artifacts: {ARTIFACTS / stem}-{n}-{m}.png (at {page.url})")
